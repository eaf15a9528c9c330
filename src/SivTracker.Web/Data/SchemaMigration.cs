using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SivTracker.Web.Data;

/// <summary>
/// Brings the database up to date as the owner role: migrations, reference data, then the application role's grants
/// (AppRoleGrants.sql) when an application role is named. The `migrate` command and Database:MigrateAtStartup both run
/// this. The host hands it the owner's connection (ConnectionStrings:Migrations, or the app's own in a single-role
/// setup), which the app itself never opens for anything else.
/// </summary>
public sealed class SchemaMigration(string ownerConnectionString, string? appRole, IEnumerable<IInterceptor> interceptors)
{
    public sealed record Result(int Applied, int Seeded, int Sealed, string? GrantedTo);

    /// <summary>Migrates, seeds reference data, seals what is still in clear (progress to <paramref name="progress"/>) and grants the app role.</summary>
    public async Task<Result> RunAsync(CancellationToken ct = default, TextWriter? progress = null)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql(ownerConnectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory"))
            .UseSnakeCaseNamingConvention()
            .UseApplicationServiceProvider(AppDbContext.StandaloneServices)
            .AddInterceptors(interceptors)
            .Options;
        int applied, seeded, sealedRows;
        await using (var db = new AppDbContext(options))
        {
            db.Database.SetCommandTimeout(AppDbContext.BatchCommandTimeoutSeconds);
            applied = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
            await db.Database.MigrateAsync(ct);
            seeded = await ReferenceDataSeeder.SeedAsync(db, ct);
            // Columns a migration has just sealed still hold clear values: sealed here, in batches, before the app uses them.
            sealedRows = await FieldSealing.SealAsync(db, progress ?? TextWriter.Null, ct);
        }
        if (string.IsNullOrWhiteSpace(appRole))
        {
            return new Result(applied, seeded, sealedRows, null);
        }
        // After every migration, not only the first: tables a migration added are covered by the default privileges,
        // but this also takes back anything granted since by hand, and checks the role once more.
        await AppRoleGrants.ApplyAsync(ownerConnectionString, appRole, ct);
        return new Result(applied, seeded, sealedRows, appRole);
    }
}
