using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Hosting;

public static class DataServices
{
    /// <summary>Where scripts/run.sh leaves the connection string of its local cluster, relative to the repository root.</summary>
    public const string LocalConnectionFile = ".data/connection-string";

    /// <summary>Where scripts/run.sh leaves the owner role's connection string, for `migrate` run from the repository.</summary>
    public const string LocalMigrationsConnectionFile = ".data/migrations-connection-string";

    public static IServiceCollection AddSivData(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = ResolveConnectionString(configuration);
        FieldKeys.Current = FieldKeys.Load(configuration);
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        // Hot queries are prepared on the server once per connection instead of parsed and planned on every request.
        var settings = dataSourceBuilder.ConnectionStringBuilder;
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) settings.MaxAutoPrepare = 50;
        // EF Core returns the connection to the pool after every query, and by default each return queues a reset
        // (CLOSE ALL, advisory unlocks, DISCARD SEQUENCES and TEMP) that runs before the next query: on a page of a dozen
        // queries that doubled PostgreSQL's work. SivTracker keeps no session state on a connection (its advisory locks
        // and temp tables last one transaction), so there is nothing to reset.
        if (!HasSetting(connectionString, "No Reset On Close")) settings.NoResetOnClose = true;
        // When the database is down or every connection is busy, a request fails fast into the 503 page rather than
        // queueing: a few seconds to get a connection, fifteen for a command. Either can be set in the connection string.
        if (!HasSetting(connectionString, "Timeout")) settings.Timeout = 5;
        if (!HasSetting(connectionString, "Command Timeout")) settings.CommandTimeout = 15;
        var dataSource = dataSourceBuilder.Build();
        services.AddSingleton(dataSource);
        var replica = configuration.GetConnectionString("Reports");
        services.AddSingleton(sp => new Exports.ReportsDatabase(string.IsNullOrWhiteSpace(replica) ? null : ReplicaSource(replica),
            sp.GetRequiredService<ILogger<Exports.ReportsDatabase>>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AuditStampInterceptor>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(sp => sp.GetRequiredService<AuditStampInterceptor>());
        services.AddSivSettings();
        services.AddSingleton<FileStores>();
        services.AddScoped<SealedFiles>();
        services.AddPooledDbContextFactory<AppDbContext>((sp, options) => options
            .UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory"))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()));
        // The pooled context is handed out per scope; per-user state is set on it here because pooled contexts
        // cannot take scoped services in their constructor.
        services.AddScoped(sp =>
        {
            var db = sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
            db.UseActor(sp.GetService<ICurrentActor>());
            return db;
        });
        // Migrations run as the owner role, read only when `migrate` or Database:MigrateAtStartup needs them: the app serves
        // every request through the application role's connection above.
        services.AddSingleton(sp => new SchemaMigration(ResolveMigrationsConnectionString(sp.GetRequiredService<IConfiguration>()),
            sp.GetRequiredService<DatabaseSettings>().AppRole, sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()));
        services.AddScoped<Demo.DemoDataGenerator>();
        services.AddScoped<ClockRecompute>();
        return services;
    }

    /// <summary>A replica that does not answer is given up on in three seconds: reports then read from the primary.</summary>
    private static NpgsqlDataSource ReplicaSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (!HasSetting(connectionString, "Timeout")) builder.ConnectionStringBuilder.Timeout = 3;
        return builder.Build();
    }

    private static bool HasSetting(string connectionString, string keyword) =>
        System.Text.RegularExpressions.Regex.IsMatch(connectionString, $@"(^|;)\s*{keyword}\s*=", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>
    /// ConnectionStrings:Default when set; otherwise the local cluster that scripts/run.sh started, found by walking up
    /// from the working directory, so CLI commands run from the repository need no configuration.
    /// </summary>
    public static string ResolveConnectionString(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("Default");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        return FindLocalFile(LocalConnectionFile) ?? throw new InvalidOperationException(
            "No database configured: set ConnectionStrings__Default, or start the local cluster with scripts/run.sh.");
    }

    /// <summary>
    /// The owner role's connection, for migrations and the application role's grants: ConnectionStrings:Migrations. When
    /// that is unset, the app's own connection does both, as in a single-role development setup: ConnectionStrings:Default,
    /// or the local cluster's owner file and then its app file.
    /// </summary>
    public static string ResolveMigrationsConnectionString(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("Migrations");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        // A database named in configuration is never swapped for the local cluster's.
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Default")) && FindLocalFile(LocalMigrationsConnectionFile) is { } local)
        {
            return local;
        }
        return ResolveConnectionString(configuration);
    }

    /// <summary>The contents of a file scripts/run.sh wrote, found by walking up from the working directory.</summary>
    private static string? FindLocalFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(file))
            {
                return File.ReadAllText(file).Trim();
            }
        }
        return null;
    }
}

public sealed record DatabaseSettings
{
    /// <summary>Apply pending migrations when the app starts (local use); in production `migrate` is its own step.</summary>
    public bool MigrateAtStartup { get; init; }

    /// <summary>
    /// The role the app connects as (ConnectionStrings:Default) when migrations run as a separate owner role
    /// (ConnectionStrings:Migrations): after migrating, the owner grants it what Data/AppRoleGrants.sql lists and no more.
    /// Unset: no grants, for a single-role development setup.
    /// </summary>
    public string? AppRole { get; init; }
}
