using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

internal static class SweepCommand
{
    public static Command Create(IServiceProvider services)
    {
        var today = new Option<DateOnly?>("--today")
        {
            Description = T("Sweep as of this day instead of today."),
            HelpName = "YYYY-MM-DD",
            CustomParser = result => DateOnly.TryParseExact(result.Tokens[0].Value, "yyyy-MM-dd", out var day)
                ? day
                : CommandLine.Reject<DateOnly?>(result, T("--today must be a date as YYYY-MM-DD.")),
        };
        var command = new Command("sweep",
            T("Raise and clear deadline flags for the cases due (as the background service does every 15 minutes); prints what it raised and cleared."))
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
            output.WriteLine(T("Another instance is sweeping right now; nothing done."));
            return 0;
        }
        var mailed = await services.GetRequiredService<Background.DigestMailer>().SendDueAsync(ct);
        output.WriteLine(T("Sweep done: {0} flag(s) raised, {1} cleared, {2} case(s) decided, {3} notification(s), {4} digest(s) mailed; the sweep took {5} ms.",
            result.Raised, result.Cleared, result.CasesDue, result.Notifications, mailed, elapsed.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.CurrentCulture)));
        return 0;
    }
}
