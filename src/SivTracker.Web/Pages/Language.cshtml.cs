using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages;

/// <summary>
/// Language, digits and calendar, before sign-in as after: each choice goes in a cookie, and for a signed-in user also
/// on their account, so it follows them to another device. The picker on every page posts the language here.
/// </summary>
public class LanguageModel(UserManager<AppUser> users, SignInManager<AppUser> signIn) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public bool PersianDigits { get; set; }

    [BindProperty]
    public bool SolarHijri { get; set; }

    [NotAudited("The form for the user's own display settings; no case or person data.")]
    public void OnGet()
    {
    }

    [NotAudited("The user's own display language; no case or person data.")]
    public async Task<IActionResult> OnPostAsync()
    {
        if (Text.Find(Code) is { } language)
        {
            LanguageChoice.Remember(Response, language);
            await SaveAsync(user => user.Language = language.Code);
        }
        return Back();
    }

    [NotAudited("The user's own display settings; no case or person data.")]
    public async Task<IActionResult> OnPostDisplayAsync()
    {
        var display = new Display(PersianDigits, SolarHijri);
        LanguageChoice.Remember(Response, display);
        if (Text.Find(Code) is { } language) LanguageChoice.Remember(Response, language);
        await SaveAsync(user =>
        {
            user.PersianDigits = display.PersianDigits;
            user.SolarHijriDates = display.SolarHijri;
            if (Text.Find(Code) is { } chosen) user.Language = chosen.Code;
        });
        return Back();
    }

    private async Task SaveAsync(Action<AppUser> change)
    {
        if (User.Identity?.IsAuthenticated != true || await users.GetUserAsync(User) is not { } user) return;
        change(user);
        await users.UpdateAsync(user);
        // The choices ride in the sign-in cookie's claims: renew it so the next page already follows them.
        await signIn.RefreshSignInAsync(user);
    }

    private IActionResult Back() => LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
}
