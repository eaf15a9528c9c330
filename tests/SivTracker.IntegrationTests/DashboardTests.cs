using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Backlog;
using SivTracker.Web.Demo;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests;

public class DashboardTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task DashboardFigures_EqualTheSameFiguresComputedFromTheRawRows()
    {
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 90);
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().EnsureDemoUsersAsync(TestUsers.Password);
            foreach (var day in new[] { "2026-06-30", "2026-09-30", "2026-11-26" })
            {
                await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(DateOnly.Parse(day));
            }
        }
        var organisation = await TestData.OrganisationIdAsync(Fixture, "ngo-a");
        List<Case> cases; List<Person> persons; List<StageEvent> events; List<Stage> stages;
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            cases = await db.Cases.AsNoTracking().Where(c => c.OrganisationId == organisation).ToListAsync();
            persons = await db.Persons.AsNoTracking().Where(p => p.OrganisationId == organisation).ToListAsync();
            events = await db.StageEvents.AsNoTracking().Where(e => e.OrganisationId == organisation && e.VoidedAt == null).ToListAsync();
            stages = await db.Stages.AsNoTracking().ToListAsync();
        }
        using var client = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync("reviewer@ngo-a.demo", TestUsers.Password)).StatusCode);

        var html = await client.GetHtmlAsync("/");
        var page = Html.Parse(html);

        var open = cases.Where(c => c.CurrentStageCode is not ("ARRIVED" or "CLOSED")).ToList();
        foreach (var group in open.GroupBy(c => c.CurrentStageCode))
        {
            var family = group.Sum(c => persons.Count(p => p.PrincipalId == c.PrincipalId));
            var name = stages.Single(s => s.Code == group.Key).Name;
            Assert.Equal([$"{group.Count()}", $"{group.Count()}", $"{family}"], Html.RowCells(page, "table[aria-label='Open cases and people by stage']", name));
        }
        foreach (var program in Enum.GetValues<SivProgram>())
        {
            var running = cases.Where(c => c.Program == program && c.ClockState is ClockState.Running or ClockState.Paused).ToList();
            if (running.Count == 0) continue;
            var overTwoYears = running.Count(c => c.GovernmentDays > 730);
            Assert.Equal([overTwoYears.ToString("N0")], Html.RowCells(page, $"#aging-{program}-table", "over 2 years"));
        }
        // Past the limit at each month's end: each case's clock recomputed from its history as it stood that day.
        var catalog = stages.ToDictionary(s => s.Code);
        foreach (var monthEnd in new[] { new DateOnly(2026, 6, 30), new DateOnly(2026, 9, 30), new DateOnly(2025, 12, 31) })
        {
            var overdue = cases.Count(c => StatutoryClock.Compute(StatutoryClock.ClockEvents(StatutoryClock.InOrder(events.Where(e => e.CaseId == c.Id), catalog)),
                catalog, c.Program, c.StepModel, c.HighRisk, monthEnd, new ClockSettings()).IsStatutoryBreach);
            Assert.Equal([overdue.ToString("N0")], Html.RowCells(page, "#overdue-months-table", $"{monthEnd:MMM yyyy}"));
        }
        // Median days in a stage over completed visits, computed here from the histories.
        var durations = events.GroupBy(e => e.CaseId).SelectMany(history =>
        {
            var ordered = history.OrderBy(e => e.FromStageCode is null ? 0 : 1).ThenBy(e => e.EffectiveOn).ThenBy(e => e.RecordedAt)
                .ThenBy(e => stages.Single(s => s.Code == e.ToStageCode).SortOrder).ToList();
            return ordered.Zip(ordered.Skip(1), (a, b) => (a.ToStageCode, Days: b.EffectiveOn.DayNumber - a.EffectiveOn.DayNumber));
        }).ToList();
        foreach (var stage in durations.GroupBy(d => d.ToStageCode).Where(g => g.Count() >= 3))
        {
            var sorted = stage.Select(d => (double)d.Days).Order().ToList();
            var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
            var name = stages.Single(s => s.Code == stage.Key).Name;
            Assert.Equal([Math.Round(median, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.CurrentCulture)], Html.RowCells(page, "#median-days-table", name));
        }
        Assert.Equal(open.Count(c => c.ClockState is ClockState.Running or ClockState.Paused && c.DaysOver > 0 && !c.HighRisk && c.Program != SivProgram.S1059).ToString("N0"),
            Html.StatTexts(html)["Past the nine-month limit"]);
        Assert.True(page.QuerySelectorAll("svg").Length >= 5, "every chart renders as SVG");
        foreach (var program in cases.GroupBy(c => c.Program))
        {
            Assert.Equal([program.Count().ToString("N0"), program.Count(c => c.CurrentStageCode is not ("ARRIVED" or "CLOSED")).ToString("N0")],
                Html.RowCells(page, "table[aria-label='Applicants and open cases by program']", $"{program.Key}"));
        }
    }

    [Fact]
    public async Task FiguresPastTheirAge_AnswerAtOnce_WhileOneBackgroundRefreshReplacesThem()
    {
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Dashboard:CacheSeconds", "60"));
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(factory);
        await client.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);
        async Task<string> OpenCasesShown() => Html.StatTexts(await client.GetHtmlAsync("/"))["Open cases"];
        Task NewCaseAsync() => CaseBuilder.CaseAsync(Fixture, users.OrganisationA.Id, DateOnly.Parse("2026-11-26"), ("COM_SUBMITTED", "2026-10-01"));

        await NewCaseAsync();
        Assert.Equal("1", await OpenCasesShown());
        await NewCaseAsync();
        Assert.Equal("1", await OpenCasesShown());   // within the minute: the figures computed before

        Fixture.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("1", await OpenCasesShown());   // past it: still answered from them, while they refresh
        var refresh = factory.Services.GetRequiredService<BacklogFiguresCache>().InFlight(users.OrganisationA.Id, DateOnly.Parse("2026-11-26"));
        if (refresh is not null) await refresh.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("2", await OpenCasesShown());
    }

    [Fact]
    public async Task AVisitorWhoGivesUpOnTheFirstComputation_NeitherCancelsNorRestartsIt()
    {
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Dashboard:CacheSeconds", "60"));
        var users = await TestUsers.CreateAsync(Fixture);
        await CaseBuilder.CaseAsync(Fixture, users.OrganisationA.Id, DateOnly.Parse("2026-11-26"), ("COM_SUBMITTED", "2026-10-01"));
        using var client = new AppClient(factory);
        await client.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);
        // Only a superuser sees what the application role's sessions are waiting for.
        await using var watcher = new Npgsql.NpgsqlConnection(Fixture.Server.AdminConnectionString);
        await watcher.OpenAsync();
        async Task<long> WaitingOnTheLock() =>
            (long)(await new Npgsql.NpgsqlCommand("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%cases%'", watcher).ExecuteScalarAsync())!;

        await using var holder = new Npgsql.NpgsqlConnection(Fixture.ConnectionString);
        await holder.OpenAsync();
        await using (var transaction = await holder.BeginTransactionAsync())
        {
            await new Npgsql.NpgsqlCommand("lock table cases in access exclusive mode", holder, transaction).ExecuteNonQueryAsync();
            using var leave = new CancellationTokenSource();
            var visit = client.GetAsync("/", leave.Token);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (await WaitingOnTheLock() == 0)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the dashboard's computation never reached the locked table");
                await Task.Delay(20);
            }
            var cache = factory.Services.GetRequiredService<BacklogFiguresCache>();
            var computing = cache.InFlight(users.OrganisationA.Id, DateOnly.Parse("2026-11-26"));
            Assert.NotNull(computing);
            leave.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => visit);
            // Still the same computation, for whoever comes next: the visitor's leaving started nothing new.
            Assert.Same(computing, cache.InFlight(users.OrganisationA.Id, DateOnly.Parse("2026-11-26")));
            await transaction.RollbackAsync();
            // And it ran to the end once the table was free: a cancelled one would throw here.
            Assert.Equal(1, (await computing.WaitAsync(TimeSpan.FromMinutes(1))).ByStage.Sum(s => s.OpenCases));
        }

        var html = await client.GetHtmlAsync("/");
        Assert.Equal("1", Html.StatTexts(html)["Open cases"]);
    }

    [Fact]
    public async Task Caseworkers_SeeTheirOwnCasesFirst()
    {
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 15);
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().EnsureDemoUsersAsync(TestUsers.Password);
        }
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync("caseworker@ngo-a.demo", TestUsers.Password);

        var html = await client.GetHtmlAsync("/");

        Assert.True(html.IndexOf("Your cases", StringComparison.Ordinal) < html.IndexOf("Open cases by stage", StringComparison.Ordinal));
        Assert.Contains(Html.Links(html), href => href.StartsWith("/Cases/Details?id=", StringComparison.Ordinal));
    }
}
