using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;

namespace SivTracker.Web.Pages.Account;

/// <summary>Sign-out is a POST with an antiforgery token, so no link on another site can sign anyone out.</summary>
public class Logout(SignInManager<AppUser> signIn, UserManager<AppUser> users) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        // Deleting the cookie here would leave any copy of it working; a new security stamp ends the session on the
        // server, and with it every other session of this user.
        if (await users.GetUserAsync(User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }
        await signIn.SignOutAsync();
        TempData["Flash"] = "You are signed out.";
        return RedirectToPage("./Login");
    }
}
