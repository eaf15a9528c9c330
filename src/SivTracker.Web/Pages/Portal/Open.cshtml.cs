using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Portal;

/// <summary>
/// The link an applicant was sent (/Portal/Open?t=TOKEN; the token in the query, which the request log leaves out): the code and the year of birth open the portal, once. Nothing about the applicant
/// is shown here, before or after a wrong answer, and every refusal reads the same whatever its reason.
/// </summary>
[EnableRateLimiting(RateLimits.SignIn)]
public class Open(AppDbContext db, Audit audit, TimeProvider time) : PageModel
{
    public sealed record Answer
    {
        public string? Code { get; init; }
        public string? BirthYear { get; init; }
    }

    [BindProperty]
    public Answer Input { get; set; } = new();

    [NotAudited("The empty form: it shows nothing about anyone.")]
    public void OnGet()
    {
    }

    [Audited(AuditActions.PortalSignedIn, AuditActions.PortalSignInFailed)]
    public async Task<IActionResult> OnPostAsync([FromQuery(Name = "t")] string? token, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Before anyone is signed in no organisation is known: the link's hash names the invitation, wherever it is.
        var invitation = await db.PortalInvitations.IgnoreQueryFilters().FirstOrDefaultAsync(i => i.LinkHash == PortalInvitations.Hash(token ?? ""), ct);
        if (invitation is null || PortalInvitations.State(invitation, now) != InvitationState.Open) return Refused();
        var person = await db.Persons.IgnoreQueryFilters().AsNoTracking().FirstAsync(p => p.Id == invitation.PersonId, ct);
        if (!PortalInvitations.CodeMatches(invitation, Input.Code) || !PortalInvitations.BirthYearMatches(person, Input.BirthYear))
        {
            // Counted in the database, so parallel guesses cannot all slip under the limit.
            await db.PortalInvitations.IgnoreQueryFilters().Where(i => i.Id == invitation.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.FailedAttempts, i => i.FailedAttempts + 1), ct);
            await audit.RecordNowAsync(AuditActions.PortalSignInFailed, "portal-invitation", invitation.Id.ToString(), $"attempt={invitation.FailedAttempts + 1}", invitation.OrganisationId, null, ct);
            return Refused();
        }
        // Single use: of two answers at once, one claims it.
        var claimed = await db.PortalInvitations.IgnoreQueryFilters().Where(i => i.Id == invitation.Id && i.UsedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now), ct);
        if (claimed == 0) return Refused();
        await audit.RecordNowAsync(AuditActions.PortalSignedIn, "person", invitation.PersonId.ToString(), $"invitation={invitation.Id}", invitation.OrganisationId, null, ct);
        await PortalAuth.SignInAsync(HttpContext, invitation);
        return Redirect("/Portal");
    }

    private PageResult Refused()
    {
        ModelState.AddModelError(string.Empty, T("This code, year of birth or link does not work. After a few wrong tries a link stops working: ask your caseworker for a new one."));
        return Page();
    }
}
