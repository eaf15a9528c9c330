using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;

namespace SivTracker.IntegrationTests;

public class HomePageTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task HomePage_ShowsCountsByProgramWithLayoutNavigation()
    {
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 30);
        }
        var caseworker = await TestUsers.UserAsync(Fixture, "caseworker@a.test",
            (await TestData.OrganisationIdAsync(Fixture, "ngo-a")), SivTracker.Web.Data.Roles.Caseworker);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(caseworker.Email!, TestUsers.Password);

        var html = await client.GetHtmlAsync("/");

        Assert.Contains("<title>Home · SivTracker</title>", html);
        foreach (var area in new[] { "Applicants", "Interpreters", "Cases", "Review", "Reports" })
        {
            Assert.Contains(area, html);
        }
        // Admin is in the navigation of admins only.
        Assert.DoesNotContain(">Admin</a>", html);
        Assert.True(html.Contains("<th scope=\"row\">AF602B</th>"), html[html.IndexOf("<main")..]);
    }

    [Fact]
    public async Task HomePageFigures_CountOnlyTheSignedInUsersOrganisation()
    {
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 45);
        }
        var organisationB = await TestData.OrganisationIdAsync(Fixture, "ngo-b");
        int expectedPrincipals;
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            expectedPrincipals = await db.Persons.CountAsync(p => p.OrganisationId == organisationB && p.PrincipalId == null);
            Assert.True(expectedPrincipals < await db.Persons.CountAsync(p => p.PrincipalId == null));
        }
        var reviewer = await TestUsers.UserAsync(Fixture, "reviewer@b.test", organisationB, SivTracker.Web.Data.Roles.Reviewer);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(reviewer.Email!, TestUsers.Password);

        var html = await client.GetHtmlAsync("/");

        Assert.Contains($"<dt>Principals</dt><dd>{expectedPrincipals:N0}</dd>", html);
    }
}
