using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace SivTracker.Web.Infrastructure;

public sealed record RateLimitSettings
{
    public int ExportsPerMinute { get; init; } = 10;
    public int SignInsPerMinute { get; init; } = 20;
    public int SearchesPerMinute { get; init; } = 60;

    /// <summary>API requests per token per minute.</summary>
    public int ApiRequestsPerMinute { get; init; } = 600;

    /// <summary>Public intake requests (and their files) per client address per hour.</summary>
    public int IntakesPerHour { get; init; } = 20;
}

/// <summary>Per-user limits on expensive or sensitive requests; refusals answer 429, not the default 503.</summary>
public static class RateLimits
{
    public const string Exports = "exports";
    public const string SignIn = "sign-in";
    public const string Search = "search";
    public const string Intake = "intake";
    public const string Api = "api";

    public static IServiceCollection AddSivRateLimits(this IServiceCollection services)
    {
        // Read when a partition is made, so a changed configuration changes the limits.
        static RateLimitSettings Limits(HttpContext context) =>
            context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<RateLimitSettings>>().CurrentValue;
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Says when to come back, so a well-behaved client waits instead of hammering.
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(Api, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.FindFirst(ApiAuth.TokenClaim)?.Value ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limits(context).ApiRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.AddPolicy(Exports, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.UserId()?.ToString() ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limits(context).ExportsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // Sign-in pages per client address (lockout after five wrong passwords protects each account).
            options.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limits(context).SignInsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.AddPolicy(Search, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.UserId()?.ToString() ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limits(context).SearchesPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // The public intake form, per client address: with the proof of work, what keeps a script from flooding the queue.
            options.AddPolicy(Intake, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limits(context).IntakesPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));
        });
        return services;
    }
}
