using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Cli;
using SivTracker.Web.Data;

namespace SivTracker.IntegrationTests.Cli;

public class CommandLineTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(Fixture.Factory.Services, args, output, error);
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
        Assert.Contains("Applied 0 migration(s); seeded 0 reference row(s).", output);
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
        Assert.Equal(12, await scope.ServiceProvider.GetRequiredService<AppDbContext>().Cases.CountAsync());
    }
}
