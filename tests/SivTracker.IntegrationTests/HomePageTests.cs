using System.Net;
using Microsoft.Extensions.DependencyInjection;
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
        using var client = Fixture.Factory.CreateClient();

        var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<title>Home · SivTracker</title>", html);
        foreach (var area in new[] { "Applicants", "Interpreters", "Cases", "Review", "Reports", "Admin" })
        {
            Assert.Contains(area, html);
        }
        Assert.Contains("<th scope=\"row\">AF602B</th>", html);
    }
}
