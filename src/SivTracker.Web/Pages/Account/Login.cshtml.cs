using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Account;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimits.SignIn)]
public class Login(SivSignInManager signIn, UserManager<AppUser> users, Audit audit) : PageModel
{
    public sealed record Command
    {
        public string Email { get; init; } = "";
        public string Password { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().WithMessage(T("Enter your email address.")).PlainText(256);
            RuleFor(c => c.Password).NotEmpty().WithMessage(T("Enter your password.")).PlainText(256);
        }
    }

    public static string LockedOutMessage => T("This account is locked after too many failed attempts. Try again in 15 minutes.");

    [BindProperty]
    public Command Input { get; set; } = new();

    [NotAudited("The empty sign-in form.")]
    public void OnGet()
    {
    }

    [Audited(AuditActions.SignInSucceeded, AuditActions.SignInPasswordAccepted, AuditActions.SignInLockedOut, AuditActions.SignInFailed)]
    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        if (!ModelState.Validate(new Validator(), Input))
        {
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(Input.Email.Trim(), Input.Password, isPersistent: false, lockoutOnFailure: true);
        // Who tried is recorded by account id when the account exists; the typed email itself is never stored.
        var account = await users.FindByEmailAsync(Input.Email.Trim());
        await audit.RecordNowAsync(result.Succeeded ? AuditActions.SignInSucceeded : result.RequiresTwoFactor ? AuditActions.SignInPasswordAccepted
                : result.IsLockedOut ? AuditActions.SignInLockedOut : AuditActions.SignInFailed,
            "user", account?.Id, organisationId: account?.OrganisationId, userId: account?.Id);
        if (result.Succeeded)
        {
            return LocalRedirect(SafeReturnUrl(returnUrl));
        }
        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("./LoginWith2fa", new { returnUrl = SafeReturnUrl(returnUrl) });
        }
        // One message for a wrong password, an unknown email and a disabled account: none reveals which accounts exist.
        ModelState.AddModelError(string.Empty, result.IsLockedOut
            ? LockedOutMessage
            : T("The email or password is not right, or the account is disabled."));
        return Page();
    }

    /// <summary>The browser's answer to the passkey prompt, as JSON.</summary>
    [BindProperty]
    public string? CredentialJson { get; set; }

    [NotAudited("Options for the browser's passkey prompt, naming no account: the browser offers whichever passkey the person picks.")]
    public async Task<IActionResult> OnPostPasskeyOptionsAsync() => Content(await signIn.MakePasskeyRequestOptionsAsync(null), "application/json");

    /// <summary>A passkey verifies both who holds the device and that they unlocked it: it signs in without the password.</summary>
    [Audited(AuditActions.SignInSucceeded, AuditActions.SignInPasskeyFailed, AuditActions.SignInLockedOut)]
    public async Task<IActionResult> OnPostPasskeyAsync(string? returnUrl)
    {
        ModelState.Clear();
        var account = await signIn.PasskeyOwnerAsync(CredentialJson);
        var result = account is null ? Microsoft.AspNetCore.Identity.SignInResult.Failed : await signIn.PasskeySignInAsync(CredentialJson!);
        await audit.RecordNowAsync(result.Succeeded ? AuditActions.SignInSucceeded : result.IsLockedOut ? AuditActions.SignInLockedOut : AuditActions.SignInPasskeyFailed,
            "user", account?.Id, result.Succeeded ? "passkey" : null, organisationId: account?.OrganisationId, userId: account?.Id);
        if (result.Succeeded)
        {
            return LocalRedirect(SafeReturnUrl(returnUrl));
        }
        ModelState.AddModelError(string.Empty, result.IsLockedOut
            ? LockedOutMessage
            : T("That passkey did not sign you in. Use one you added to SivTracker, or sign in with your password."));
        return Page();
    }

    public string SafeReturnUrl(string? returnUrl) => Url.IsLocalUrl(returnUrl) ? returnUrl! : "/";
}
