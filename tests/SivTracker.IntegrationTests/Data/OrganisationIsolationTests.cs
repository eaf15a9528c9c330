using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;
using SivTracker.Web.Demo;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Data;

public class OrganisationIsolationTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task QueriesThroughTheContext_NeverReturnAnotherOrganisationsRows_EvenThroughNavigations()
    {
        var a = await TestData.OrganisationAsync(Fixture, "ngo-a");
        var b = await TestData.OrganisationAsync(Fixture, "ngo-b");
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 30);
        }
        var principalA = await TestData.PersonAsync(Fixture, a.Id, "Hamid");
        // A row of B pointing into A's family: a navigation must not leak it to A.
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Persons.Add(new Person { OrganisationId = b.Id, GivenNames = "Leaked", Relationship = Relationship.Child, PrincipalId = principalA.Id });
            db.PersonAliases.Add(new PersonAlias { OrganisationId = b.Id, PersonId = principalA.Id, Spelling = "Leaked alias" });
            await db.SaveChangesAsync();
        }

        await using var scopeA = Fixture.Scope();
        var dbA = scopeA.ServiceProvider.GetRequiredService<AppDbContext>();
        dbA.OrganisationId = a.Id;

        Assert.All(await dbA.Persons.ToListAsync(), p => Assert.Equal(a.Id, p.OrganisationId));
        Assert.All(await dbA.Cases.ToListAsync(), c => Assert.Equal(a.Id, c.OrganisationId));
        Assert.All(await dbA.StageEvents.ToListAsync(), e => Assert.Equal(a.Id, e.OrganisationId));
        var loaded = await dbA.Persons.Include(p => p.FamilyMembers).Include(p => p.Aliases).SingleAsync(p => p.Id == principalA.Id);
        Assert.Empty(loaded.FamilyMembers);
        Assert.Empty(loaded.Aliases);
        Assert.DoesNotContain("Leaked", await dbA.Persons.Select(p => p.GivenNames).ToListAsync());
        Assert.Empty(await dbA.Cases.Where(c => c.OrganisationId == b.Id).ToListAsync());
    }

    [Fact]
    public async Task AnUnknownOrganisation_SeesNothing()
    {
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 10);
        }
        await using var scopeNone = Fixture.Scope();
        var db = scopeNone.ServiceProvider.GetRequiredService<AppDbContext>();
        // What a signed-in system administrator gets: an organisation id that matches nothing.
        db.OrganisationId = Guid.Empty;

        Assert.Equal(0, await db.Persons.CountAsync());
        Assert.Equal(0, await db.Cases.CountAsync());
    }

    [Fact]
    public async Task NoActorAndNoOrganisation_SeesNothing_UntilTheWorkSaysItSpansEveryOrganisation()
    {
        var a = await TestData.OrganisationAsync(Fixture, "ngo-a");
        var b = await TestData.OrganisationAsync(Fixture, "ngo-b");
        await TestData.CaseAsync(Fixture, a.Id, (await TestData.PersonAsync(Fixture, a.Id, "Hamid")).Id, "A-1");
        await TestData.CaseAsync(Fixture, b.Id, (await TestData.PersonAsync(Fixture, b.Id, "Zarghuna")).Id, "B-1");

        // What the CLI and background work get: no signed-in user, and nobody named an organisation.
        await using var forgetful = Fixture.Scope();
        var nobody = forgetful.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Null(nobody.OrganisationId);
        Assert.Equal(0, await nobody.Persons.CountAsync());
        Assert.Equal(0, await nobody.Cases.CountAsync());
        Assert.Equal(0, await nobody.StageEvents.CountAsync());
        Assert.Empty(await nobody.Persons.Include(p => p.FamilyMembers).ToListAsync());

        await using var spanning = Fixture.Scope();
        var everyOrganisation = spanning.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(["Hamid", "Zarghuna"], (await everyOrganisation.Persons.Select(p => p.GivenNames).ToListAsync()).Order());
        Assert.Equal(["A-1", "B-1"], await everyOrganisation.Cases.OrderBy(c => c.Reference).Select(c => c.Reference).ToListAsync());
    }

    [Fact]
    public async Task AllOrganisations_NeverWidensAContextThatHasAnOrganisation()
    {
        var a = await TestData.OrganisationAsync(Fixture, "ngo-a");
        var b = await TestData.OrganisationAsync(Fixture, "ngo-b");
        await TestData.PersonAsync(Fixture, a.Id, "Hamid");
        await TestData.PersonAsync(Fixture, b.Id, "Zarghuna");

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = a.Id;
        db.AllOrganisations();

        Assert.Equal(["Hamid"], await db.Persons.Select(p => p.GivenNames).ToListAsync());
        // A signed-in user without an organisation (a system administrator) has one that matches nothing: still nothing.
        db.OrganisationId = Guid.Empty;
        Assert.Equal(0, await db.Persons.CountAsync());
    }

    [Fact]
    public async Task WorkThatSpansOrganisations_SaysSo_AndStillReachesEveryOrganisation()
    {
        await using (var scope = Fixture.Scope())
        {
            var generator = scope.ServiceProvider.GetRequiredService<DemoDataGenerator>();
            await generator.GenerateAsync(scale: 12);
            // The second run numbers its cases after the first run's, which it can do only by counting them.
            await generator.GenerateAsync(scale: 12);
            await generator.EnsureDemoUsersAsync(TestUsers.Password);
        }
        var today = new DateOnly(2026, 11, 26);
        var overdueA = await CaseBuilder.CaseAsync(Fixture, await TestData.OrganisationIdAsync(Fixture, "ngo-a"), today, ("COM_SUBMITTED", "2024-01-01"));
        var overdueB = await CaseBuilder.CaseAsync(Fixture, await TestData.OrganisationIdAsync(Fixture, "ngo-b"), today, ("COM_SUBMITTED", "2024-01-01"));
        await using (var scope = Fixture.Scope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(today)).Ran);
        }

        await using var check = Fixture.Scope();
        var db = check.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var generated = await db.Cases.AsNoTracking().Where(c => c.Id != overdueA.Id && c.Id != overdueB.Id)
            .Select(c => new { c.OrganisationId, c.Reference, c.CaseworkerId }).ToListAsync();
        Assert.Equal(24, generated.Count);
        Assert.Equal(24, generated.Select(c => (c.OrganisationId, c.Reference)).Distinct().Count());
        // Each organisation's demo caseworker was given that organisation's cases.
        Assert.All(generated, c => Assert.NotNull(c.CaseworkerId));
        Assert.Equal(2, await db.CaseFlags.CountAsync(f => (f.CaseId == overdueA.Id || f.CaseId == overdueB.Id) && f.Type == FlagType.StatutoryOverdue));
    }
}
