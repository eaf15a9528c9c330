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

        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
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
    public async Task TheDemoPeople_AreBelievable_AgesMarriagesServiceAndNames()
    {
        await using var scope = Fixture.Scope();
        await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 1500);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var people = await db.Persons.AsNoTracking().ToListAsync();
        var byId = people.ToDictionary(p => p.Id);
        var service = await db.ServiceRecords.AsNoTracking().ToListAsync();
        var programs = await db.Cases.AsNoTracking().ToDictionaryAsync(c => c.PrincipalId, c => c.Program);

        foreach (var member in people.Where(p => p.PrincipalId is not null))
        {
            var principal = byId[member.PrincipalId!.Value];
            if (member.Relationship == Relationship.Spouse)
            {
                // Both adults when they married.
                Assert.True(member.MarriageDate >= principal.DateOfBirth!.Value.AddYears(18) && member.MarriageDate >= member.DateOfBirth!.Value.AddYears(17),
                    $"married {member.MarriageDate} to someone born {principal.DateOfBirth}, spouse born {member.DateOfBirth}");
            }
            else
            {
                // Children come after their parents have grown up (a year-only birth date is 1 January of that year).
                Assert.True(member.DateOfBirth >= principal.DateOfBirth!.Value.AddYears(18), $"a child born {member.DateOfBirth} to a principal born {principal.DateOfBirth}");
            }
        }
        foreach (var record in service)
        {
            var person = byId[record.PersonId];
            Assert.True(record.StartDate >= person.DateOfBirth!.Value.AddYears(17), $"service from {record.StartDate} by someone born {person.DateOfBirth}");
            if (programs[record.PersonId] == SivProgram.IQ1244)
            {
                Assert.InRange(record.StartDate, new DateOnly(2003, 3, 20), new DateOnly(2013, 9, 30));
                Assert.InRange(record.EndDate!.Value, new DateOnly(2003, 3, 20), new DateOnly(2013, 9, 30));
            }
            else if (record.EmployerType is EmployerType.UsMilitary or EmployerType.UsEmbassyOrAgency or EmployerType.IsafResoluteSupport)
            {
                // U.S. forces and the Kabul embassy left Afghanistan in August 2021.
                Assert.True(record.EndDate <= new DateOnly(2021, 8, 31), $"Afghan service with {record.Employer} until {record.EndDate}");
            }
        }
        var iraqiCases = await db.Cases.AsNoTracking().Where(c => c.Program == SivProgram.IQ1244).Include(c => c.StageEvents).ToListAsync();
        Assert.NotEmpty(iraqiCases);
        Assert.All(iraqiCases.SelectMany(c => c.StageEvents).Where(e => e.ToStageCode == StageCatalog.ComSubmitted),
            e => Assert.True(e.EffectiveOn <= new DateOnly(2014, 9, 30), $"an IQ1244 application submitted {e.EffectiveOn}, after the program closed"));

        // Names spread like real ones: many different names, each written in its own script too.
        Assert.True(people.Select(p => p.GivenNames).Distinct().Count() >= 300, $"{people.Select(p => p.GivenNames).Distinct().Count()} given names");
        Assert.True(people.Where(p => p.FamilyName is not null).Select(p => p.FamilyName).Distinct().Count() >= 150, "family names");
        Assert.All(people, p => Assert.Matches(@"[\u0600-\u06FF]", p.NativeName!));
        var commonest = people.GroupBy(p => p.GivenNames).Max(g => g.Count());
        Assert.True(commonest > people.Count / 50, "a few names are very common, as in life");
    }

    [Fact]
    public async Task GeneratedStoredClocks_MatchTheClockRecomputedFromHistory()
    {
        await using var scope = Fixture.Scope();
        await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 60);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
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
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var first = await db.Cases.OrderBy(c => c.Reference).Select(c => new { c.Reference, c.CurrentStageCode, c.GovernmentDays }).ToListAsync();
        await Fixture.ResetAsync();

        await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 20, seed: 7);

        var second = await db.Cases.OrderBy(c => c.Reference).Select(c => new { c.Reference, c.CurrentStageCode, c.GovernmentDays }).ToListAsync();
        Assert.Equal(first, second);
    }
}
