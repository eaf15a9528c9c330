using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Account;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimits.SignIn)]
public class LoginWith2fa(SignInManager<AppUser> signIn, Audit audit) : PageModel
{
    public sealed record Command
    {
        public string Code { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Code).NotEmpty().WithMessage("Enter the 6-digit code from your authenticator app.")
                .Matches(@"^[0-9 \-]{6,9}$").WithMessage("The code is 6 digits.");
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    [NotAudited("The code form; the password step before it was recorded.")]
    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("./Login") : Page();

    [Audited(AuditActions.SignInSucceeded, AuditActions.SignInLockedOut, AuditActions.SignInTwoFactorFailed)]
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
        var code = Input.Code.Replace(" ", "").Replace("-", "");
        var account = await signIn.GetTwoFactorAuthenticationUserAsync();
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        await audit.RecordNowAsync(result.Succeeded ? AuditActions.SignInSucceeded : result.IsLockedOut ? AuditActions.SignInLockedOut : AuditActions.SignInTwoFactorFailed,
            "user", account?.Id, organisationId: account?.OrganisationId, userId: account?.Id);
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
        }
        ModelState.AddModelError("Input.Code", result.IsLockedOut
            ? "This account is locked after too many failed attempts. Try again in 15 minutes."
            : "That code is not right. Codes change every 30 seconds; try the current one.");
        return Page();
    }
}
