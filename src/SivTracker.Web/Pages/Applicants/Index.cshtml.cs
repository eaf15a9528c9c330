using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimits.Search)]
public class Index(AppDbContext db, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, Audit audit, ILogger<Index> logger) : PageModel
{
    public const int PageSize = 50;

    public sealed record Filter
    {
        public SivProgram? Program { get; init; }
        public string? Stage { get; init; }
        public Guid? Caseworker { get; init; }
        public SafetyStatus? Safety { get; init; }
        public bool Interpreters { get; init; }

        /// <summary>
        /// updated (default) or stage. Not name: names are sealed, so the database cannot order by them; the search box
        /// finds a person by name.
        /// </summary>
        public string Sort { get; init; } = "updated";

        /// <summary>The id of the last row of the previous page: keyset pagination that never names a person in the URL.</summary>
        public Guid? After { get; init; }
    }

    /// <summary>The person's latest case, read in one piece so its program and stage describe the same case.</summary>
    public sealed record LatestCase(SivProgram Program, string Stage);

    public sealed record Row(Guid Id, string GivenNames, string? FamilyName, string? NativeName, int FamilyMembers, SafetyStatus Safety,
        LatestCase? Case, DateTimeOffset UpdatedAt, bool Interpreter)
    {
        public string Name => Person.FormatName(GivenNames, FamilyName);
    }

    public sealed record SearchCommand
    {
        public string Query { get; init; } = "";
    }

    public sealed class SearchValidator : AbstractValidator<SearchCommand>
    {
        public SearchValidator() =>
            RuleFor(c => c.Query).NotEmpty().WithMessage(T("Type a name or a case reference to search for.")).PlainText(200);
    }

    [BindProperty(SupportsGet = true)]
    public Filter Filters { get; set; } = new();

    [BindProperty]
    public SearchCommand Search { get; set; } = new();

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<ApplicantSearch.Hit>? Hits { get; private set; }
    public bool HasMore { get; private set; }
    public IEnumerable<SelectListItem> Stages { get; private set; } = [];
    public IEnumerable<SelectListItem> Caseworkers { get; private set; } = [];

