using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Review;

/// <summary>
/// Every open case with an active flag, most urgent first: statutory overdue, within 30 days, within 90 days, other
/// deadlines; within a group, most days over first. Served from the urgency the sweep keeps on each case (and its
/// stored sort key) in a fixed number of queries, each an index range scan.
/// </summary>
public class Index(AppDbContext db, TimeProvider time) : PageModel
{
    public const int PageSize = 50;

    public enum Urgency { Overdue = 1, Within30 = 2, Within90 = 3, Other = 4 }

    public sealed record Filter
    {
        public SivProgram? Program { get; init; }
        public string? Stage { get; init; }
        public Guid? Caseworker { get; init; }
        public FlagType? Flag { get; init; }
        public bool? HighRisk { get; init; }
        public int? MinDaysOver { get; init; }
        public int? MaxDaysOver { get; init; }
        public int? NotReviewedDays { get; init; }
        public bool Interpreters { get; init; }
        public Guid? After { get; init; }
    }

    public sealed record FlagView(Guid Id, FlagType Type, DateOnly RaisedOn, DateOnly? SnoozedUntil, DateOnly? DeadlineOn);

    public sealed record Row(Guid Id, string Reference, string PrincipalName, SivProgram Program, string Stage, int GovernmentDays, int? LimitDays,
        int? DaysOver, bool HighRisk, string? Caseworker, DateTimeOffset? LastReviewedAt, DateOnly? NextReviewOn, int Urgency, List<FlagView> Flags);

    [BindProperty(SupportsGet = true)]
    public Filter Filters { get; set; } = new();

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyDictionary<Urgency, int> Counts { get; private set; } = new Dictionary<Urgency, int>();
    public bool HasMore { get; private set; }
    public IEnumerable<SelectListItem> Stages { get; private set; } = [];
    public IEnumerable<SelectListItem> Caseworkers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var organisationId = User.OrganisationId();
        Stages = (await db.Stages.AsNoTracking().OrderBy(s => s.SortOrder).Select(s => new { s.Code, s.Name }).ToListAsync(ct)).Select(s => new SelectListItem(s.Name, s.Code));
        Caseworkers = await Choices.UsersAsync(db, organisationId, activeOnly: false, ct);

        var queue = Filtered(db.Cases.AsNoTracking().Where(c => c.ReviewUrgency != null));
        Counts = (await queue.GroupBy(c => c.ReviewUrgency!.Value).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(g => (Urgency)g.Key, g => g.Count);

        if (Filters.After is { } after && await db.Cases.Where(c => c.Id == after && c.ReviewSort != null).Select(c => new { c.ReviewSort, c.Id }).FirstOrDefaultAsync(ct) is { } cursor)
        {
            queue = queue.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.ReviewSort!.Value, c.Id), ValueTuple.Create(cursor.ReviewSort!.Value, cursor.Id)));
        }
        var rows = await queue.OrderBy(c => c.ReviewSort).ThenBy(c => c.Id).Take(PageSize + 1)
            .Select(c => new Row(c.Id, c.Reference,
                c.Principal!.FamilyName == null ? c.Principal.GivenNames : c.Principal.GivenNames + " " + c.Principal.FamilyName,
                c.Program, db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.Name).First(), c.GovernmentDays, c.LimitDays,
                c.DaysOver, c.HighRisk, db.Users.Where(u => u.Id == c.CaseworkerId).Select(u => u.DisplayName).FirstOrDefault(),
                db.ReviewActions.Where(a => a.CaseId == c.Id).Max(a => (DateTimeOffset?)a.At),
                db.ReviewActions.Where(a => a.CaseId == c.Id && a.Kind == ReviewActionKind.NextReviewSet).OrderByDescending(a => a.At).Select(a => a.Date).FirstOrDefault(),
                c.ReviewUrgency!.Value,
                db.CaseFlags.Where(f => f.CaseId == c.Id && f.ClearedOn == null).OrderBy(f => f.Type)
                    .Select(f => new FlagView(f.Id, f.Type, f.RaisedOn, f.SnoozedUntil, f.DeadlineOn)).ToList()))
            .AsSplitQuery()
            .ToListAsync(ct);
        HasMore = rows.Count > PageSize;
        Rows = rows.Take(PageSize).ToList();
    }

    private IQueryable<Case> Filtered(IQueryable<Case> queue)
    {
        var f = Filters;
        if (f.Program is { } program) queue = queue.Where(c => c.Program == program);
        if (!string.IsNullOrEmpty(f.Stage)) queue = queue.Where(c => c.CurrentStageCode == f.Stage);
        if (f.Caseworker is { } caseworker) queue = queue.Where(c => c.CaseworkerId == caseworker);
        if (f.Flag is { } flag) queue = queue.Where(c => db.CaseFlags.Any(x => x.CaseId == c.Id && x.ClearedOn == null && x.Type == flag));
        if (f.HighRisk is { } highRisk) queue = queue.Where(c => c.HighRisk == highRisk);
        if (f.MinDaysOver is { } min) queue = queue.Where(c => c.DaysOver >= min);
        if (f.MaxDaysOver is { } max) queue = queue.Where(c => (c.DaysOver ?? 0) <= max);
        if (f.NotReviewedDays is { } days)
        {
            var since = time.GetUtcNow().AddDays(-days);
            queue = queue.Where(c => !db.ReviewActions.Any(a => a.CaseId == c.Id && a.At >= since));
        }
        if (f.Interpreters) queue = queue.Where(c => db.ServiceRecords.Any(s => s.PersonId == c.PrincipalId && s.Role == ServiceRole.Interpreter));
        return queue;
    }

    public object RouteFor(Guid? after) => new
    {
        Filters.Program, Filters.Stage, Filters.Caseworker, Filters.Flag, Filters.HighRisk, Filters.MinDaysOver, Filters.MaxDaysOver,
        Filters.NotReviewedDays, Filters.Interpreters, After = after,
    };

    public static string Title(Urgency urgency) => urgency switch
    {
        Urgency.Overdue => "Past the limit",
        Urgency.Within30 => "Limit within 30 days",
        Urgency.Within90 => "Limit within 90 days",
        _ => "Other deadlines",
    };
}
