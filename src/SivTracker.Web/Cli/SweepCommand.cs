using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;

namespace SivTracker.Web.Cli;

internal static class SweepCommand
{
    public static Command Create(IServiceProvider services)
    {
        var today = new Option<DateOnly?>("--today")
        {
            Description = "Sweep as of this day instead of today.",
            HelpName = "YYYY-MM-DD",
            CustomParser = result => DateOnly.TryParseExact(result.Tokens[0].Value, "yyyy-MM-dd", out var day)
                ? day
                : CommandLine.Reject<DateOnly?>(result, "--today must be a date as YYYY-MM-DD."),
        };
        var command = new Command("sweep",
            "Advance clocks and raise and clear deadline flags (as the background service does every 15 minutes); prints what it raised and cleared.")
        {
            today,
        };
        command.SetAction((parse, ct) => RunAsync(services, parse.GetValue(today), parse.InvocationConfiguration.Output, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, DateOnly? today, TextWriter output, CancellationToken ct)
    {
        // Builds the EF model and opens the pool first, so the time printed is the sweep's own, as in the running app.
        await services.GetRequiredService<AppDbContext>().Organisations.AnyAsync(ct);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await services.GetRequiredService<Background.DeadlineSweep>().RunAsync(today, ct);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (!result.Ran)
        {
            output.WriteLine("Another instance is sweeping right now; nothing done.");
            return 0;
        }
        var mailed = await services.GetRequiredService<Background.DigestMailer>().SendDueAsync(ct);
        output.WriteLine($"Sweep done: {result.Raised} flag(s) raised, {result.Cleared} cleared, {result.ClocksAdvanced} clock(s) advanced, {result.Notifications} notification(s), {mailed} digest(s) mailed; the sweep took {elapsed.TotalMilliseconds:F0} ms.");
        return 0;
    }
}
