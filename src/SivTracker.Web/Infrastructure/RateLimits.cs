using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace SivTracker.Web.Infrastructure;

/// <summary>Per-user limits on expensive or sensitive requests; refusals answer 429, not the default 503.</summary>
public static class RateLimits
{
    public const string Exports = "exports";
    public const string SignIn = "sign-in";
    public const string Search = "search";

    public static IServiceCollection AddSivRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        // Read when a partition is made, so configuration (and tests) can change the limits.
        static int Limit(HttpContext context, string name, int fallback) =>
            context.RequestServices.GetRequiredService<IConfiguration>().GetValue($"RateLimits:{name}", fallback);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Exports, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.UserId()?.ToString() ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limit(context, "ExportsPerMinute", 10), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // Sign-in pages per client address (lockout after five wrong passwords protects each account).
            options.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limit(context, "SignInsPerMinute", 20), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.AddPolicy(Search, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.UserId()?.ToString() ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limit(context, "SearchesPerMinute", 60), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }
}
