using System.CommandLine;
using SivTracker.Web.Data;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

internal static class MigrateCommand
{
    public static Command Create(IServiceProvider services)
    {
        var command = new Command("migrate",
            T("Apply database migrations and seed reference data as the owner role (ConnectionStrings__Migrations, else ConnectionStrings__Default), then grant the application role (Database__AppRole) what it needs and nothing more."));
        command.SetAction((parse, ct) => RunAsync(services, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, TextWriter output, TextWriter error, CancellationToken ct)
    {
        SchemaMigration.Result result;
        try
        {
            result = await services.GetRequiredService<SchemaMigration>().RunAsync(ct, output);
        }
        catch (AppRoleGrants.Refused refused)
        {
            // Migrations are committed by now; only the grants were rolled back, and the app role has what it had before.
            error.WriteLine(T("Migrations applied, but the application role was not granted its privileges: {0}", refused.Message));
            return 1;
        }
        output.WriteLine(T("Applied {0} migration(s); seeded {1} reference row(s); sealed {2} row(s) still in clear.", result.Applied, result.Seeded, result.Sealed));
        if (result.GrantedTo is { } role)
        {
            output.WriteLine(T("Granted the application role {0} its privileges.", role));
        }
        return 0;
    }
}
