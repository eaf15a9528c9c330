using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

internal static class CreateAdminCommand
{
    public static Command Create(IServiceProvider services, TextReader input)
    {
        var org = new Option<string>("--org")
        {
            Description = T("The organisation's slug; the organisation is created if needed."),
            HelpName = "slug",
            CustomParser = result => Regex.IsMatch(result.Tokens[0].Value, "^[a-z0-9][a-z0-9-]{1,39}$")
                ? result.Tokens[0].Value
                : CommandLine.Reject<string>(result, T("--org must be 2 to 40 lower-case letters, digits and dashes.")),
        };
        var name = new Option<string>("--name") { Description = T("The organisation's name, used when it is created."), HelpName = "org name" };
        var system = new Option<bool>("--system") { Description = T("Create a system administrator (manages organisations, sees no case data) instead.") };
        var email = new Option<string>("--email") { Description = T("The administrator's email, which is also the user name."), HelpName = "email", Required = true };
        var displayName = new Option<string>("--display-name") { Description = T("The name shown in the app; by default the email's local part."), HelpName = "name" };
        var command = new Command("create-admin",
            T("Create the organisation if needed and an admin for it (--org, --name), or a system administrator (--system). Reads the password from standard input (one line)."))
        {
            org,
            name,
            system,
            email,
            displayName,
        };
        // Which options belong together depends on --system, so it is checked here, as a usage error before anything runs.
        command.Validators.Add(result =>
        {
            if (result.GetValue(system))
            {
                if (result.GetResult(org) is not null) result.AddError(T("Unknown option --org: a system administrator belongs to no organisation."));
                if (result.GetResult(name) is not null) result.AddError(T("Unknown option --name: a system administrator belongs to no organisation."));
            }
            else
            {
                if (result.GetResult(org) is null) result.AddError(T("Option --org is required."));
                if (result.GetResult(name) is null) result.AddError(T("Option --name is required."));
            }
        });
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetRequiredValue(email);
            (string Slug, string Name)? organisation = parse.GetValue(system) ? null : (parse.GetRequiredValue(org), parse.GetRequiredValue(name));
            return RunAsync(services, input, organisation, address, parse.GetValue(displayName) ?? address.Split('@')[0],
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    /// <param name="organisation">The admin's organisation, or null for a system administrator.</param>
    private static async Task<int> RunAsync(IServiceProvider services, TextReader input, (string Slug, string Name)? organisation, string email,
        string displayName, TextWriter output, TextWriter error, CancellationToken ct)
    {
        // Read from standard input so the password never appears in the process list or shell history.
        var password = (await input.ReadLineAsync(ct))?.TrimEnd('\r');
        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine(T("No password on standard input. Example: {0}", "printf '%s\\n' \"$PASSWORD\" | ... create-admin ..."));
            return 2;
        }

        var db = services.GetRequiredService<AppDbContext>();
        var audit = services.GetRequiredService<Audit>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        Guid? organisationId = null;
        if (organisation is (var slug, var name))
        {
            var existing = await db.Organisations.FirstOrDefaultAsync(o => o.Slug == slug, ct);
            if (existing is null)
            {
                existing = new Domain.Organisation { Slug = slug, Name = name };
                db.Organisations.Add(existing);
                await db.SaveChangesAsync(ct);
                // No user runs the command: the row says where it came from instead of who.
                audit.Record(AuditActions.OrganisationCreated, "organisation", existing.Id, "by the create-admin command", organisationId: existing.Id);
                output.WriteLine(T("Created organisation {0}.", slug));
            }
            organisationId = existing.Id;
        }
        var role = organisation is null ? Roles.SystemAdmin : Roles.Admin;
        var created = await services.GetRequiredService<UserAccounts>().CreateAsync(email, displayName, organisationId, [role], password, ct: ct);
        if (created.User is null)
        {
            await transaction.RollbackAsync(ct);
            foreach (var problem in created.Result.Errors)
            {
                error.WriteLine(problem.Description);
            }
            return 1;
        }
        audit.Record(AuditActions.UserCreated, "user", created.User.Id, $"roles: {role}; by the create-admin command", organisationId: organisationId);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        output.WriteLine(organisation is null ? T("Created system administrator {0}.", email) : T("Created admin {0} for {1}.", email, organisation.Value.Slug));
        return 0;
    }
}
