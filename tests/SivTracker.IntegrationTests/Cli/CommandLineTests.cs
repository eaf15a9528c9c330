using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Cli;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Cli;

public class CommandLineTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunWithInputAsync("", args);

    private async Task<(int ExitCode, string Output, string Error)> RunWithInputAsync(string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(Fixture.Factory.Services, args, new StringReader(input), output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task UnknownCommand_PrintsUsageAndFails()
    {
        var (exitCode, _, error) = await RunAsync("frobnicate");

        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown command 'frobnicate'", error);
        Assert.Contains("Usage:", error);
    }

    [Theory]
    [InlineData("seed-demo")]
    [InlineData("seed-demo", "--scale", "lots")]
    [InlineData("seed-demo", "--scale", "0")]
    [InlineData("seed-demo", "--scale", "5", "--colour", "red")]
    [InlineData("migrate", "extra")]
    public async Task BadArguments_PrintUsageAndFail(params string[] args)
    {
        var (exitCode, _, error) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains("Usage:", error);
    }

    [Fact]
    public async Task Migrate_OnAnUpToDateDatabase_AppliesNothing()
    {
        var (exitCode, output, _) = await RunAsync("migrate");

        Assert.Equal(0, exitCode);
        Assert.Contains("Applied 0 migration(s); seeded 0 reference row(s); sealed 0 row(s) still in clear.", output);
    }

    [Fact]
    public async Task SeedDemo_WritesCases_AndIfEmptySkipsAPopulatedDatabase()
    {
        var first = await RunAsync("seed-demo", "--scale", "12");
        var second = await RunAsync("seed-demo", "--scale", "12", "--if-empty");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Generated 12 cases", first.Output);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("already holds organisations", second.Output);
        await using var scope = Fixture.Scope();
        Assert.Equal(12, await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Cases.CountAsync());
    }

    [Fact]
    public async Task CreateAdmin_CreatesTheOrganisationAndItsAdmin_WithThePasswordFromStandardInput()
    {
        var (exitCode, output, _) = await RunWithInputAsync("a long enough password\n",
            "create-admin", "--org", "ngo-z", "--name", "Zed Aid", "--email", "admin@z.test");

        Assert.Equal(0, exitCode);
        Assert.Contains("Created organisation ngo-z.", output);
        using var client = new AppClient(Fixture.Factory);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await client.SignInAsync("admin@z.test", "a long enough password")).StatusCode);
        Assert.Contains("admin@z.test", await client.GetHtmlAsync("/Admin/Users"));
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var organisationId = await db.Organisations.Where(o => o.Slug == "ngo-z").Select(o => o.Id).SingleAsync();
        var actions = await db.AuditEvents.AsNoTracking().Where(a => a.OrganisationId == organisationId).Select(a => a.Action).ToListAsync();
        Assert.Contains(AuditActions.OrganisationCreated, actions);
        Assert.Contains(AuditActions.UserCreated, actions);
    }

    [Fact]
    public async Task CreateAdmin_System_CreatesASystemAdministratorWithoutOrganisation()
    {
        var (exitCode, output, _) = await RunWithInputAsync("a long enough password\n", "create-admin", "--system", "--email", "root@test.local");

        Assert.Equal(0, exitCode);
        Assert.Contains("Created system administrator", output);
        await using var scope = Fixture.Scope();
        var user = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.SingleAsync(u => u.Email == "root@test.local");
        Assert.Null(user.OrganisationId);
    }

    [Fact]
    public async Task CreateAdmin_WithoutOrWithAShortPassword_FailsAndCreatesNothing()
    {
        var missing = await RunWithInputAsync("", "create-admin", "--org", "ngo-y", "--name", "Y", "--email", "admin@y.test");
        var tooShort = await RunWithInputAsync("short\n", "create-admin", "--org", "ngo-y", "--name", "Y", "--email", "admin@y.test");

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("No password on standard input", missing.Error);
        Assert.Equal(1, tooShort.ExitCode);
        Assert.Contains("at least 12 characters", tooShort.Error);
        await using var scope = Fixture.Scope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AppDbContext>().Organisations.AnyAsync(o => o.Slug == "ngo-y"));
    }

    [Fact]
    public async Task SeedDemo_CreatesTheDemoUsersWithTheConfiguredPassword()
    {
        var (exitCode, output, _) = await RunAsync("seed-demo", "--scale", "6");

        Assert.Equal(0, exitCode);
        var password = System.Text.RegularExpressions.Regex.Match(output, "Demo users' password: (\\S+)").Groups[1].Value;
        using var client = new AppClient(Fixture.Factory);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await client.SignInAsync("reviewer@ngo-b.demo", password)).StatusCode);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(7, await db.Users.CountAsync());
        Assert.False(await db.Cases.AnyAsync(c => c.CaseworkerId == null));
    }
}
