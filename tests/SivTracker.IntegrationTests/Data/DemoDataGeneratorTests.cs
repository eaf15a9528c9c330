using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Demo;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Data;

public class DemoDataGeneratorTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task Generator_ProducesTheRequestedScaleWithFamiliesAndHistories()
    {
        await using var scope = Fixture.Scope();
        var generator = scope.ServiceProvider.GetRequiredService<DemoDataGenerator>();

        var result = await generator.GenerateAsync(scale: 240);

        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(240, result.Cases);
        Assert.Equal(240, await db.Cases.CountAsync());
        Assert.Equal(["ngo-a", "ngo-b"], await db.Organisations.OrderBy(o => o.Slug).Select(o => o.Slug).ToListAsync());
        Assert.Equal(240, await db.Persons.CountAsync(p => p.Relationship == Relationship.Principal));
        Assert.True(await db.Persons.CountAsync(p => p.Relationship != Relationship.Principal) > 240, "most principals have a family");
        Assert.Equal(result.Persons, await db.Persons.CountAsync());
        Assert.Equal(result.StageEvents, await db.StageEvents.CountAsync());
        Assert.True(await db.ServiceRecords.AnyAsync(s => s.Role == ServiceRole.Interpreter));
        Assert.True(await db.Persons.AnyAsync(p => p.FamilyName == null), "some people have no family name");
        Assert.True(await db.PersonAliases.AnyAsync());
        // Every program and step model is present, and so is every clock state.
        Assert.Equal(3, await db.Cases.Select(c => c.Program).Distinct().CountAsync());
        Assert.Equal(3, await db.Cases.Select(c => c.StepModel).Distinct().CountAsync());
        Assert.Equal(4, await db.Cases.Select(c => c.ClockState).Distinct().CountAsync());
        Assert.True(await db.Cases.AnyAsync(c => c.DaysOver > 0 && c.ClockState != ClockState.Stopped), "some open cases are past the limit");
    }

    [Fact]
    public async Task GeneratedStoredClocks_MatchTheClockRecomputedFromHistory()
    {
        await using var scope = Fixture.Scope();
        await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 60);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code);
        var settings = scope.ServiceProvider.GetRequiredService<ClockSettings>();
        var today = DateOnly.FromDateTime(Fixture.Time.GetUtcNow().UtcDateTime);

        var cases = await db.Cases.AsNoTracking().Include(c => c.StageEvents).ToListAsync();

        foreach (var c in cases)
        {
            var clock = StatutoryClock.Compute(
                StatutoryClock.ClockEvents(StatutoryClock.InOrder(c.StageEvents, catalog)),
                catalog, c.Program, c.StepModel, c.HighRisk, today, settings);
            Assert.Equal((clock.State, clock.GovernmentDays, clock.DaysOver), (c.ClockState, c.GovernmentDays, c.DaysOver));
            Assert.Equal(c.StageEvents.OrderBy(e => e.EffectiveOn).Last().ToStageCode, c.CurrentStageCode);
        }
    }

    [Fact]
    public async Task Generator_IsReproducibleForTheSameSeed()
    {
        await using var scope = Fixture.Scope();
        await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 20, seed: 7);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var first = await db.Cases.OrderBy(c => c.Reference).Select(c => new { c.Reference, c.CurrentStageCode, c.GovernmentDays }).ToListAsync();
        await Fixture.ResetAsync();

        await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 20, seed: 7);

        var second = await db.Cases.OrderBy(c => c.Reference).Select(c => new { c.Reference, c.CurrentStageCode, c.GovernmentDays }).ToListAsync();
        Assert.Equal(first, second);
    }
}
