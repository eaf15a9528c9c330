using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Cases;

/// <summary>Cases with today's clock figures, fewest days left first (CaseListOrder), through indexed filters and keyset pages.</summary>
public class Index(AppDbContext db, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, ClockSettings settings, Audit audit, OrganisationCalendar calendar) : PageModel
{
    public const int PageSize = 50;

    public sealed record Filter
    {
        public SivProgram? Program { get; init; }
        public string? Stage { get; init; }
        public ClockState? State { get; init; }
        public Guid? Caseworker { get; init; }
        public bool Overdue { get; init; }
        public bool Approaching { get; init; }
        public Guid? After { get; init; }
    }

    public sealed record Row(Guid Id, string Reference, string PrincipalName, SivProgram Program, string Stage, ClockState State, int GovernmentDays,
        int? LimitDays, int? DaysOver, bool HighRisk, string? Caseworker, int OpenFlags);

    [BindProperty(SupportsGet = true)]
    public Filter Filters { get; set; } = new();

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public bool HasMore { get; private set; }
    public IEnumerable<SelectListItem> Stages { get; private set; } = [];
    public IEnumerable<SelectListItem> Caseworkers { get; private set; } = [];

    [Audited(AuditActions.CaseListViewed)]
    public async Task OnGetAsync(CancellationToken ct)
    {
        Stages = await StageCatalogCache.ChoicesAsync(cache, db, ct);
        var organisationId = User.OrganisationId();
        Caseworkers = await Choices.UsersAsync(db, organisationId, activeOnly: false, ct);

        var f = Filters;
        (Rows, HasMore) = await ListAsync(db, settings, f, await calendar.TodayAsync(ct), PageSize, ct);
        // Each row names a principal: paging through the list must leave a trail, as opening each case does.
        await audit.RecordNowAsync(AuditActions.CaseListViewed, details: Audit.ListDetails(Rows.Count, ("program", f.Program), ("stage", f.Stage),
            ("state", f.State), ("caseworker", f.Caseworker), ("overdue", f.Overdue), ("approaching", f.Approaching), ("after", f.After)), ct: ct);
    }

    /// <summary>
    /// The case list's one query, for the page and the API: the filters, in <see cref="CaseListOrder"/>, a page at a time
    /// after the case named by <see cref="Filter.After"/>.
    /// </summary>
    public static async Task<(IReadOnlyList<Row> Rows, bool HasMore)> ListAsync(AppDbContext db, ClockSettings settings, Filter f, DateOnly today, int limit, CancellationToken ct)
    {
        var cases = db.Cases.AsNoTracking();
        if (f.Program is { } program) cases = cases.Where(c => c.Program == program);
        if (!string.IsNullOrEmpty(f.Stage)) cases = cases.Where(c => c.CurrentStageCode == f.Stage);
        if (f.Caseworker is { } caseworker) cases = cases.Where(c => c.CaseworkerId == caseworker);
        var open = CaseStatus.OpenClock;
        int? minDaysLeft = null, maxDaysLeft = null;
        if (f.Overdue)
        {
            cases = cases.Where(CaseStatus.PastStatutoryLimit(today));
            maxDaysLeft = -1;
        }
        if (f.Approaching)
        {
            cases = cases.Where(c => open.Contains(c.ClockState));
            (minDaysLeft, maxDaysLeft) = (0, settings.FirstWarningDays);
        }
        var after = f.After is { } id ? await CaseListOrder.CursorAsync(db, id, today, ct) : null;
        var rows = await CaseListOrder.Page(cases, today, limit + 1, after, f.State, minDaysLeft, maxDaysLeft)
            .Select(c => new Row(c.Id, c.Reference, Person.FormatName(c.Principal!.GivenNames, c.Principal.FamilyName),
                c.Program, db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.Name).First(), c.ClockState, CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today), c.LimitDays,
                CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today),
                c.HighRisk, db.Users.Where(u => u.Id == c.CaseworkerId).Select(u => u.DisplayName).FirstOrDefault(),
                db.CaseFlags.Count(f => f.CaseId == c.Id && f.ClearedOn == null)))
            .ToListAsync(ct);
        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    public object RouteFor(Guid? after) => new { Filters.Program, Filters.Stage, Filters.State, Filters.Caseworker, Filters.Overdue, Filters.Approaching, After = after };
}
