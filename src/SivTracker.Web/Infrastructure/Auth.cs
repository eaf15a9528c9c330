using SivTracker.Web.Domain;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SivTracker.Web.Data;

namespace SivTracker.Web.Infrastructure;

public static class Policies
{
    /// <summary>A member of an organisation in any role: may read that organisation's cases.</summary>
    public const string OrganisationMember = nameof(OrganisationMember);

    /// <summary>May create and edit people, cases, stage changes, notes and documents.</summary>
    public const string CaseEditor = nameof(CaseEditor);

    /// <summary>Works the review queue: reviewers and admins.</summary>
    public const string Reviewer = nameof(Reviewer);

    public const string Admin = nameof(Admin);
    public const string SystemAdmin = nameof(SystemAdmin);
}

public sealed record SessionSettings
{
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan AbsoluteLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How often an open session's roles and name are reloaded. Sign-out, disabling, a role or password change end
    /// other sessions at once whatever this is: every request compares its cookie's security stamp with the user's.
    /// </summary>
    public TimeSpan SecurityStampInterval { get; init; } = TimeSpan.FromMinutes(1);
}

public static class Auth
{
    public const string OrganisationClaim = "sivtracker:org";
    private const string SignedInAtItem = "sivtracker:signed-in-at";

    /// <summary>Pages anyone may open. Everything else requires a signed-in user; a test keeps this list honest.</summary>
    public static readonly string[] AnonymousPages =
        ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/ForgotPassword", "/Account/ResetPassword", "/Error",
            "/Language", "/Portal/Open", "/Portal/SignIn", "/Portal/SignedOut", "/Portal/Leave", "/Portal/Intake", "/Portal/IntakeFiles",
            "/CalendarFeed"];

    public static IServiceCollection AddSivAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // Everywhere but local development the cookies are Secure and __Host- prefixed. Development serves plain HTTP on
        // localhost (scripts/run.sh), where a Secure-only policy would make antiforgery refuse every form.
        var plainHttpAllowed = environment.IsDevelopment();
        var cookiePrefix = plainHttpAllowed ? "sivtracker-dev" : "__Host-sivtracker";
        var securePolicy = plainHttpAllowed ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        // Read here because cookie options are set before the container exists; AddSivSettings checks the same section on start.
        var session = configuration.GetSection("Session").Get<SessionSettings>() ?? new SessionSettings();
        services.AddSingleton(session);
        services.AddHttpContextAccessor();
        services.AddSivKeyRing();
        services.AddScoped<ICurrentActor, HttpCurrentActor>();

        services.AddIdentity<AppUser, IdentityRole<Guid>>(options =>
            {
                options.Password.RequiredLength = 12;
                // Length protects better than composition rules, which push people to predictable patterns.
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = false;
                options.Stores.SchemaVersion = AppDbContext.IdentitySchema;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<SivSignInManager>()
            .AddClaimsPrincipalFactory<SivClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();

        // Form posts here carry "Origin: null" (Referrer-Policy: no-referrer), so Identity's default check, the request's
        // Origin header against the passkey's, cannot pass. The passkey's origin must be the configured public address
        // instead, never one the request's Host header claims; a developer's machine and the tests also serve on loopback.
        services.AddOptions<IdentityPasskeyOptions>().Configure<AppSettings, IHostEnvironment>((options, app, host) =>
        {
            var publicOrigin = Uri.TryCreate(app.PublicUrl, UriKind.Absolute, out var url) ? url.GetLeftPart(UriPartial.Authority) : null;
            var loopbackAllowed = AppSettings.IsLocal(host);
            options.ValidateOrigin = context => ValueTask.FromResult(!context.CrossOrigin
                && (string.Equals(context.Origin, publicOrigin, StringComparison.OrdinalIgnoreCase)
                    || (loopbackAllowed && Uri.TryCreate(context.Origin, UriKind.Absolute, out var origin) && origin.IsLoopback)));
        });

        services.AddOptions<SecurityStampValidatorOptions>().Configure<TimeProvider>((options, time) =>
        {
            options.ValidationInterval = session.SecurityStampInterval;
            options.TimeProvider = time;
        });
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<TimeProvider>((options, time) =>
        {
            options.TimeProvider = time;
            options.Cookie.Name = cookiePrefix;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = securePolicy;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.Path = "/";
            options.ExpireTimeSpan = session.IdleTimeout;
            options.SlidingExpiration = true;
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            options.AccessDeniedPath = "/Account/Login";
            options.Events.OnRedirectToAccessDenied = context =>
            {
                // A plain 403 rendered by the error page, rather than a redirect that hides what happened.
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            options.Events.OnSigningIn = context =>
            {
                context.Properties.Items.TryAdd(SignedInAtItem, time.GetUtcNow().ToUnixTimeSeconds().ToString());
                return Task.CompletedTask;
            };
            options.Events.OnValidatePrincipal = async context =>
            {
                var signedInAt = context.Properties.Items.TryGetValue(SignedInAtItem, out var value) && long.TryParse(value, out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : DateTimeOffset.MinValue;
                // Sliding renewal alone would keep a session alive forever: the absolute lifetime caps it however active
                // it is. And a copied cookie must die the moment its owner signs out, not at the interval check below: the
                // stamp is read on every request (one indexed row), where a server-side session store would need a table.
                if (signedInAt + session.AbsoluteLifetime < time.GetUtcNow() || !await StampIsCurrentAsync(context))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }
                await SecurityStampValidator.ValidatePrincipalAsync(context);
            };
        });
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme).Configure(options =>
        {
            options.Cookie.Name = $"{cookiePrefix}-2fa";
            options.Cookie.SecurePolicy = securePolicy;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = $"{cookiePrefix}-af";
            options.Cookie.SecurePolicy = securePolicy;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });

        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = $"{cookiePrefix}-tmp";
            options.Cookie.SecurePolicy = securePolicy;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });

        services.AddAuthorizationBuilder()
            // Defence in depth: an endpoint that somehow has no metadata still needs a signed-in user.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.OrganisationMember, policy => policy.RequireClaim(OrganisationClaim).RequireRole(Roles.Organisation))
            .AddPolicy(Policies.CaseEditor, policy => policy.RequireClaim(OrganisationClaim).RequireRole(Roles.Caseworker, Roles.Admin))
            .AddPolicy(Policies.Reviewer, policy => policy.RequireClaim(OrganisationClaim).RequireRole(Roles.Reviewer, Roles.Admin))
            .AddPolicy(Policies.Admin, policy => policy.RequireClaim(OrganisationClaim).RequireRole(Roles.Admin))
            .AddPolicy(Policies.SystemAdmin, policy => policy.RequireRole(Roles.SystemAdmin));
        services.AddSivPortal(plainHttpAllowed);
        ApiAuth.AddSivApi(services);
        return services;
    }

    /// <summary>
    /// Whether the cookie's user is still enabled and still has the security stamp the cookie was issued with. Signing
    /// out, disabling the user and changing their roles or password all renew the stamp.
    /// </summary>
    private static async Task<bool> StampIsCurrentAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        if (context.Principal is not { } principal || principal.UserId() is not { } userId || principal.FindFirstValue(stampClaim) is not { } stamp)
        {
            return false;
        }
        return await StampIsCurrentQuery(services.GetRequiredService<AppDbContext>(), userId, stamp, context.HttpContext.RequestAborted);
    }

    // Compiled once: it runs on every request, where composing it was a twentieth of a page's work.
    private static readonly Func<AppDbContext, Guid, string, CancellationToken, Task<bool>> StampIsCurrentQuery = EF.CompileAsyncQuery(
        (AppDbContext db, Guid userId, string stamp, CancellationToken ct) => db.Users.Any(u => u.Id == userId && u.SecurityStamp == stamp && !u.IsDisabled));

    /// <summary>Authorization by folder, in one place. Pages join a folder's rule by living in it.</summary>
    public static void ApplyConventions(Microsoft.AspNetCore.Mvc.ApplicationModels.PageConventionCollection conventions)
    {
        conventions.AuthorizeFolder("/");
        foreach (var page in AnonymousPages)
        {
            conventions.AllowAnonymousToPage(page);
        }
        foreach (var folder in new[] { "/Applicants", "/Interpreters", "/Cases", "/Review", "/Reports" })
        {
            conventions.AuthorizeFolder(folder, Policies.OrganisationMember);
        }
        conventions.AuthorizePage("/Notifications", Policies.OrganisationMember);
        conventions.AuthorizeFolder("/Review", Policies.Reviewer);
        conventions.AuthorizeFolder("/Reports", Policies.Reviewer);
        // Pages that change personal data: caseworkers and admins only; reviewers read.
        foreach (var page in new[] { "/Applicants/Create", "/Applicants/Edit", "/Applicants/ServiceRecord", "/Cases/Open", "/Cases/ChangeStage", "/Cases/Documents", "/Cases/Files", "/Cases/Settings", "/Applicants/Changes", "/Applicants/Messages", "/Applicants/Intake", "/Applicants/Consent", "/Cases/Refer" })
        {
            conventions.AuthorizePage(page, Policies.CaseEditor);
        }
        conventions.AuthorizePage("/Applicants/Merge", Policies.Admin);
        // Referrals cross the organisation boundary: decided by those who change case data.
        conventions.AuthorizeFolder("/Referrals", Policies.CaseEditor);
        conventions.AuthorizeFolder("/Admin", Policies.Admin);
        conventions.AuthorizeFolder("/System", Policies.SystemAdmin);
        // The applicant portal: its own scheme and policy (PortalAuth), never the staff sign-in.
        conventions.AuthorizeFolder("/Portal", PortalAuth.Policy);
        // The language picker serves staff and applicants alike: it reads either sign-in (anonymous still allowed), so
        // the antiforgery token a portal page gave matches the applicant who posts it.
        conventions.AddPageApplicationModelConvention("/Language", model => model.EndpointMetadata.Add(
            new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { AuthenticationSchemes = $"{IdentityConstants.ApplicationScheme},{PortalAuth.Scheme}" }));
        conventions.AuthorizePage("/Applicants/Invite", Policies.CaseEditor);
    }

    public static Guid? OrganisationId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(OrganisationClaim), out var id) ? id : null;

    public static Guid? UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}

