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
            .AddCheck<SweepFreshCheck>("sweep", tags: ["ready"])
            .AddCheck<DrainingCheck>("draining", tags: ["ready"])
            .AddCheck<ReplicaCheck>("replica", tags: ["ready"]);
        return services;
    }

    /// <summary>Anonymous probes that answer only Healthy, Degraded or Unhealthy: no internal details.</summary>
    public static void MapSivHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = StatusOnly }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = StatusOnly })
            .AllowAnonymous();
    }

    /// <summary>
    /// The status word alone. An unhealthy probe's 503 stays a plain 503: the error page it would otherwise be re-run
    /// through is for people, and a probe calls an instance over plain http, where that page cannot be rendered.
    /// </summary>
    private static Task StatusOnly(HttpContext context, HealthReport report)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(report.Status.ToString());
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

    /// <summary>Unhealthy from the moment shutdown begins, so the proxy stops sending this instance new requests.</summary>
    private sealed class DrainingCheck(Observability.Draining draining) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(draining.IsDraining ? HealthCheckResult.Unhealthy("Shutting down.") : HealthCheckResult.Healthy());
    }

    /// <summary>
    /// Degraded (still ready: reports fall back to the primary) when the reports replica is unreachable or more than
    /// <see cref="MaxReplicaLag"/> behind, so a report would show figures that old.
    /// </summary>
    private sealed class ReplicaCheck(Exports.ReportsDatabase reports) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!reports.UsesReplica) return HealthCheckResult.Healthy();
            try
            {
                var lag = TimeSpan.FromSeconds((await reports.LagSecondsAsync(cancellationToken))!.Value);
                return lag > MaxReplicaLag ? HealthCheckResult.Degraded($"Reports replica {lag.TotalSeconds:0} s behind.") : HealthCheckResult.Healthy();
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Degraded("Reports replica unreachable; reports read from the primary.");
            }
        }
    }

    public static readonly TimeSpan MaxReplicaLag = TimeSpan.FromMinutes(2);

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
