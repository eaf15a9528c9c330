using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// The API's door: `Authorization: Bearer sivt_...`, a token an admin made for their organisation. The principal names
/// the organisation (so the data filter applies as for staff), the token and its scopes; never a user, so nothing
/// a staff role allows follows from a token. Every audit row written under it names the token.
/// </summary>
public sealed class ApiAuth(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenClaim = "sivtracker:api-token";
    public const string TokenNameClaim = "sivtracker:api-token-name";
    public const string ScopeClaim = "sivtracker:scope";

    /// <summary>The policy that asks for one scope: "api:cases:read".</summary>
    public static string Policy(string scope) => "api:" + scope;

    /// <summary>The API's description (the OpenAPI document and the reference page): for signed-in staff and for tokens, not for the world.</summary>
    public const string DocumentReaderPolicy = "api-document";

    private const string StaffOrTokenScheme = "StaffOrToken";

    public static void AddSivApi(IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiAuth>(SchemeName, null)
            // A request with a bearer token is a client of the API; any other is a browser, sent to sign in when it has no session.
            .AddPolicyScheme(StaffOrTokenScheme, null, options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? SchemeName : Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme);
        var builder = services.AddAuthorizationBuilder();
        foreach (var scope in ApiTokens.Scopes)
        {
            builder.AddPolicy(Policy(scope), policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser().RequireClaim(ScopeClaim, scope));
        }
        builder.AddPolicy(DocumentReaderPolicy, policy => policy
            .AddAuthenticationSchemes(StaffOrTokenScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(Auth.OrganisationClaim));
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var secret = header["Bearer ".Length..].Trim();
        var db = Context.RequestServices.GetRequiredService<Data.AppDbContext>();
        var now = Context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        // Before the token is known no organisation is: its hash names it, wherever it is.
        var token = await db.ApiTokens.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(t => t.SecretHash == ApiTokens.Hash(secret), Context.RequestAborted);
        if (token is null || !ApiTokens.IsActive(token, now)) return AuthenticateResult.Fail("The token is unknown, revoked or expired.");
        // A day's precision is enough to show which tokens are in use, and spares a write on every request.
        if (token.LastUsedAt is not { } used || used.UtcDateTime.Date != now.UtcDateTime.Date)
        {
            await db.ApiTokens.IgnoreQueryFilters().Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }
        var claims = new List<Claim>
        {
            new(Auth.OrganisationClaim, token.OrganisationId.ToString()), new(TokenClaim, token.Id.ToString()), new(TokenNameClaim, token.Name),
        };
        claims.AddRange(token.Scopes.Select(scope => new Claim(ScopeClaim, scope)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status401Unauthorized, Text.T("A valid API token is needed: Authorization: Bearer <token>."));

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status403Forbidden, Text.T("This token does not have the scope this request needs."));

    private Task Problem(int status, string detail)
    {
        if (status == StatusCodes.Status401Unauthorized) Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(detail: detail, statusCode: status).ExecuteAsync(Context);
    }

    public static string? TokenName(ClaimsPrincipal? user) => user?.FindFirstValue(TokenNameClaim);
}
