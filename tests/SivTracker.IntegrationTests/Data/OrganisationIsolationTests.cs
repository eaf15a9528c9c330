using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
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
        Assert.Null(await dbA.Persons.FirstOrDefaultAsync(p => p.GivenNames == "Leaked"));
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
}
