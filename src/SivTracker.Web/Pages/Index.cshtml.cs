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
public class IndexModel(AppDbContext db, OrganisationCalendar calendar, IMemoryCache cache, IConfiguration configuration, TimeProvider time,
    IServiceScopeFactory scopes, ILogger<IndexModel> logger) : PageModel
{
    /// <summary>The organisation-wide figures: aggregates over every case, so they are computed at most once a minute
    /// per organisation (Dashboard__CacheSeconds) however many people open the dashboard. Past that age the figures
    /// still answer at once while one background refresh replaces them; nobody waits for the aggregates but the very
    /// first visitor of the day.</summary>
    public sealed record Figures(IReadOnlyList<ProgramRow> Programs, IReadOnlyList<Dashboard.StageRow> ByStage, IReadOnlyList<Dashboard.AgingRow> Aging,
        IReadOnlyList<Dashboard.MonthRow> OverdueByMonth, IReadOnlyList<Dashboard.StageDaysRow> DaysInStage, IReadOnlyList<Dashboard.CaseworkerRow> ByCaseworker,
        int Overdue, DateTimeOffset At);

    private static readonly ConcurrentDictionary<(Guid, DateOnly), Lazy<Task<Figures>>> Computing = new();

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
        if (seconds <= 0) return await ComputeAsync(db, today, ct);
        if (cache.TryGetValue((nameof(Figures), organisationId, today), out Figures? cached))
        {
            if (cached!.At.AddSeconds(seconds) < time.GetUtcNow()) _ = Computation(organisationId, today);
            return cached;
        }
        return await Computation(organisationId, today).WaitAsync(ct);
    }

    /// <summary>
    /// The one computation in flight for an organisation and day, started if there is none. It runs in its own scope,
    /// outside any request: everyone waiting shares it, and a visitor who gives up neither cancels nor restarts it.
    /// </summary>
    private Task<Figures> Computation(Guid organisationId, DateOnly today)
    {
        var key = (organisationId, today);
        return Computing.GetOrAdd(key, _ => new Lazy<Task<Figures>>(() =>
        {
            using (ExecutionContext.SuppressFlow())
            {
                return Task.Run(async () =>
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        var scopedDb = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                        scopedDb.OrganisationId = organisationId;
                        var figures = await ComputeAsync(scopedDb, today, CancellationToken.None);
                        cache.Set((nameof(Figures), organisationId, today), figures, TimeSpan.FromDays(1));
                        return figures;
                    }
                    catch (Exception exception)
                    {
                        // Figures already shown stay; the next visit past their age tries again.
                        logger.LogWarning(exception, "Computing the dashboard figures failed.");
                        throw;
                    }
                    finally
                    {
                        Computing.TryRemove(key, out var _);
                    }
                });
            }
        })).Value;
    }

    private async Task<Figures> ComputeAsync(AppDbContext db, DateOnly today, CancellationToken ct)
    {
        var dashboard = new Dashboard(db);
        var programs = await db.Cases.AsNoTracking().GroupBy(c => c.Program).OrderBy(g => g.Key)
            .Select(g => new ProgramRow(g.Key, g.Count(), g.Sum(c => c.CurrentStageCode != StageCatalog.Arrived && c.CurrentStageCode != StageCatalog.Closed ? 1 : 0)))
            .ToListAsync(ct);
        return new Figures(programs, await dashboard.OpenByStageAsync(ct), await dashboard.AgingAsync(ct), await dashboard.OverdueByMonthAsync(today, ct),
            await dashboard.DaysInStageAsync(ct), await dashboard.ByCaseworkerAsync(ct),
            await db.Cases.CountAsync(c => (c.ClockState == ClockState.Running || c.ClockState == ClockState.Paused) && c.DaysOver > 0 && !c.HighRisk, ct),
            time.GetUtcNow());
    }
}
