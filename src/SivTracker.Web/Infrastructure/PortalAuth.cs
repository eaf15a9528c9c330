using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// The applicant portal's own door: its own cookie and scheme, a 15-minute idle limit, and claims that name one person
/// of one organisation. Staff pages authenticate with the staff scheme only, so a portal session reaches none of them;
/// portal pages authenticate with this scheme only, so a staff session reaches none of the portal.
/// </summary>
public static class PortalAuth
{
    public const string Scheme = "Portal";
    public const string Policy = "Applicant";
    public const string PersonClaim = "sivtracker:portal-person";
    public const string InvitationClaim = "sivtracker:portal-invitation";
    public const string AccountClaim = "sivtracker:portal-account";

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(15);

    public static void AddSivPortal(this IServiceCollection services, bool plainHttpAllowed)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = plainHttpAllowed ? "sivtracker-dev-portal" : "__Host-sivtracker-portal";
            options.Cookie.SecurePolicy = plainHttpAllowed ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.Path = "/";
            options.ExpireTimeSpan = IdleTimeout;
            options.SlidingExpiration = true;
            options.LoginPath = "/Portal/SignedOut";
            options.AccessDeniedPath = "/Portal/SignedOut";
            options.ReturnUrlParameter = "unused";
            // Revoking an invitation ends the session it opened, and switching off a passphrase the sessions it opened, at
            // the applicant's next page (one indexed row a request).
            options.Events.OnValidatePrincipal = async context =>
            {
                var db = context.HttpContext.RequestServices.GetRequiredService<Data.AppDbContext>();
                var ct = context.HttpContext.RequestAborted;
                var stillOpen = Guid.TryParse(context.Principal?.FindFirstValue(AccountClaim), out var accountId)
                    ? await db.PortalAccounts.IgnoreQueryFilters().AnyAsync(a => a.Id == accountId && a.DisabledAt == null, ct)
                    : Guid.TryParse(context.Principal?.FindFirstValue(InvitationClaim), out var invitationId)
                      && await db.PortalInvitations.IgnoreQueryFilters().AnyAsync(i => i.Id == invitationId && i.RevokedAt == null, ct);
                if (!stillOpen)
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(Scheme);
                }
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(PersonClaim));
    }

    public static Task SignInAsync(HttpContext context, PortalInvitation invitation) =>
        SignInAsync(context, invitation.PersonId, invitation.OrganisationId, new Claim(InvitationClaim, invitation.Id.ToString()));

    public static Task SignInAsync(HttpContext context, PortalAccount account) =>
        SignInAsync(context, account.PersonId, account.OrganisationId, new Claim(AccountClaim, account.Id.ToString()));

    private static Task SignInAsync(HttpContext context, Guid personId, Guid organisationId, Claim door) =>
        context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(PersonClaim, personId.ToString()),
            door,
            // The organisation's data filter applies to the applicant as to its staff.
            new Claim(Auth.OrganisationClaim, organisationId.ToString()),
        ], Scheme)));

    public static Guid? PortalPersonId(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(PersonClaim), out var id) ? id : null;
}