    [Audited(AuditActions.PersonListViewed)]
    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadListAsync(ct);
        // A page of names is a read too: paging through the whole list must leave a trail, as opening each record does.
        var f = Filters;
        await audit.RecordNowAsync(AuditActions.PersonListViewed, details: Audit.ListDetails(Rows.Count, ("program", f.Program), ("stage", f.Stage),
            ("caseworker", f.Caseworker), ("safety", f.Safety), ("interpreters", f.Interpreters), ("sort", f.Sort), ("after", f.After)), ct: ct);
    }

    /// <summary>Search terms travel in the POST body, never in the URL, which ends up in logs and browser history.</summary>
    [Audited(AuditActions.ApplicantSearched)]
    public async Task<IActionResult> OnPostSearchAsync(CancellationToken ct)
    {
        if (ModelState.Validate(new SearchValidator(), Search, nameof(Search)))
        {
            Hits = await ApplicantSearch.RunAsync(db, Search.Query, PersonalDataAccess.For(User), ct);
            logger.LogInformation("Applicant search by {UserId} returned {Count} results", User.UserId(), Hits.Count);
            // That a search happened and how many it found: never the term.
            await audit.RecordNowAsync(AuditActions.ApplicantSearched, details: $"results={Hits.Count}", ct: ct);
            // The results replace the list and its filters: their choices are not shown.
            return Page();
        }
        await LoadChoicesAsync(ct);
        return Page();
    }

    private async Task LoadListAsync(CancellationToken ct)
    {
        await LoadChoicesAsync(ct);
        (Rows, HasMore) = await ListAsync(db, Filters, PageSize, ct);
    }

    /// <summary>A page of principals with the list's filters and order, for this page and the API.</summary>
    public static async Task<(IReadOnlyList<Row> Rows, bool HasMore)> ListAsync(AppDbContext db, Filter f, int pageSize, CancellationToken ct)
    {
        var people = db.Persons.AsNoTracking().Where(p => p.Relationship == Relationship.Principal && p.MergedIntoId == null);
        if (f.Safety is { } safety && db.OrganisationId is { } organisationId)
        {
            var lookup = Person.SafetyStatusLookup(organisationId, safety);
            people = people.Where(p => p.SafetyLookup == lookup);
        }
        if (f.Interpreters) people = people.Where(p => p.ServiceRecords.Any(s => s.Role == ServiceRole.Interpreter));
        if (f.Program is { } program) people = people.Where(p => db.Cases.Any(c => c.PrincipalId == p.Id && c.Program == program));
        if (!string.IsNullOrEmpty(f.Stage)) people = people.Where(p => db.Cases.Any(c => c.PrincipalId == p.Id && c.CurrentStageCode == f.Stage));
        if (f.Caseworker is { } caseworker) people = people.Where(p => db.Cases.Any(c => c.PrincipalId == p.Id && c.CaseworkerId == caseworker));

        // Principals without a case sort after every stage.
        var keyed = people.Select(p => new
        {
            Person = p,
            StageOrder = db.CasesLatestFirst.Where(c => c.PrincipalId == p.Id)
                .Select(c => (int?)db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.SortOrder).First()).FirstOrDefault() ?? int.MaxValue,
        });
        if (f.After is { } after && await keyed.Where(k => k.Person.Id == after)
                .Select(k => new { k.StageOrder, k.Person.UpdatedAt, k.Person.Id }).FirstOrDefaultAsync(ct) is { } cursor)
        {
            keyed = f.Sort == "stage"
                ? keyed.Where(k => EF.Functions.GreaterThan(ValueTuple.Create(k.StageOrder, k.Person.Id), ValueTuple.Create(cursor.StageOrder, cursor.Id)))
                : keyed.Where(k => EF.Functions.LessThan(ValueTuple.Create(k.Person.UpdatedAt, k.Person.Id), ValueTuple.Create(cursor.UpdatedAt, cursor.Id)));
        }
        var ordered = f.Sort == "stage"
            ? keyed.OrderBy(k => k.StageOrder).ThenBy(k => k.Person.Id)
            : keyed.OrderByDescending(k => k.Person.UpdatedAt).ThenByDescending(k => k.Person.Id);
        var page = await ordered.Take(pageSize + 1).Select(k => k.Person)
            .Select(p => new
            {
                p.Id, p.GivenNames, p.FamilyName, p.NativeName, FamilyMembers = p.FamilyMembers.Count(m => m.MergedIntoId == null), p.SafetyStatus,
                // Counted, not Any(): PostgreSQL, planning for every principal rather than the page, answers an EXISTS
                // by hashing the organisation's every interpreter record first.
                p.UpdatedAt, Interpreter = p.ServiceRecords.Count(s => s.Role == ServiceRole.Interpreter) > 0,
                // The latest case's id only, its columns in a second statement: a whole latest case in this projection
                // has EF Core number every case of the organisation before joining (a second at 330,000 cases).
                LatestCaseId = db.CasesLatestFirst.Where(c => c.PrincipalId == p.Id).Select(c => (Guid?)c.Id).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var caseIds = page.Take(pageSize).Where(p => p.LatestCaseId != null).Select(p => p.LatestCaseId!.Value).ToList();
        var cases = await db.Cases.Where(c => caseIds.Contains(c.Id))
            .Select(c => new { c.Id, Case = new LatestCase(c.Program, db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.Name).First()) })
            .ToDictionaryAsync(c => c.Id, c => c.Case, ct);
        var rows = page.Take(pageSize).Select(p => new Row(p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.FamilyMembers, p.SafetyStatus,
            p.LatestCaseId is { } caseId ? cases.GetValueOrDefault(caseId) : null, p.UpdatedAt, p.Interpreter)).ToList();
        return (rows, page.Count > pageSize);
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        Stages = await StageCatalogCache.ChoicesAsync(cache, db, ct);
        var organisationId = User.OrganisationId();
        Caseworkers = await Choices.UsersAsync(db, organisationId, activeOnly: true, ct);
    }

    public object RouteFor(Guid? after) => new
    {
        Filters.Program, Filters.Stage, Filters.Caseworker, Filters.Safety, Filters.Interpreters, Filters.Sort, After = after,
    };
}
