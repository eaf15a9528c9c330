using System.CommandLine;
using SivTracker.Web.Data;

namespace SivTracker.Web.Cli;

internal static class RecomputeClocksCommand
{
    public static Command Create(IServiceProvider services)
    {
        var org = new Option<string>("--org") { Description = "Only this organisation's cases.", HelpName = "slug" };
        var command = new Command("recompute-clocks", "Recompute every case's stored clock from its stage history.") { org };
        command.SetAction((parse, ct) =>
            RunAsync(services, parse.GetValue(org), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, string? slug, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        Guid? organisationId = null;
        if (slug is not null)
        {
            organisationId = await CommandLine.FindOrganisationAsync(db, slug, error, ct);
            if (organisationId is null) return 1;
            db.OrganisationId = organisationId;
        }
        else
        {
            db.AllOrganisations();
        }
        var lastReport = -1;
        var changed = await services.GetRequiredService<ClockRecompute>().RecomputeAllAsync(organisationId, (done, total) =>
        {
            var percent = total == 0 ? 100 : done * 100 / total;
            if (percent / 10 != lastReport / 10 || done == total)
            {
                output.WriteLine($"{done} of {total} cases ({percent}%)");
                lastReport = percent;
            }
        }, ct);
        output.WriteLine($"Recomputed clocks: {changed} case(s) changed.");
        return 0;
    }
}
