using System.CommandLine;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

/// <summary>`create-token`: an API token for an organisation, printed once, alone on the last line, so a script can take it.</summary>
internal static class CreateTokenCommand
{
    public static Command Create(IServiceProvider services)
    {
        var org = new Option<string>("--org") { Description = T("The organisation's slug."), HelpName = "slug", Required = true };
        var name = new Option<string>("--name") { Description = T("Who or what uses the token, as the audit log will name it."), HelpName = "name", Required = true };
        var scopes = new Option<string>("--scopes") { Description = T("Comma-separated: {0}.", string.Join(", ", ApiTokens.Scopes)), HelpName = "list", Required = true };
        var days = new Option<int>("--expires-in-days") { Description = T("Days until it stops working (1 to {0}).", ApiTokens.MaxLifetimeDays), HelpName = "days", DefaultValueFactory = _ => ApiTokens.DefaultLifetimeDays };
        var command = new Command("create-token", T("Create an API token for an organisation. The token is shown once, alone on the last line; only its hash is kept."))
        {
            org, name, scopes, days,
        };
        command.SetAction((parse, ct) => RunAsync(services, parse.GetRequiredValue(org), parse.GetRequiredValue(name),
            parse.GetRequiredValue(scopes).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), parse.GetValue(days),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, string slug, string name, string[] scopes, int days, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        if (ApiTokens.Problem(name, scopes, days) is { } problem)
        {
            error.WriteLine(problem);
            return 2;
        }
        var db = services.GetRequiredService<AppDbContext>();
        if (await CommandLine.FindOrganisationAsync(db, slug, error, ct) is not { } organisationId) return 1;
        var (token, secret) = ApiTokens.Create(organisationId, name, scopes, days, services.GetRequiredService<TimeProvider>().GetUtcNow(), null);
        db.ApiTokens.Add(token);
        services.GetRequiredService<Audit>().Record(AuditActions.ApiTokenCreated, "api-token", token.Id, $"scopes: {string.Join(", ", token.Scopes)}; via the command line",
            organisationId);
        await db.SaveChangesAsync(ct);
        output.WriteLine(T("Token '{0}' for {1}: {2}, until {3:yyyy-MM-dd}. Keep it secret; it is not shown again.", token.Name, slug, string.Join(", ", token.Scopes), token.ExpiresAt));
        output.WriteLine(secret);
        return 0;
    }
}
