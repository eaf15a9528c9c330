using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;

namespace SivTracker.Web.Pages.Account;

/// <summary>Sign-out is a POST with an antiforgery token, so no link on another site can sign anyone out.</summary>
public class Logout(SignInManager<AppUser> signIn) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        TempData["Flash"] = "You are signed out.";
        return RedirectToPage("./Login");
    }
}
