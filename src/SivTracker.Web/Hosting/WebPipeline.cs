using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Hosting;

public static class WebPipeline
{
    public static IServiceCollection AddSivWeb(this IServiceCollection services, IConfiguration configuration)
    {
        // The API speaks in names ("Running", "AF602B"), as the pages and exports do, never in enum numbers.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddRazorPages(options => Auth.ApplyConventions(options.Conventions))
            // Page validators own every rule; MVC's implicit [Required] for non-nullable strings would add a second, vaguer message.
            .AddMvcOptions(options =>
            {
                options.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;
                options.Filters.Add<TwoFactorRequirement>();
                options.ModelBinderProviders.Insert(0, new LocalDigitsBinderProvider());
            });
        // Every feature's use cases: a page's nested Handler, reached alike by its page, the import, the CLI and tests.
        foreach (var handler in typeof(WebPipeline).Assembly.GetTypes().Where(t => t is { Name: "Handler", IsNested: true, IsAbstract: false }))
        {
            services.AddScoped(handler);
        }
        services.AddSivPublicAddress();
        services.AddScoped<UserAccounts>();
        services.AddScoped<OrganisationCalendar>();
        services.AddScoped<Audit>();
        services.AddMemoryCache();
        services.AddSingleton<Backlog.BacklogFiguresCache>();
        services.AddScoped<Exports.ReportExporter>();
        services.AddScoped<Evidence.DelayEvidence>();
        services.AddScoped<Evidence.BacklogBrief>();
        services.AddScoped<Evidence.LetterWriter>();
        services.AddScoped<Evidence.CalendarFeed>();
        services.AddScoped<Imports.SpreadsheetImport>();
        services.AddSingleton<Imports.ImportJobs>();
        services.AddHostedService<Imports.ImportWorker>();
        services.AddSivRateLimits();
        services.AddSingleton<Background.ClockRecomputeJobs>();
        services.AddHostedService<Background.ClockRecomputeWorker>();
        services.AddScoped<Background.DeadlineSweep>();
        services.AddScoped<Background.DigestMailer>();
        services.AddSingleton(sp => new Background.SweepStatus { StartedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow() });
        services.AddHostedService<Background.DeadlineSweepService>();
        services.AddSingleton<Background.WebhookSignal>();
        services.AddScoped<Background.WebhookOutbox>();
        services.AddScoped<Background.WebhookSender>();
        services.AddHttpClient(Background.WebhookSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => Background.WebhookSender.Handler(sp.GetRequiredService<Background.WebhookSettings>()));
        services.AddHostedService<Background.WebhookDeliveryService>();
        // Dari and Pashto names render as text, not as numeric entities; Razor still encodes everything HTML-significant.
        services.AddWebEncoders(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return services;
    }

    public static WebApplication UseSivPipeline(this WebApplication app)
    {
        // Behind a reverse proxy (deploy/nginx.conf) the client's address and https come from its headers, trusted only
        // from the proxies listed: rate limits then see real clients, and Secure cookies work.
        if (app.Configuration["ForwardedHeaders:KnownProxies"] is { Length: > 0 } proxies)
        {
            var options = new Microsoft.AspNetCore.Builder.ForwardedHeadersOptions
            {
                ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
            };
            foreach (var proxy in proxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
            app.UseForwardedHeaders(options);
        }
        app.UseSivMetrics();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
            app.UseHsts();
        }
        app.UseSecurityHeaders();
        app.UseStatusCodePagesWithReExecute("/Error", "?code={0}");
        app.UsePortalHost();
        app.UseSivRequestLogging();
        app.UseAbandonedRequestsAsClientClosed();
        app.UseDatabaseOutagePage();
        app.UseNulBytesAsValidationErrors();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Pages link files with ?v=<hash> (asp-append-version): a versioned URL never changes, so browsers keep it.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
                context.Context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
        });
        app.UseRouting();
        app.UseAuthentication();
        // After authentication: a signed-in user's saved language comes from their sign-in cookie.
        app.UseSivLanguage();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.Use(async (context, next) =>
        {
            // Pages for signed-in users carry personal data: no browser or proxy may keep a copy.
            context.Response.OnStarting(() =>
            {
                if (context.User.Identity?.IsAuthenticated == true)
                {
                    context.Response.Headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
            await next();
        });
        return app;
    }

    /// <summary>
    /// Migrations run as their own step (`migrate`); the app will not serve a schema it does not know, unless
    /// Database:MigrateAtStartup allows it (scripts/run.sh sets it for local use). Then they run as `migrate` runs them:
    /// as the owner role of ConnectionStrings:Migrations, granting the application role its privileges afterwards.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<AppDbContext>>();
        List<string> pending;
        try
        {
            pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
        {
            // The app still starts so it can answer 503 and recover once the database is back.
            logger.LogWarning("Database unreachable at startup ({Error}); serving what can be served.", exception.GetType().Name);
            return;
        }
        if (pending.Count == 0)
        {
            return;
        }
        if (!app.Services.GetRequiredService<DatabaseSettings>().MigrateAtStartup)
        {
            throw new InvalidOperationException(
                $"The database has {pending.Count} pending migration(s). Run the `migrate` command first, or set Database__MigrateAtStartup=true.");
        }
        var result = await app.Services.GetRequiredService<SchemaMigration>().RunAsync();
        logger.LogInformation("Applied {Count} pending migration(s) at startup.", result.Applied);
    }
}
