using System.CommandLine;
using SivTracker.Web.Data;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

internal static class RecomputeClocksCommand
{
    public static Command Create(IServiceProvider services)
    {
        var org = new Option<string>("--org") { Description = T("Only this organisation's cases."), HelpName = "slug" };
        var command = new Command("recompute-clocks", T("Recompute every case's stored clock from its stage history.")) { org };
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
                output.WriteLine(T("{0} of {1} cases ({2}%)", done, total, percent));
                lastReport = percent;
            }
        }, ct);
        output.WriteLine(T("Recomputed clocks: {0} case(s) changed.", changed));
        return 0;
    }
}
