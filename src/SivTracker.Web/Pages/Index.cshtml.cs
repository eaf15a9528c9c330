using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages;

/// <summary>The dashboard: the backlog at a glance; caseworkers see their own cases first.</summary>
public class IndexModel(AppDbContext db, Dashboard dashboard, OrganisationCalendar calendar, IMemoryCache cache, IConfiguration configuration, TimeProvider time) : PageModel
{
    /// <summary>The organisation-wide figures: aggregates over every case, so they are computed at most once a minute
    /// per organisation (Dashboard__CacheSeconds) however many people open the dashboard.</summary>
    public sealed record Figures(IReadOnlyList<ProgramRow> Programs, IReadOnlyList<Dashboard.StageRow> ByStage, IReadOnlyList<Dashboard.AgingRow> Aging,
        IReadOnlyList<Dashboard.MonthRow> OverdueByMonth, IReadOnlyList<Dashboard.StageDaysRow> DaysInStage, IReadOnlyList<Dashboard.CaseworkerRow> ByCaseworker,
        int Overdue, DateTimeOffset At);

    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> Computing = new();

    public DateTimeOffset FiguresAt { get; private set; }

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
        var figures = await FiguresAsync(User.OrganisationId()!.Value, today, ct);
        (Programs, ByStage, Aging, OverdueByMonth, DaysInStage, ByCaseworker, FiguresAt) =
            (figures.Programs, figures.ByStage, figures.Aging, figures.OverdueByMonth, figures.DaysInStage, figures.ByCaseworker, figures.At);
        Totals = new TotalsRow(ByStage.Sum(s => s.OpenCases), ByStage.Sum(s => s.FamilyMembers), ByStage.Sum(s => s.OpenCases), figures.Overdue);
        return Page();
    }

    private async Task<Figures> FiguresAsync(Guid organisationId, DateOnly today, CancellationToken ct)
    {
        var seconds = configuration.GetValue("Dashboard:CacheSeconds", 60);
        var key = (nameof(Figures), organisationId, today);
        if (seconds > 0 && cache.TryGetValue(key, out Figures? cached)) return cached!;
        // One computation per organisation at a time; the others wait for it instead of running the same aggregates.
        var gate = Computing.GetOrAdd(organisationId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (seconds > 0 && cache.TryGetValue(key, out cached)) return cached!;
            var programs = await db.Cases.AsNoTracking().GroupBy(c => c.Program).OrderBy(g => g.Key)
                .Select(g => new ProgramRow(g.Key, g.Count(), g.Sum(c => c.CurrentStageCode != StageCatalog.Arrived && c.CurrentStageCode != StageCatalog.Closed ? 1 : 0)))
                .ToListAsync(ct);
            var figures = new Figures(programs, await dashboard.OpenByStageAsync(ct), await dashboard.AgingAsync(ct), await dashboard.OverdueByMonthAsync(today, ct),
                await dashboard.DaysInStageAsync(ct), await dashboard.ByCaseworkerAsync(ct),
                await db.Cases.CountAsync(c => (c.ClockState == ClockState.Running || c.ClockState == ClockState.Paused) && c.DaysOver > 0 && !c.HighRisk, ct),
                time.GetUtcNow());
            if (seconds > 0) cache.Set(key, figures, TimeSpan.FromSeconds(seconds));
            return figures;
        }
        finally
        {
            gate.Release();
        }
    }
}
