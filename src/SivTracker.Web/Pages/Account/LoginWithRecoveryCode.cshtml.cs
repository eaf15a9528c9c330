using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Account;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimits.SignIn)]
public class LoginWithRecoveryCode(SignInManager<AppUser> signIn) : PageModel
{
    public sealed record Command
    {
        public string Code { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Code).NotEmpty().WithMessage("Enter one of your recovery codes.").PlainText(40);
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("./Login") : Page();

    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
        {
            return RedirectToPage("./Login");
        }
        if (!ModelState.Validate(new Validator(), Input))
        {
            return Page();
        }
        var result = await signIn.TwoFactorRecoveryCodeSignInAsync(Input.Code.Replace(" ", ""));
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
        }
        ModelState.AddModelError("Input.Code", result.IsLockedOut
            ? "This account is locked after too many failed attempts. Try again in 15 minutes."
            : "That recovery code is not right, or it was used already.");
        return Page();
    }
}
