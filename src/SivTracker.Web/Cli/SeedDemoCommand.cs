using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Demo;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

internal static class SeedDemoCommand
{
    public static Command Create(IServiceProvider services)
    {
        var scale = new Option<int>("--scale")
        {
            Description = T("How many demo cases to generate, with their families."),
            HelpName = "N",
            Required = true,
            CustomParser = result => int.TryParse(result.Tokens[0].Value, out var value) && value is >= 1 and <= 2_000_000
                ? value
                : CommandLine.Reject<int>(result, T("Option --scale must be a whole number from 1 to 2000000.")),
        };
        var ifEmpty = new Option<bool>("--if-empty") { Description = T("Only into an empty database (no organisations yet).") };
        var command = new Command("seed-demo",
            T("Generate demo cases with families and the demo users. Their password is SIVTRACKER_DEMO_PASSWORD, or generated and printed."))
        {
            scale,
            ifEmpty,
        };
        command.SetAction((parse, ct) => RunAsync(services, parse.GetValue(scale), parse.GetValue(ifEmpty), parse.InvocationConfiguration.Output, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, int scale, bool ifEmpty, TextWriter output, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        if (ifEmpty && await db.Organisations.AnyAsync(ct))
        {
            output.WriteLine(T("Demo data not generated: the database already holds organisations."));
            return 0;
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        var generator = services.GetRequiredService<DemoDataGenerator>();
        var result = await generator.GenerateAsync(scale, progress: output.WriteLine, ct: ct);
        output.WriteLine(T("Generated {0} cases, {1} people and {2} stage events in {3} s.", result.Cases, result.Persons, result.StageEvents,
            started.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.CurrentCulture)));
        // Environment variables are part of the configuration, so a test host can set (or clear) this one without touching the process.
        var configured = services.GetRequiredService<IConfiguration>()["SIVTRACKER_DEMO_PASSWORD"];
        var password = string.IsNullOrEmpty(configured) ? UserAccounts.GeneratePassword() : configured;
        var users = await generator.EnsureDemoUsersAsync(password, ct);
        if (users > 0)
        {
            output.WriteLine(T("Created {0} demo users.", users));
            output.WriteLine(string.IsNullOrEmpty(configured) ? T("Demo users' password: {0}", password) : T("Demo users' password: the value of SIVTRACKER_DEMO_PASSWORD"));
        }
        return 0;
    }
}
