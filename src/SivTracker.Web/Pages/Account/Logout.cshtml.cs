using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Account;

/// <summary>Sign-out is a POST with an antiforgery token, so no link on another site can sign anyone out.</summary>
public class Logout(SignInManager<AppUser> signIn, UserManager<AppUser> users, Audit audit) : PageModel
{
    [NotAudited("Sends the user to the dashboard; signs nobody out.")]
    public IActionResult OnGet() => RedirectToPage("/Index");

    [Audited(AuditActions.SignedOut)]
    public async Task<IActionResult> OnPostAsync()
    {
        // Deleting the cookie here would leave any copy of it working; a new security stamp ends the session on the
        // server, and with it every other session of this user.
        if (await users.GetUserAsync(User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
            await audit.RecordNowAsync(AuditActions.SignedOut, "user", user.Id, organisationId: user.OrganisationId, userId: user.Id);
        }
        await signIn.SignOutAsync();
        TempData["Flash"] = T("You are signed out.");
        return RedirectToPage("./Login");
    }
}