/// <summary>
/// The acting user of a request. Requests without an organisation (anonymous, system administrators) get an
/// organisation id that matches nothing, so the data filter shows them no case data. Outside a request there is no
/// organisation either: the CLI and background work see nothing until they name one or declare that they span all
/// (<see cref="AppDbContext.AllOrganisations"/>), which a request cannot do because its organisation id always narrows.
/// </summary>
public sealed class HttpCurrentActor(IHttpContextAccessor accessor) : ICurrentActor
{
    public Guid? UserId => accessor.HttpContext?.User.UserId();

    public Guid? OrganisationId => accessor.HttpContext is { } context ? context.User.OrganisationId() ?? Guid.Empty : null;
}

/// <summary>Adds the organisation to the cookie's claims; refreshed with roles at every security stamp check.</summary>
public sealed class SivClaimsPrincipalFactory(UserManager<AppUser> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.OrganisationId is { } organisationId)
        {
            identity.AddClaim(new Claim(Auth.OrganisationClaim, organisationId.ToString()));
        }
        identity.AddClaim(new Claim("sivtracker:name", user.DisplayName));
        if (Text.Find(user.Language) is { } language)
        {
            identity.AddClaim(new Claim(LanguageChoice.Claim, language.Code));
        }
        if (user.PersianDigits || user.SolarHijriDates)
        {
            identity.AddClaim(new Claim(LanguageChoice.DisplayClaim, new Display(user.PersianDigits, user.SolarHijriDates).ToString()));
        }
        var secondFactor = user.TwoFactorEnabled || (await UserManager.GetPasskeysAsync(user)).Count > 0;
        identity.AddClaim(new Claim(TwoFactorRequirement.Claim, secondFactor ? "on" : "off"));
        return identity;
    }
}

/// <summary>Refuses disabled users at sign-in and at every security stamp check of an open session.</summary>
public sealed class SivSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsDisabled && await base.CanSignInAsync(user);

    /// <summary>Whose passkey a browser answered with, from the credential's id; null when unknown or malformed.</summary>
    public async Task<AppUser?> PasskeyOwnerAsync(string? credentialJson)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(credentialJson ?? "");
            return json.RootElement.GetProperty("id").GetString() is { } id
                ? await UserManager.FindByPasskeyIdAsync(System.Buffers.Text.Base64Url.DecodeFromChars(id))
                : null;
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A passkey is a second factor too: with one, a right password leads to the second step, never straight in.</summary>
    public override async Task<bool> IsTwoFactorEnabledAsync(AppUser user) =>
        await base.IsTwoFactorEnabledAsync(user) || (await UserManager.GetPasskeysAsync(user)).Count > 0;

    public override async Task<AppUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is { IsDisabled: false } ? user : null;
    }
}
