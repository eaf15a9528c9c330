using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Hosting;

public static class Health
{
    public static IServiceCollection AddSivHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"])
            .AddCheck<SweepFreshCheck>("sweep", tags: ["ready"]);
        return services;
    }

    /// <summary>Anonymous probes that answer only Healthy, Degraded or Unhealthy: no internal details.</summary>
    public static void MapSivHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
    }

    /// <summary>Degraded when the last successful sweep is older than three intervals: flags may be stale.</summary>
    private sealed class SweepFreshCheck(Background.SweepStatus status, Background.SweepSettings settings, TimeProvider time) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!settings.Enabled) return Task.FromResult(HealthCheckResult.Healthy());
            var since = status.LastSuccessAt ?? status.StartedAt;
            return Task.FromResult(time.GetUtcNow() - since > 3 * settings.Interval
                ? HealthCheckResult.Degraded("Deadline sweep is behind.")
                : HealthCheckResult.Healthy());
        }
    }

    private sealed class DatabaseReadyCheck(IDbContextFactory<AppDbContext> contexts) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var pending = await db.Database.GetPendingMigrationsAsync(cancellationToken);
                return pending.Any() ? HealthCheckResult.Unhealthy("Migrations pending.") : HealthCheckResult.Healthy();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("Database unreachable.");
            }
        }
    }
}
