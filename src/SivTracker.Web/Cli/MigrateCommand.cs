using System.CommandLine;
using SivTracker.Web.Data;

namespace SivTracker.Web.Cli;

internal static class MigrateCommand
{
    public static Command Create(IServiceProvider services)
    {
        var command = new Command("migrate",
            "Apply database migrations and seed reference data as the owner role (ConnectionStrings__Migrations, else ConnectionStrings__Default), " +
            "then grant the application role (Database__AppRole) what it needs and nothing more.");
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
            error.WriteLine($"Migrations applied, but the application role was not granted its privileges: {refused.Message}");
            return 1;
        }
        output.WriteLine($"Applied {result.Applied} migration(s); seeded {result.Seeded} reference row(s); sealed {result.Sealed} row(s) still in clear.");
        if (result.GrantedTo is { } role)
        {
            output.WriteLine($"Granted the application role {role} its privileges.");
        }
        return 0;
    }
}
