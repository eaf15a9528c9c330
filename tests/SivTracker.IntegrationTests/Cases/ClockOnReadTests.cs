using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Cases;

/// <summary>A stored clock read on a later day, in C# and through the SQL functions, says what the history says on that day.</summary>
public class ClockOnReadTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso);

    [Fact]
    public async Task StoredClocksReadOnLaterDays_EqualTheClockRecomputedFromHistory_InCSharpAndInSql()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var storedOn = D("2025-10-20");
        Case[] cases =
        [
            // Running, crossing its limit (2025-10-31) between the day it was stored and the days it is read.
            await CaseBuilder.CaseAsync(Fixture, org.Id, storedOn, ("PRE_COM", "2024-12-01"), ("COM_SUBMITTED", "2025-01-31"), ("COM_REVIEW", "2025-03-01")),
            // Running and already past its limit when stored, after a pause.
            await CaseBuilder.CaseAsync(Fixture, org.Id, storedOn, ("COM_SUBMITTED", "2024-06-01"), ("COM_RFI", "2024-08-01"), ("COM_REVIEW", "2024-09-15")),
            // Paused within its limit, and paused past it.
            await CaseBuilder.CaseAsync(Fixture, org.Id, storedOn, ("COM_SUBMITTED", "2025-06-01"), ("COM_RFI", "2025-07-01")),
            await CaseBuilder.CaseAsync(Fixture, org.Id, storedOn, ("COM_SUBMITTED", "2024-01-01"), ("COM_RFI", "2025-07-01")),
            // Stopped, and not started.
            await CaseBuilder.CaseAsync(Fixture, org.Id, storedOn, ("COM_SUBMITTED", "2024-01-01"), ("VISA_ISSUED", "2025-09-01")),
            await CaseBuilder.CaseAsync(Fixture, org.Id, storedOn, ("PRE_COM", "2025-09-01")),
            // S1059 against its internal target.
            await CaseBuilder.CaseAsync(Fixture, org.Id, storedOn, SivProgram.S1059, false, ("I360_PREP", "2025-01-01"), ("I360_PENDING", "2025-02-01")),
        ];
        var ids = cases.Select(c => c.Id).ToArray();

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code);
        var compared = 0;
        foreach (var day in new[] { storedOn, D("2025-10-30"), D("2025-10-31"), D("2025-11-01"), D("2026-06-15") })
        {
            var fromSql = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id))
                .Select(c => new
                {
                    c.Id,
                    Clock = new ClockOnDay(
                        CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, day),
                        CaseClock.PausedDaysOn(c.ClockState, c.PausedDays, c.ClockComputedFor, day),
                        CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, day),
                        CaseClock.ProjectedBreachOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, day),
                        CaseClock.PastLimitSinceOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, c.PastLimitSince, day)),
                })
                .ToDictionaryAsync(r => r.Id, r => r.Clock);
            foreach (var stored in await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync())
            {
                var events = StatutoryClock.InOrder(await db.StageEvents.AsNoTracking().Where(e => e.CaseId == stored.Id).ToListAsync(), catalog);
                var history = StatutoryClock.Compute(StatutoryClock.ClockEvents(events), catalog, stored.Program, stored.StepModel, stored.HighRisk, day, new ClockSettings());
                var expected = new ClockOnDay(history.GovernmentDays, history.PausedDays, history.DaysOver, history.ProjectedBreachOn, history.PastLimitSince);
                Assert.Equal(expected, CaseClock.On(stored, day));
                Assert.Equal(expected, fromSql[stored.Id]);
                compared++;
            }
            // In a filter the functions run in PostgreSQL (a filter cannot fall back to C#).
            Assert.Equal(fromSql.Values.Count(c => c.DaysOver > 0),
                await db.Cases.CountAsync(c => ids.Contains(c.Id) && CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, day) > 0));
        }
        Assert.Equal(cases.Length * 5, compared);
        // The grid reaches every state the clock has, and both sides of the limit.
        var onLastDay = cases.Select(c => CaseClock.On(c, D("2026-06-15"))).ToList();
        Assert.Equal([ClockState.NotStarted, ClockState.Running, ClockState.Paused, ClockState.Stopped], cases.Select(c => c.ClockState).Distinct().Order());
        Assert.Contains(onLastDay, c => c.DaysOver is null);
        Assert.Contains(onLastDay, c => c.DaysOver > 0);
    }
}
