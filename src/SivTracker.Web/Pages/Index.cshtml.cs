using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages;

/// <summary>The dashboard: the backlog at a glance; caseworkers see their own cases first.</summary>
public class IndexModel(AppDbContext db, Dashboard dashboard, OrganisationCalendar calendar) : PageModel
{
    public sealed record TotalsRow(int Principals, int FamilyMembers, int OpenCases, int Overdue);

    public sealed record ProgramRow(SivProgram Program, int Applicants, int OpenCases);

    public IReadOnlyList<ProgramRow> Programs { get; private set; } = [];

    public sealed record MyCase(Guid Id, string Reference, string Stage, int GovernmentDays, int? LimitDays, int? DaysOver, ClockState State);

    public TotalsRow Totals { get; private set; } = new(0, 0, 0, 0);
    public IReadOnlyList<MyCase>? MyCases { get; private set; }
    public IReadOnlyList<Dashboard.StageRow> ByStage { get; private set; } = [];
    public IReadOnlyList<Dashboard.AgingRow> Aging { get; private set; } = [];
    public IReadOnlyList<Dashboard.MonthRow> OverdueByMonth { get; private set; } = [];
    public IReadOnlyList<Dashboard.StageDaysRow> DaysInStage { get; private set; } = [];
    public IReadOnlyList<Dashboard.CaseworkerRow> ByCaseworker { get; private set; } = [];

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
            MyCases = await db.Cases.AsNoTracking()
                .Where(c => c.CaseworkerId == me && c.CurrentStageCode != StageCatalog.Arrived && c.CurrentStageCode != StageCatalog.Closed)
                .OrderByDescending(c => c.DaysOver ?? -1).ThenByDescending(c => c.GovernmentDays).Take(20)
                .Select(c => new MyCase(c.Id, c.Reference, db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.Name).First(),
                    c.GovernmentDays, c.LimitDays, c.DaysOver, c.ClockState))
                .ToListAsync(ct);
        }
        Programs = await db.Cases.AsNoTracking().GroupBy(c => c.Program).OrderBy(g => g.Key)
            .Select(g => new ProgramRow(g.Key, g.Count(), g.Sum(c => c.CurrentStageCode != StageCatalog.Arrived && c.CurrentStageCode != StageCatalog.Closed ? 1 : 0)))
            .ToListAsync(ct);
        ByStage = await dashboard.OpenByStageAsync(ct);
        Aging = await dashboard.AgingAsync(ct);
        OverdueByMonth = await dashboard.OverdueByMonthAsync(today, ct);
        DaysInStage = await dashboard.DaysInStageAsync(ct);
        ByCaseworker = await dashboard.ByCaseworkerAsync(ct);
        var overdue = await db.Cases.CountAsync(c => (c.ClockState == ClockState.Running || c.ClockState == ClockState.Paused) && c.DaysOver > 0 && !c.HighRisk, ct);
        Totals = new TotalsRow(ByStage.Sum(s => s.OpenCases), ByStage.Sum(s => s.FamilyMembers), ByStage.Sum(s => s.OpenCases), overdue);
        return Page();
    }
}
