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
/// deadlines; within a group, most days over first. Served from the stored clock and flags in a fixed number of queries.
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

        var queue = Filtered(Keyed());
        Counts = (await queue.Select(k => k.Urgency).GroupBy(urgency => urgency).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(g => (Urgency)g.Key, g => g.Count);

        if (Filters.After is { } after && await Keyed().Where(k => k.Case.Id == after).Select(k => new { k.Urgency, k.NegativeOver, k.Case.Id }).FirstOrDefaultAsync(ct) is { } cursor)
        {
            queue = queue.Where(k => EF.Functions.GreaterThan(ValueTuple.Create(k.Urgency, k.NegativeOver, k.Case.Id), ValueTuple.Create(cursor.Urgency, cursor.NegativeOver, cursor.Id)));
        }
        var rows = await queue.OrderBy(k => k.Urgency).ThenBy(k => k.NegativeOver).ThenBy(k => k.Case.Id).Take(PageSize + 1)
            .Select(k => new Row(k.Case.Id, k.Case.Reference,
                k.Case.Principal!.FamilyName == null ? k.Case.Principal.GivenNames : k.Case.Principal.GivenNames + " " + k.Case.Principal.FamilyName,
                k.Case.Program, db.Stages.Where(s => s.Code == k.Case.CurrentStageCode).Select(s => s.Name).First(), k.Case.GovernmentDays, k.Case.LimitDays,
                k.Case.DaysOver, k.Case.HighRisk, db.Users.Where(u => u.Id == k.Case.CaseworkerId).Select(u => u.DisplayName).FirstOrDefault(),
                db.ReviewActions.Where(a => a.CaseId == k.Case.Id).Max(a => (DateTimeOffset?)a.At),
                db.ReviewActions.Where(a => a.CaseId == k.Case.Id && a.Kind == ReviewActionKind.NextReviewSet).OrderByDescending(a => a.At).Select(a => a.Date).FirstOrDefault(),
                k.Urgency,
                db.CaseFlags.Where(f => f.CaseId == k.Case.Id && f.ClearedOn == null).OrderBy(f => f.Type)
                    .Select(f => new FlagView(f.Id, f.Type, f.RaisedOn, f.SnoozedUntil, f.DeadlineOn)).ToList()))
            .AsSplitQuery()
            .ToListAsync(ct);
        HasMore = rows.Count > PageSize;
        Rows = rows.Take(PageSize).ToList();
    }

    /// <summary>A flagged case with its sort keys: urgency group, then days over (negated, so the order is ascending throughout).</summary>
    private sealed class QueueEntry
    {
        public required Case Case { get; init; }
        public int Urgency { get; init; }
        public int NegativeOver { get; init; }
    }

    private IQueryable<QueueEntry> Keyed() =>
        db.Cases.AsNoTracking()
            .Where(c => db.CaseFlags.Any(f => f.CaseId == c.Id && f.ClearedOn == null))
            .Select(c => new QueueEntry
            {
                Case = c,
                Urgency = db.CaseFlags.Where(f => f.CaseId == c.Id && f.ClearedOn == null)
                    .Min(f => f.Type == FlagType.StatutoryOverdue || f.Type == FlagType.InternalTargetOverdue ? 1
                        : f.Type == FlagType.StatutoryApproaching30 ? 2 : f.Type == FlagType.StatutoryApproaching90 ? 3 : 4),
                NegativeOver = -(c.DaysOver ?? -1),
            });

    private IQueryable<QueueEntry> Filtered(IQueryable<QueueEntry> queue)
    {
        var f = Filters;
        if (f.Program is { } program) queue = queue.Where(k => k.Case.Program == program);
        if (!string.IsNullOrEmpty(f.Stage)) queue = queue.Where(k => k.Case.CurrentStageCode == f.Stage);
        if (f.Caseworker is { } caseworker) queue = queue.Where(k => k.Case.CaseworkerId == caseworker);
        if (f.Flag is { } flag) queue = queue.Where(k => db.CaseFlags.Any(x => x.CaseId == k.Case.Id && x.ClearedOn == null && x.Type == flag));
        if (f.HighRisk is { } highRisk) queue = queue.Where(k => k.Case.HighRisk == highRisk);
        if (f.MinDaysOver is { } min) queue = queue.Where(k => k.Case.DaysOver >= min);
        if (f.MaxDaysOver is { } max) queue = queue.Where(k => (k.Case.DaysOver ?? 0) <= max);
        if (f.NotReviewedDays is { } days)
        {
            var since = time.GetUtcNow().AddDays(-days);
            queue = queue.Where(k => !db.ReviewActions.Any(a => a.CaseId == k.Case.Id && a.At >= since));
        }
        if (f.Interpreters) queue = queue.Where(k => db.ServiceRecords.Any(s => s.PersonId == k.Case.PrincipalId && s.Role == ServiceRole.Interpreter));
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
