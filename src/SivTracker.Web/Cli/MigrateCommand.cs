using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Cli;

internal static class MigrateCommand
{
    public static Command Create(IServiceProvider services)
    {
        var command = new Command("migrate", "Apply database migrations and seed reference data.");
        command.SetAction((parse, ct) => RunAsync(services, parse.InvocationConfiguration.Output, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        db.Database.SetCommandTimeout(AppDbContext.BatchCommandTimeoutSeconds);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        var seeded = await ReferenceDataSeeder.SeedAsync(db, ct);
        output.WriteLine($"Applied {pending.Count} migration(s); seeded {seeded} reference row(s).");
        return 0;
    }
}
