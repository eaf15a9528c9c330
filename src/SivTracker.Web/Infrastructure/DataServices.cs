using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

public static class DataServices
{
    /// <summary>Where scripts/run.sh leaves the connection string of its local cluster, relative to the repository root.</summary>
    public const string LocalConnectionFile = ".data/connection-string";

    public static IServiceCollection AddSivData(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = ResolveConnectionString(configuration);
        FieldKeys.Current = FieldKeys.Load(configuration);
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        services.AddSingleton(dataSource);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AuditStampInterceptor>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(sp => sp.GetRequiredService<AuditStampInterceptor>());
        services.AddSingleton(configuration.GetSection("Clock").Get<ClockSettings>() ?? new ClockSettings());
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
        services.AddScoped<DemoDataGenerator>();
        services.AddScoped<ClockRecompute>();
        return services;
    }

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
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, LocalConnectionFile);
            if (File.Exists(file))
            {
                return File.ReadAllText(file).Trim();
            }
        }
        throw new InvalidOperationException(
            "No database configured: set ConnectionStrings__Default, or start the local cluster with scripts/run.sh.");
    }
}

/// <summary>Who is acting in this scope: the signed-in user in a request, nobody (null) in the CLI and background work.</summary>
public interface ICurrentActor
{
    Guid? UserId { get; }
    Guid? OrganisationId { get; }
}
