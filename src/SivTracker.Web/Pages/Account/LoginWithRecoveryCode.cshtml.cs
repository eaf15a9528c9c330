using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Account;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimits.SignIn)]
public class LoginWithRecoveryCode(SignInManager<AppUser> signIn, Audit audit) : PageModel
{
    public sealed record Command
    {
        public string Code { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Code).NotEmpty().WithMessage(T("Enter one of your recovery codes.")).PlainText(40);
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    [NotAudited("The code form; the password step before it was recorded.")]
    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("./Login") : Page();

    [Audited(AuditActions.SignInWithRecoveryCode, AuditActions.SignInLockedOut, AuditActions.SignInRecoveryCodeFailed)]
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
        var account = await signIn.GetTwoFactorAuthenticationUserAsync();
        var result = await signIn.TwoFactorRecoveryCodeSignInAsync(Input.Code.Replace(" ", ""));
        // A recovery code stands in for a lost or stolen phone: its use, and how few codes are left, is worth a look.
        var left = result.Succeeded && account is not null ? $"recovery codes left={await signIn.UserManager.CountRecoveryCodesAsync(account)}" : null;
        await audit.RecordNowAsync(result.Succeeded ? AuditActions.SignInWithRecoveryCode : result.IsLockedOut ? AuditActions.SignInLockedOut : AuditActions.SignInRecoveryCodeFailed,
            "user", account?.Id, left, organisationId: account?.OrganisationId, userId: account?.Id);
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
        }
        ModelState.AddModelError("Input.Code", result.IsLockedOut
            ? Login.LockedOutMessage
            : T("That recovery code is not right, or it was used already."));
        return Page();
    }
}
