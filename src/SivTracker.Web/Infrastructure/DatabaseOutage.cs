using System.Diagnostics;
using System.Net;
using Npgsql;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// When PostgreSQL is down, restarting, or too busy to give a connection or finish a command in time, the request
/// ends at once with a plain 503 page instead of a 500 and a stack trace; the host stays up and the next request
/// tries again. The page is written here, without the layout, because rendering anything else may need the database.
/// </summary>
public static class DatabaseOutage
{
    public static IApplicationBuilder UseDatabaseOutagePage(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next();
            }
            catch (Exception exception) when (IsOutage(exception) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SivTracker.Web.DatabaseOutage");
                var requestId = Activity.Current?.Id ?? context.TraceIdentifier;
                logger.LogWarning("Database unavailable ({Error}); answered 503 ({RequestId})", Describe(exception), requestId);
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "30";
                context.Response.Headers.CacheControl = "no-store";
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(Page(requestId));
            }
        });

    /// <summary>A connection refused, reset or timed out, a full pool, a command past its timeout or a server shutting down.</summary>
    public static bool IsOutage(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or TimeoutException) return true;
            if (e is PostgresException postgres && (postgres.SqlState.StartsWith("08") || postgres.SqlState.StartsWith("57P") || postgres.SqlState == "53300")) return true;
        }
        return false;
    }

    private static string Describe(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null) innermost = innermost.InnerException;
        return innermost is PostgresException postgres ? $"{innermost.GetType().Name} {postgres.SqlState}" : innermost.GetType().Name;
    }

    private static string Page(string requestId) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Temporarily unavailable · SivTracker</title><link rel="stylesheet" href="/css/site.css" /></head>
        <body><main id="main" class="container">
        <h1>Temporarily unavailable</h1>
        <p>SivTracker cannot reach its database right now. Your last saved change is safe; try again in a minute.</p>
        <p class="muted">Request id: <code>{WebUtility.HtmlEncode(requestId)}</code> (quote it if you report this).</p>
        </main></body>
        </html>
        """;
}
