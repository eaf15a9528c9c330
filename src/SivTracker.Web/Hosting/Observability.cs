using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Hosting;

/// <summary>Who may read the Prometheus metrics, and how long an instance drains before it stops.</summary>
public sealed record TelemetrySettings
{
    /// <summary>A bearer token a scraper sends ("Authorization: Bearer ..."); empty: no token is accepted.</summary>
    public string MetricsToken { get; init; } = "";

    /// <summary>Addresses or networks (CIDR) allowed to read /metrics without a token, comma-separated; empty: none.</summary>
    public string MetricsAllowedAddresses { get; init; } = "";

    /// <summary>
    /// Seconds between readiness turning unhealthy and the server closing, on shutdown: the proxy stops sending new
    /// requests, and requests in flight finish.
    /// </summary>
    public int DrainSeconds { get; init; } = 5;

    public IReadOnlyList<IPNetwork> AllowedNetworks() =>
        MetricsAllowedAddresses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseNetwork).ToList();

    public static bool IsNetwork(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(part => IPNetwork.TryParse(part, out _) || IPAddress.TryParse(part, out _));

    private static IPNetwork ParseNetwork(string text) =>
        IPAddress.TryParse(text, out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8) : IPNetwork.Parse(text);
}

public static class Observability
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// OpenTelemetry traces and metrics: requests (by route template), database commands, and SivTracker's own sweep,
    /// import, export and webhook spans and counters. Traces go to an OTLP collector when OTEL_EXPORTER_OTLP_ENDPOINT
    /// is set; metrics are scraped from /metrics. Nothing recorded carries a path, a query string or a person's data.
    /// </summary>
    public static IServiceCollection AddSivTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<TelemetrySettings>("Telemetry", v =>
        {
            v.RuleFor(s => s.MetricsToken).Must(t => t.Length is 0 or >= 32).WithMessage("must be empty or at least 32 characters long");
            v.RuleFor(s => s.MetricsAllowedAddresses).Must(TelemetrySettings.IsNetwork)
                .WithMessage("must list IP addresses or networks (10.0.0.0/8), separated by commas");
            v.RuleFor(s => s.DrainSeconds).InclusiveBetween(0, 120);
        });
        services.AddSingleton<Draining>();
        services.AddHostedService(sp => sp.GetRequiredService<Draining>());
        services.AddSingleton<TelemetryGauges>();
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(Telemetry.Name));
        // Spans are made only when a collector takes them: with nowhere to go, a span for every request and every
        // database command is work thrown away.
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing => tracing.AddSource(Telemetry.Name)
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(MetricsPath);
                    // The span is named by its route template; the path itself can hold a calendar feed's secret.
                    options.EnrichWithHttpResponse = (activity, _) => ForgetAddress(activity);
                })
                .AddNpgsql()
                .AddOtlpExporter());
        }
        telemetry.WithMetrics(metrics => metrics
            .AddMeter(Telemetry.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", "Npgsql", "System.Runtime")
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Drops what a request span would otherwise say about the address asked for, beyond its route template.</summary>
    public static void ForgetAddress(Activity activity)
    {
        foreach (var tag in new[] { "url.path", "url.query", "url.full", "http.target", "http.url", "user_agent.original" })
        {
            activity.SetTag(tag, null);
        }
    }

    /// <summary>
    /// The Prometheus scrape endpoint, for a listed address or the bearer token only; to anyone else it does not exist
    /// (a path like any other). Placed before authentication: a scraper has no session.
    /// </summary>
    public static WebApplication UseSivMetrics(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<TelemetrySettings>();
        var networks = settings.AllowedNetworks();
        var token = settings.MetricsToken.Length > 0 ? Encoding.UTF8.GetBytes("Bearer " + settings.MetricsToken) : null;
        app.Services.GetRequiredService<TelemetryGauges>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Request.Path == MetricsPath && MayReadMetrics(context, networks, token));
        return app;
    }

    private static bool MayReadMetrics(HttpContext context, IReadOnlyList<IPNetwork> networks, byte[]? token)
    {
        if (context.Connection.RemoteIpAddress is { } address)
        {
            var remote = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (networks.Any(n => n.Contains(remote))) return true;
        }
        return token is not null && context.Request.Headers.Authorization.ToString() is { Length: > 0 } sent
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), token);
    }

    /// <summary>
    /// On shutdown, readiness turns unhealthy first and the server keeps serving for DrainSeconds: the proxy takes the
    /// instance out of rotation and requests in flight finish before the listener closes.
    /// </summary>
    public sealed class Draining(TelemetrySettings settings, ILogger<Draining> logger) : IHostedLifecycleService
    {
        public bool IsDraining { get; private set; }

        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            IsDraining = true;
            if (settings.DrainSeconds == 0) return;
            logger.LogInformation("Draining for {Seconds} s before shutting down", settings.DrainSeconds);
            await Task.Delay(TimeSpan.FromSeconds(settings.DrainSeconds), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Gauges read when scraped: how long since the sweep last succeeded, and how far the reports replica lags.</summary>
    public sealed class TelemetryGauges
    {
        public TelemetryGauges(Background.SweepStatus sweep, Background.SweepSettings sweepSettings, Exports.ReportsDatabase reports, TimeProvider time)
        {
            Telemetry.Meter.CreateObservableGauge("sivtracker.sweep.since_success", () => sweepSettings.Enabled
                    ? [new Measurement<double>((time.GetUtcNow() - (sweep.LastSuccessAt ?? sweep.StartedAt)).TotalSeconds)]
                    : Array.Empty<Measurement<double>>(),
                "s", "Seconds since this instance's last successful deadline sweep (or its start)");
            if (reports.UsesReplica)
            {
                Telemetry.Meter.CreateObservableGauge("sivtracker.replica.lag", () => ReplicaLag(reports), "s",
                    "How far the reports replica's replay is behind; no value while it cannot be reached");
            }
        }

        private static IEnumerable<Measurement<double>> ReplicaLag(Exports.ReportsDatabase reports)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                return reports.LagSecondsAsync(timeout.Token).GetAwaiter().GetResult() is { } lag ? [new Measurement<double>(lag)] : [];
            }
            catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
            {
                return [];
            }
        }
    }
}
