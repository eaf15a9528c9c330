using System.Linq.Expressions;
using LinqKit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Review;

/// <summary>
/// Every open case with an active flag, most urgent first: statutory overdue, within 30 days, within 90 days, other
/// deadlines; within a group, most days over first. Served from the urgency the sweep keeps on each case and two
/// stored keys in a fixed number of queries, each made of index range scans.
/// </summary>
public class Index(AppDbContext db, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, TimeProvider time, Audit audit, OrganisationCalendar calendar) : PageModel
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
        int? DaysOver, DateOnly? PastLimitSince, bool HighRisk, string? Caseworker, DateTimeOffset? LastReviewedAt, DateOnly? NextReviewOn, int Urgency);

    [BindProperty(SupportsGet = true)]
    public Filter Filters { get; set; } = new();

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public ILookup<Guid, FlagView> Flags { get; private set; } = Array.Empty<FlagView>().ToLookup(f => f.Id);
    public IReadOnlyDictionary<Urgency, int> Counts { get; private set; } = new Dictionary<Urgency, int>();
    public bool HasMore { get; private set; }
    public IEnumerable<SelectListItem> Stages { get; private set; } = [];
    public IEnumerable<SelectListItem> Caseworkers { get; private set; } = [];

    [Audited(AuditActions.ReviewQueueViewed)]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var organisationId = User.OrganisationId();
        Stages = await StageCatalogCache.ChoicesAsync(cache, db, ct);
        Caseworkers = await Choices.UsersAsync(db, organisationId, activeOnly: false, ct);

        var f = Filters;
        var stage = string.IsNullOrEmpty(f.Stage) ? null : f.Stage;
        (Counts, Rows, Flags, HasMore) = await QueueAsync(db, f, time.GetUtcNow(), await calendar.TodayAsync(ct), PageSize, ct);
        // Each row names a principal: paging through the queue must leave a trail, as opening each case does.
        await audit.RecordNowAsync(AuditActions.ReviewQueueViewed, details: Audit.ListDetails(Rows.Count, ("program", f.Program), ("stage", stage),
            ("caseworker", f.Caseworker), ("flag", f.Flag), ("high_risk", f.HighRisk is { } highRisk ? (highRisk ? "yes" : "no") : null), ("min_days_over", f.MinDaysOver), ("max_days_over", f.MaxDaysOver),
            ("not_reviewed_days", f.NotReviewedDays), ("interpreters", f.Interpreters), ("after", f.After)), ct: ct);
    }

    /// <summary>The queue's counts by urgency and a page of its rows with their open flags: for this page and the API.</summary>
    public static async Task<(IReadOnlyDictionary<Urgency, int> Counts, IReadOnlyList<Row> Rows, ILookup<Guid, FlagView> Flags, bool HasMore)> QueueAsync(
        AppDbContext db, Filter f, DateTimeOffset now, DateOnly today, int pageSize, CancellationToken ct)
    {
        var stage = string.IsNullOrEmpty(f.Stage) ? null : f.Stage;
        DateTimeOffset? notReviewedSince = f.NotReviewedDays is { } days ? now.AddDays(-days) : null;
        bool? interpretersOnly = f.Interpreters ? true : null;
        // Unfiltered, the counts are kept as cases change group; a filter counts what it selects.
        var unfiltered = f.Program is null && stage is null && f.Caseworker is null && f.Flag is null && f.HighRisk is null && f.MinDaysOver is null
            && f.MaxDaysOver is null && notReviewedSince is null && interpretersOnly is null;
        var counts = (unfiltered
                ? await KeptCountsQuery(db).ToListAsync(ct)
                : await FilteredCountsQuery(db, f.Program, stage, f.Caseworker, f.Flag, f.HighRisk, f.MinDaysOver, f.MaxDaysOver, notReviewedSince, interpretersOnly, today).ToListAsync(ct))
            .Where(g => g.Count > 0).ToDictionary(g => (Urgency)g.Urgency, g => g.Count);

        // Most days over first cannot be one stored key: a running clock's days over grow each day while a paused one's
        // stand still. Running clocks are read in the order of the day they reach their limit (the further past, the
        // more days over), the others by their stored sort key, each from its own index; the page is the merge of the
        // two. Equal days over: running clocks first, by that day, then the others; then the id. Each kind continues
        // after a cursor; the first page's cursors lie before every case.
        var running = (Urgency: 0, ReachedOn: DateOnly.MinValue, Id: Guid.Empty);
        var settled = (Sort: long.MinValue, Id: Guid.Empty);
        if (f.After is { } after && await CursorQuery(db, after, today) is { } cursor)
        {
            var sort = cursor.Urgency * 1_000_000L - cursor.Over;
            if (cursor.LimitReachedOn is { } reachedOn)
            {
                running = (cursor.Urgency, reachedOn, cursor.Id);
                // Settled cases as many days over follow a running one: from its sort key on, whatever the id.
                settled = (sort, Guid.Empty);
            }
            else
            {
                // Running clocks follow a settled case only with fewer days over: a limit reached after the day that
                // many days back, or none at all past it (then only in a later group).
                running = (cursor.Urgency, cursor.Over > 0 ? today.AddDays(-cursor.Over) : DateOnly.MaxValue, Guid.AllBitsSet);
                settled = (sort, cursor.Id);
            }
        }
        var rows = await RowsQuery(db, f.Program, stage, f.Caseworker, f.Flag, f.HighRisk, f.MinDaysOver, f.MaxDaysOver, notReviewedSince, interpretersOnly, today,
            running.Urgency, running.ReachedOn, running.Id, settled.Sort, settled.Id).ToListAsync(ct);
        var page = rows.Take(Math.Min(pageSize, PageSize)).ToList();
        var caseIds = page.Select(r => r.Id).ToList();
        var flags = (await FlagsQuery(db, caseIds).ToListAsync(ct)).ToLookup(x => x.CaseId, x => x.View);
        return (counts, page, flags, rows.Count > page.Count);
    }

    // Every query of the queue is compiled once: composed on each request, building and matching the rows query's
    // expression tree was a sixth of the page's work. The filter is written once, below, and expanded into the rows and
    // the filtered counts.
    private sealed record UrgencyCount(int Urgency, int Count);
    private sealed record CaseFlag(Guid CaseId, FlagView View);
    private sealed record Cursor(int Urgency, int Over, DateOnly? LimitReachedOn, Guid Id);

    private static readonly Expression<Func<AppDbContext, Case, SivProgram?, string?, Guid?, FlagType?, bool?, int?, int?, DateTimeOffset?, bool?, DateOnly, bool>> Selects =
        (db, c, program, stage, caseworker, flag, highRisk, minDaysOver, maxDaysOver, notReviewedSince, interpretersOnly, today) =>
            c.ReviewUrgency != null
            && (program == null || c.Program == program)
            && (stage == null || c.CurrentStageCode == stage)
            && (caseworker == null || c.CaseworkerId == caseworker)
            && (flag == null || db.CaseFlags.Any(x => x.CaseId == c.Id && x.ClearedOn == null && x.Type == flag))
            && (highRisk == null || c.HighRisk == highRisk)
            && (minDaysOver == null || CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today) >= minDaysOver)
            && (maxDaysOver == null || (CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today) ?? 0) <= maxDaysOver)
            && (notReviewedSince == null || !db.ReviewActions.Any(a => a.CaseId == c.Id && a.At >= notReviewedSince))
            && (interpretersOnly == null || db.ServiceRecords.Any(s => s.PersonId == c.PrincipalId && s.Role == ServiceRole.Interpreter));

    private static readonly Func<AppDbContext, SivProgram?, string?, Guid?, FlagType?, bool?, int?, int?, DateTimeOffset?, bool?, DateOnly, int, DateOnly, Guid, long, Guid, IAsyncEnumerable<Row>> RowsQuery =
        EF.CompileAsyncQuery(((Expression<Func<AppDbContext, SivProgram?, string?, Guid?, FlagType?, bool?, int?, int?, DateTimeOffset?, bool?, DateOnly, int, DateOnly, Guid, long, Guid, IQueryable<Row>>>)(
            (db, program, stage, caseworker, flag, highRisk, minDaysOver, maxDaysOver, notReviewedSince, interpretersOnly, today, runningUrgency, runningReachedOn, runningId, settledSort, settledId) =>
                db.Cases.AsNoTracking()
                    .Where(c => c.LimitReachedOn != null && Selects.Invoke(db, c, program, stage, caseworker, flag, highRisk, minDaysOver, maxDaysOver, notReviewedSince, interpretersOnly, today)
                        && EF.Functions.GreaterThan(ValueTuple.Create(c.ReviewUrgency!.Value, c.LimitReachedOn!.Value, c.Id), ValueTuple.Create(runningUrgency, runningReachedOn, runningId)))
                    .OrderBy(c => c.ReviewUrgency).ThenBy(c => c.LimitReachedOn).ThenBy(c => c.Id).Take(PageSize + 1)
                    .Concat(db.Cases.AsNoTracking()
                        .Where(c => c.LimitReachedOn == null && Selects.Invoke(db, c, program, stage, caseworker, flag, highRisk, minDaysOver, maxDaysOver, notReviewedSince, interpretersOnly, today)
                            && EF.Functions.GreaterThan(ValueTuple.Create(c.ReviewSort!.Value, c.Id), ValueTuple.Create(settledSort, settledId)))
                        .OrderBy(c => c.ReviewSort).ThenBy(c => c.Id).Take(PageSize + 1))
                    .OrderBy(c => c.ReviewUrgency).ThenByDescending(c => CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today) ?? -1)
                    .ThenBy(c => c.LimitReachedOn).ThenBy(c => c.Id).Take(PageSize + 1)
                    .Select(c => new Row(c.Id, c.Reference,
                        Person.FormatName(c.Principal!.GivenNames, c.Principal.FamilyName),
                        c.Program, db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.Name).First(), CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today), c.LimitDays,
                        CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today),
                        CaseClock.PastLimitSinceOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, c.PastLimitSince, today), c.HighRisk, db.Users.Where(u => u.Id == c.CaseworkerId).Select(u => u.DisplayName).FirstOrDefault(),
                        db.ReviewActions.Where(a => a.CaseId == c.Id).Max(a => (DateTimeOffset?)a.At),
                        db.ReviewActions.Where(a => a.CaseId == c.Id && a.Kind == ReviewActionKind.NextReviewSet).OrderByDescending(a => a.At).Select(a => a.Date).FirstOrDefault(),
                        c.ReviewUrgency!.Value)))).Expand());

    private static readonly Func<AppDbContext, SivProgram?, string?, Guid?, FlagType?, bool?, int?, int?, DateTimeOffset?, bool?, DateOnly, IAsyncEnumerable<UrgencyCount>> FilteredCountsQuery =
        EF.CompileAsyncQuery(((Expression<Func<AppDbContext, SivProgram?, string?, Guid?, FlagType?, bool?, int?, int?, DateTimeOffset?, bool?, DateOnly, IQueryable<UrgencyCount>>>)(
            (db, program, stage, caseworker, flag, highRisk, minDaysOver, maxDaysOver, notReviewedSince, interpretersOnly, today) =>
                db.Cases.AsNoTracking()
                    .Where(c => Selects.Invoke(db, c, program, stage, caseworker, flag, highRisk, minDaysOver, maxDaysOver, notReviewedSince, interpretersOnly, today))
                    .GroupBy(c => c.ReviewUrgency!.Value).Select(g => new UrgencyCount(g.Key, g.Count())))).Expand());

    private static readonly Func<AppDbContext, IAsyncEnumerable<UrgencyCount>> KeptCountsQuery = EF.CompileAsyncQuery(
        (AppDbContext db) => db.ReviewQueueCounts.AsNoTracking().Select(c => new UrgencyCount(c.Urgency, c.Cases)));

    private static readonly Func<AppDbContext, Guid, DateOnly, Task<Cursor?>> CursorQuery = EF.CompileAsyncQuery(
        (AppDbContext db, Guid after, DateOnly today) => db.Cases.AsNoTracking().Where(c => c.Id == after && c.ReviewUrgency != null)
            .Select(c => new Cursor(c.ReviewUrgency!.Value, CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today) ?? -1, c.LimitReachedOn, c.Id))
            .FirstOrDefault());

    // The page's flags in a query of their own: as a nested collection of the rows above, EF Core would build a delegate
    // for every row.
    private static readonly Func<AppDbContext, List<Guid>, IAsyncEnumerable<CaseFlag>> FlagsQuery = EF.CompileAsyncQuery(
        (AppDbContext db, List<Guid> caseIds) => db.CaseFlags.AsNoTracking().Where(f => caseIds.Contains(f.CaseId) && f.ClearedOn == null).OrderBy(f => f.Type)
            .Select(f => new CaseFlag(f.CaseId, new FlagView(f.Id, f.Type, f.RaisedOn, f.SnoozedUntil, f.DeadlineOn))));

    public object RouteFor(Guid? after) => new
    {
        Filters.Program, Filters.Stage, Filters.Caseworker, Filters.Flag, Filters.HighRisk, Filters.MinDaysOver, Filters.MaxDaysOver,
        Filters.NotReviewedDays, Interpreters = Filters.Interpreters ? true : (bool?)null, After = after,
    };

    public static string Title(Urgency urgency) => urgency switch
    {
        Urgency.Overdue => T("Past the statutory limit"),
        Urgency.Within30 => T("Limit within 30 days"),
        Urgency.Within90 => T("Limit within 90 days"),
        _ => T("Other deadlines"),
    };
}
