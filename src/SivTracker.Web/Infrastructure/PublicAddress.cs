using Microsoft.AspNetCore.HostFiltering;

namespace SivTracker.Web.Infrastructure;

/// <summary>The "App" section: where SivTracker is reached.</summary>
public sealed record AppSettings
{
    /// <summary>
    /// The address people open SivTracker at, such as https://tracker.example.org. Every link that leaves the app starts
    /// with it, never with the request's Host header: whoever sends a request chooses that header, and a reset link
    /// built from it would hand the reset token to their server.
    /// </summary>
    public string PublicUrl { get; init; } = "";

    /// <summary>Where the app serves itself on a loopback address over plain http: a developer's machine and the tests.</summary>
    public static bool IsLocal(IHostEnvironment environment) => environment.IsDevelopment() || environment.IsEnvironment("Testing");

    public static bool IsValidPublicUrl(string? url, bool plainHttpAllowed) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (plainHttpAllowed && uri.Scheme == Uri.UriSchemeHttp))
        && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0;
}

/// <summary>The "Portal" section: where applicants reach their portal, when it has a host name of its own.</summary>
public sealed record PortalSettings
{
    /// <summary>
    /// Such as https://portal.example.org: invitation links start with it, that host serves the portal and nothing of
    /// the staff side, and the staff host no longer serves the portal. Empty: the portal is at App__PublicUrl/Portal.
    /// </summary>
    public string PublicUrl { get; init; } = "";

    /// <summary>The portal's own host name, or null when it shares the staff host.</summary>
    public string? OwnHost(AppSettings app) =>
        Uri.TryCreate(PublicUrl, UriKind.Absolute, out var portal) && !(Uri.TryCreate(app.PublicUrl, UriKind.Absolute, out var staff)
            && string.Equals(portal.Host, staff.Host, StringComparison.OrdinalIgnoreCase)) ? portal.Host : null;
}

/// <summary>Absolute links for mail, which leaves the app and is opened somewhere else.</summary>
public sealed class PublicLinks(AppSettings app, PortalSettings portal, LinkGenerator links)
{
    /// <summary>The page that sets a new password with a reset code. It names the account by id, never by email: URLs end up in logs and browser history.</summary>
    public string PasswordReset(Guid userId, string code) =>
        Absolute(links.GetPathByPage("/Account/ResetPassword", handler: null, values: new { userId, code })
            ?? throw new InvalidOperationException("No route to /Account/ResetPassword."));

    public string OverdueCases() => Absolute("/Cases?Filters.Overdue=true");

    public string Webhooks() => Absolute("/Admin/Webhooks");

    public string Case(Guid caseId) => Absolute($"/Cases/Details?id={caseId}");

    /// <summary>A user's calendar feed: the secret alone names the user, and only for as long as it is not replaced.</summary>
    public string CalendarFeed(string secret) => Absolute($"/calendar/{secret}.ics");

    /// <summary>An applicant's portal invitation: the token alone, which names nobody; the code travels separately.</summary>
    public string PortalInvitation(string token) => PortalAbsolute($"/Portal/Open?t={token}");

    /// <summary>Where an applicant with a passphrase signs in.</summary>
    public string PortalSignIn() => PortalAbsolute("/Portal/SignIn");

    /// <summary>An organisation's public intake form: its slug is public, chosen to be.</summary>
    public string PortalIntake(string slug) => PortalAbsolute($"/Portal/Intake?o={Uri.EscapeDataString(slug)}");

    private string Absolute(string path) => app.PublicUrl.TrimEnd('/') + path;

    private string PortalAbsolute(string path) => (portal.PublicUrl.Length > 0 ? portal.PublicUrl : app.PublicUrl).TrimEnd('/') + path;
}

public static class PublicAddress
{
    public static IServiceCollection AddSivPublicAddress(this IServiceCollection services)
    {
        services.AddSingleton<PublicLinks>();
        // With AllowedHosts unset, only the public host (and loopback on a developer's machine) may be named in a request.
        // The framework fills AllowedHosts from configuration afterwards only when it is still empty, so a value set
        // explicitly wins.
        services.AddOptions<HostFilteringOptions>().Configure<AppSettings, IHostEnvironment, IConfiguration>((options, app, environment, configuration) =>
        {
            if (!string.IsNullOrWhiteSpace(configuration["AllowedHosts"])) return;
            var hosts = new List<string>();
            if (Uri.TryCreate(app.PublicUrl, UriKind.Absolute, out var url)) hosts.Add(url.Host);
            if (configuration["Portal:PublicUrl"] is { Length: > 0 } portal && Uri.TryCreate(portal, UriKind.Absolute, out var portalUrl)) hosts.Add(portalUrl.Host);
            if (AppSettings.IsLocal(environment)) hosts.AddRange(["localhost", "127.0.0.1", "[::1]"]);
            options.AllowedHosts = hosts;
        });
        return services;
    }

    /// <summary>
    /// With the portal on a host of its own, each host serves its own side only: the portal host the portal, the
    /// language picker and the shared assets; the staff host everything but the portal. Anything else is 404, as if it
    /// did not exist.
    /// </summary>
    public static IApplicationBuilder UsePortalHost(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        var portalHost = services.GetRequiredService<PortalSettings>().OwnHost(services.GetRequiredService<AppSettings>());
        if (portalHost is null) return app;
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var shared = path.StartsWithSegments("/css") || path.StartsWithSegments("/js") || path.StartsWithSegments("/fonts")
                || path.StartsWithSegments("/favicon.svg") || path.StartsWithSegments("/health") || path.StartsWithSegments("/Error");
            var portalPath = path.StartsWithSegments("/Portal") || path.StartsWithSegments("/Language");
            var onPortalHost = string.Equals(context.Request.Host.Host, portalHost, StringComparison.OrdinalIgnoreCase);
            if (!shared && (onPortalHost ? !portalPath : path.StartsWithSegments("/Portal")))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next();
        });
    }
}
