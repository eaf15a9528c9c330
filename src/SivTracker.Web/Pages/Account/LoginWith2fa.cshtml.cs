using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Account;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimits.SignIn)]
public class LoginWith2fa(SivSignInManager signIn, UserManager<AppUser> users, IPasskeyHandler<AppUser> passkeys, Audit audit) : PageModel
{
    public sealed record Command
    {
        public string Code { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Code).NotEmpty().WithMessage(T("Enter the 6-digit code from your authenticator app."))
                .Matches(@"^[0-9 \-]{6,9}$").WithMessage(T("The code is 6 digits."));
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    /// <summary>Which second factors the account has, so the page offers only those.</summary>
    public bool HasAuthenticator { get; private set; }
    public bool HasPasskey { get; private set; }

    /// <summary>The browser's answer to the passkey prompt, as JSON.</summary>
    [BindProperty]
    public string? CredentialJson { get; set; }

    [NotAudited("The code form; the password step before it was recorded.")]
    public async Task<IActionResult> OnGetAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } account) return RedirectToPage("./Login");
        await LoadAsync(account);
        return Page();
    }

    /// <summary>
    /// Identity keeps a passkey ceremony's state in the cookie that also names this half-signed-in account, and would
    /// overwrite it; the state waits in TempData (a protected cookie, read once) instead, so the account stays known.
    /// </summary>
    private const string PasskeyStateKey = "sivtracker:2fa-passkey";

    [NotAudited("Options for the passkey prompt of the account whose password was just accepted (recorded then).")]
    public async Task<IActionResult> OnPostPasskeyOptionsAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } account) return RedirectToPage("./Login");
        var options = await passkeys.MakeRequestOptionsAsync(account, HttpContext);
        TempData[PasskeyStateKey] = options.AssertionState;
        return Content(options.RequestOptionsJson, "application/json");
    }

    [Audited(AuditActions.SignInSucceeded, AuditActions.SignInLockedOut, AuditActions.SignInPasskeyFailed)]
    public async Task<IActionResult> OnPostPasskeyAsync(string? returnUrl)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } account) return RedirectToPage("./Login");
        ModelState.Clear();
        var state = TempData[PasskeyStateKey] as string;
        var assertion = string.IsNullOrEmpty(CredentialJson) || state is null ? null
            : await passkeys.PerformAssertionAsync(new PasskeyAssertionContext { CredentialJson = CredentialJson, AssertionState = state, HttpContext = HttpContext });
        // Only this account's passkey completes this account's sign-in.
        var verified = assertion is { Succeeded: true } && assertion.User.Id == account.Id;
        var lockedOut = await users.IsLockedOutAsync(account);
        if (verified && !lockedOut && await signIn.CanSignInAsync(account))
        {
            await users.AddOrUpdatePasskeyAsync(account, assertion!.Passkey!);
            await HttpContext.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
            await signIn.SignInAsync(account, isPersistent: false, authenticationMethod: "passkey");
            await audit.RecordNowAsync(AuditActions.SignInSucceeded, "user", account.Id, "passkey", organisationId: account.OrganisationId, userId: account.Id);
            return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
        }
        await audit.RecordNowAsync(lockedOut ? AuditActions.SignInLockedOut : AuditActions.SignInPasskeyFailed,
            "user", account.Id, organisationId: account.OrganisationId, userId: account.Id);
        ModelState.AddModelError(string.Empty, lockedOut
            ? Login.LockedOutMessage
            : T("That passkey did not verify. Use a passkey you added to this account."));
        await LoadAsync(account);
        return Page();
    }

    private async Task LoadAsync(AppUser account)
    {
        HasAuthenticator = await users.GetTwoFactorEnabledAsync(account);
        HasPasskey = (await users.GetPasskeysAsync(account)).Count > 0;
    }

    [Audited(AuditActions.SignInSucceeded, AuditActions.SignInLockedOut, AuditActions.SignInTwoFactorFailed)]
    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
        {
            return RedirectToPage("./Login");
        }
        if (!ModelState.Validate(new Validator(), Input))
        {
            await LoadAsync((await signIn.GetTwoFactorAuthenticationUserAsync())!);
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
            ? Login.LockedOutMessage
            : T("That code is not right. Codes change every 30 seconds; try the current one."));
        if (account is not null) await LoadAsync(account);
        return Page();
    }
}
