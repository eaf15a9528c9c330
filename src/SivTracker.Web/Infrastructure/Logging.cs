using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace SivTracker.Web.Infrastructure;

public static class Logging
{
    public static WebApplicationBuilder AddSivLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                // ASP.NET Core's request scope puts the path on every line of a request; a calendar feed's secret is in it.
                .Enrich.With<ForgetRequestPath>();
            // Configuration may add sinks; without any, Development reads as text and Production as compact JSON.
            if (!builder.Configuration.GetSection("Serilog:WriteTo").Exists())
            {
                if (builder.Environment.IsDevelopment())
                {
                    logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
                }
                else
                {
                    logger.WriteTo.Console(new RenderedCompactJsonFormatter());
                }
            }
        });
        return builder;
    }

    /// <summary>
    /// One line per request with the route template rather than the path or query string, which can carry search terms
    /// or identifiers: method, template, status, elapsed time and request id, nothing a person typed.
    /// </summary>
    public static IApplicationBuilder UseSivRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "HTTP {RequestMethod} {RouteTemplate} responded {StatusCode} in {Elapsed:0.0} ms ({RequestId})";
            options.IncludeQueryInRequestPath = false;
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : context.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Verbose
                : LogEventLevel.Information;
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                var endpoint = context.GetEndpoint();
                var template = (endpoint as RouteEndpoint)?.RoutePattern.RawText
                    ?? endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>()?.ViewEnginePath
                    ?? "(no route)";
                diagnostics.Set("RouteTemplate", "/" + template.TrimStart('/'));
                diagnostics.Set("RequestId", context.TraceIdentifier);
            };
        });

    /// <summary>The status nginx logs for a request whose client went away before the answer.</summary>
    public const int ClientClosedRequest = 499;

    /// <summary>
    /// A request the client abandoned (a closed tab, a dropped connection) cancels its database work; that is not a
    /// server fault, so it is logged as 499 rather than as a 500 with a stack trace that would bury real errors.
    /// A cancellation the client did not cause, such as a command timeout, still fails as before.
    /// </summary>
    public static IApplicationBuilder UseAbandonedRequestsAsClientClosed(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                if (!context.Response.HasStarted) context.Response.StatusCode = ClientClosedRequest;
            }
        });

    private sealed class ForgetRequestPath : Serilog.Core.ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, Serilog.Core.ILogEventPropertyFactory propertyFactory) => logEvent.RemovePropertyIfPresent("RequestPath");
    }
}
