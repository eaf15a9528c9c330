using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Backlog;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages;

/// <summary>The dashboard: the backlog at a glance; caseworkers see their own cases first.</summary>
public class IndexModel(AppDbContext db, OrganisationCalendar calendar, BacklogFiguresCache figures) : PageModel
{
    public sealed record TotalsRow(int Principals, int FamilyMembers, int OpenCases, int PastStatutoryLimit);

    public sealed record MyCase(Guid Id, string Reference, string Stage, int GovernmentDays, int? LimitDays, int? DaysOver, ClockState State);

    public DateTimeOffset FiguresAt { get; private set; }
    public TotalsRow Totals { get; private set; } = new(0, 0, 0, 0);
    public IReadOnlyList<MyCase>? MyCases { get; private set; }
    public IReadOnlyList<BacklogFigures.ProgramRow> Programs { get; private set; } = [];
    public IReadOnlyList<BacklogFigures.StageRow> ByStage { get; private set; } = [];
    public IReadOnlyList<BacklogFigures.AgingRow> Aging { get; private set; } = [];
    public IReadOnlyList<BacklogFigures.MonthRow> PastLimitByMonth { get; private set; } = [];
    public IReadOnlyList<BacklogFigures.StageDaysRow> DaysInStage { get; private set; } = [];
    public IReadOnlyList<BacklogFigures.CaseworkerRow> ByCaseworker { get; private set; } = [];

    [NotAudited("Counts, and a caseworker's own cases by reference and stage: no names or identifiers.")]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (User.OrganisationId() is null)
        {
            // System administrators belong to no organisation and see no case data.
            return RedirectToPage("/System/Index");
        }
        var today = await calendar.TodayAsync(ct);
        if (User.IsInRole(Roles.Caseworker) && !User.IsInRole(Roles.Reviewer) && !User.IsInRole(Roles.Admin))
        {
            var me = User.UserId();
            MyCases = await CaseListOrder.Page(db.OpenCases.AsNoTracking().Where(c => c.CaseworkerId == me), today, 20)
                .Select(c => new MyCase(c.Id, c.Reference, db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.Name).First(),
                    CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today), c.LimitDays, CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today), c.ClockState))
                .ToListAsync(ct);
        }
        var current = await figures.GetAsync(User.OrganisationId()!.Value, today, ct);
        (Programs, ByStage, Aging, PastLimitByMonth, DaysInStage, ByCaseworker, FiguresAt) =
            (current.Programs, current.ByStage, current.Aging, current.PastLimitByMonth, current.DaysInStage, current.ByCaseworker, current.At);
        Totals = new TotalsRow(ByStage.Sum(s => s.OpenCases), ByStage.Sum(s => s.FamilyMembers), ByStage.Sum(s => s.OpenCases), current.PastStatutoryLimit);
        return Page();
    }
}
