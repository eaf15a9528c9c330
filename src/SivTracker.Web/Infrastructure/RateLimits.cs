using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace SivTracker.Web.Infrastructure;

/// <summary>Per-user limits on expensive or sensitive requests; refusals answer 429, not the default 503.</summary>
public static class RateLimits
{
    public const string Exports = "exports";

    public static IServiceCollection AddSivRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var exportsPerMinute = configuration.GetValue("RateLimits:ExportsPerMinute", 10);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Exports, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.UserId()?.ToString() ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = exportsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }
}
