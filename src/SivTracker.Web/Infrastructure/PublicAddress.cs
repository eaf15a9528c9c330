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

/// <summary>Absolute links for mail, which leaves the app and is opened somewhere else.</summary>
public sealed class PublicLinks(AppSettings app, LinkGenerator links)
{
    /// <summary>The page that sets a new password with a reset code. It names the account by id, never by email: URLs end up in logs and browser history.</summary>
    public string PasswordReset(Guid userId, string code) =>
        Absolute(links.GetPathByPage("/Account/ResetPassword", handler: null, values: new { userId, code })
            ?? throw new InvalidOperationException("No route to /Account/ResetPassword."));

    public string OverdueCases() => Absolute("/Cases?Filters.Overdue=true");

    /// <summary>An applicant's portal invitation: the token alone, which names nobody; the code travels separately.</summary>
    public string PortalInvitation(string token) => Absolute($"/Portal/Open?t={token}");

    /// <summary>Where an applicant with a passphrase signs in.</summary>
    public string PortalSignIn() => Absolute("/Portal/SignIn");

    private string Absolute(string path) => app.PublicUrl.TrimEnd('/') + path;
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
            if (AppSettings.IsLocal(environment)) hosts.AddRange(["localhost", "127.0.0.1", "[::1]"]);
            options.AllowedHosts = hosts;
        });
        return services;
    }
}
