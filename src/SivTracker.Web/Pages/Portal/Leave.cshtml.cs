using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Portal;

/// <summary>"Leave quickly": ends the portal session and shows an empty page, with nothing kept by the browser.</summary>
public class Leave(Audit audit) : PageModel
{
    [Audited(AuditActions.PortalLeft)]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var session = await HttpContext.AuthenticateAsync(PortalAuth.Scheme);
        if (session.Principal?.PortalPersonId() is { } personId && session.Principal.OrganisationId() is { } organisationId)
        {
            await audit.RecordNowAsync(AuditActions.PortalLeft, "person", personId.ToString(), null, organisationId, null, ct);
        }
        await HttpContext.SignOutAsync(PortalAuth.Scheme);
        Response.Headers.CacheControl = "no-store";
    }
}
