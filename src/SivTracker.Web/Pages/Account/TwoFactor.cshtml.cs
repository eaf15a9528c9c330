using System.Text;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Account;

/// <summary>Second factors: an authenticator app (TOTP), passkeys, and the recovery codes that stand in for either.</summary>
public class TwoFactor(UserManager<AppUser> users, SignInManager<AppUser> signIn, Audit audit) : PageModel
{
    public sealed record Command
    {
        public string Code { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Code).NotEmpty().WithMessage(T("Enter the 6-digit code your app shows."))
                .Matches(@"^[0-9 \-]{6,9}$").WithMessage(T("The code is 6 digits."));
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public bool IsEnabled { get; private set; }
    public int RecoveryCodesLeft { get; private set; }
    public string SharedKey { get; private set; } = "";
    public string QrCodeDataUri { get; private set; } = "";

    /// <summary>Shown once, right after they are made; never stored in a readable form.</summary>
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    [Audited(AuditActions.TwoFactorAuthenticatorReset)]
    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        await LoadAsync(user);
        return Page();
    }

    [Audited(AuditActions.TwoFactorEnabled, AuditActions.TwoFactorAuthenticatorReset)]
    public async Task<IActionResult> OnPostEnableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (!ModelState.Validate(new Validator(), Input))
        {
            await LoadAsync(user);
            return Page();
        }
        var code = Input.Code.Replace(" ", "").Replace("-", "");
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.AddModelError("Input.Code", T("That code is not right. Check the time on your phone and try the current code."));
            await LoadAsync(user);
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        await audit.RecordNowAsync(AuditActions.TwoFactorEnabled, "user", user.Id);
        NewRecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
        await signIn.RefreshSignInAsync(user);
        await LoadAsync(user);
        return Page();
    }

    /// <summary>Asked again before a factor is changed: a session left open on a shared computer must not be enough.</summary>
    [BindProperty]
    public string? CurrentPassword { get; set; }

    public static string PasswordNeeded => T("Enter your current password to change how you sign in.");

    /// <summary>Checks the password typed with a factor change; a wrong one counts toward the account's lockout like a sign-in.</summary>
    private async Task<bool> ConfirmedAsync(AppUser user)
    {
        if (!string.IsNullOrEmpty(CurrentPassword) && !await users.IsLockedOutAsync(user) && await users.CheckPasswordAsync(user, CurrentPassword))
        {
            await users.ResetAccessFailedCountAsync(user);
            return true;
        }
        if (!string.IsNullOrEmpty(CurrentPassword))
        {
            await audit.RecordNowAsync(AuditActions.TwoFactorChangeRefused, "user", user.Id);
            await users.AccessFailedAsync(user);
        }
        ModelState.AddModelError(nameof(CurrentPassword), PasswordNeeded);
        await LoadAsync(user);
        return false;
    }

    /// <summary>A passkey's name as the user gives it, to tell their devices apart.</summary>
    [BindProperty]
    public string? PasskeyName { get; set; }

    /// <summary>The browser's answer to the passkey prompt, as JSON.</summary>
    [BindProperty]
    public string? CredentialJson { get; set; }

    /// <summary>Which passkey to remove: its credential id, base64url.</summary>
    [BindProperty]
    public string? CredentialId { get; set; }

    public IReadOnlyList<UserPasskeyInfo> Passkeys { get; private set; } = [];

    // Made per request, so its messages are in the reader's language.
    private static InlineValidator<string> PasskeyNameRules => new()
    {
        v => v.RuleFor(name => name).NotEmpty().WithMessage(T("Name the passkey, for example \"work laptop\", to tell your devices apart."))
            .PlainText(60),
    };

    [NotAudited("Options for the browser's passkey prompt; nothing is stored until the passkey is added.")]
    public async Task<IActionResult> OnPostPasskeyOptionsAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        var options = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
        {
            Id = user.Id.ToString(), Name = user.Email ?? user.Id.ToString(), DisplayName = user.DisplayName,
        });
        return Content(options, "application/json");
    }

    /// <summary>Adding a factor asks for the password too: a session left open must not let someone enrol their own key.</summary>
    [Audited(AuditActions.PasskeyAdded, AuditActions.TwoFactorChangeRefused, AuditActions.TwoFactorAuthenticatorReset)]
    public async Task<IActionResult> OnPostAddPasskeyAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        var name = PasskeyName?.Trim() ?? "";
        if (!ModelState.Validate(PasskeyNameRules, name, nameof(PasskeyName)))
        {
            await LoadAsync(user);
            return Page();
        }
        if (!await ConfirmedAsync(user)) return Page();
        var attestation = string.IsNullOrEmpty(CredentialJson) ? null : await signIn.PerformPasskeyAttestationAsync(CredentialJson);
        if (attestation is not { Succeeded: true } || attestation.UserEntity.Id != user.Id.ToString())
        {
            ModelState.AddModelError(nameof(PasskeyName), attestation?.Failure?.Message is { } why
                ? T("The passkey was not added: {0}", why)
                : T("The passkey was not added. Use the button, and follow your browser's prompt."));
            await LoadAsync(user);
            return Page();
        }
        attestation.Passkey.Name = name;
        await users.AddOrUpdatePasskeyAsync(user, attestation.Passkey);
        await audit.RecordNowAsync(AuditActions.PasskeyAdded, "user", user.Id, $"name={name}");
        // Someone whose only factor is a passkey still needs a way in when the device is lost.
        if (await users.CountRecoveryCodesAsync(user) == 0)
        {
            NewRecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
        }
        await signIn.RefreshSignInAsync(user);
        TempData["Flash"] = T("Passkey \"{0}\" added.", name);
        if (NewRecoveryCodes.Count > 0)
        {
            PasskeyName = null;
            await LoadAsync(user);
            return Page();
        }
        return RedirectToPage();
    }

    [Audited(AuditActions.PasskeyRemoved, AuditActions.TwoFactorChangeRefused, AuditActions.TwoFactorAuthenticatorReset)]
    public async Task<IActionResult> OnPostRemovePasskeyAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (!await ConfirmedAsync(user)) return Page();
        byte[] id;
        try
        {
            id = System.Buffers.Text.Base64Url.DecodeFromChars(CredentialId ?? "");
        }
        catch (FormatException)
        {
            return BadRequest();
        }
        if (await users.GetPasskeyAsync(user, id) is not { } passkey) return NotFound();
        await users.RemovePasskeyAsync(user, id);
        await audit.RecordNowAsync(AuditActions.PasskeyRemoved, "user", user.Id, $"name={passkey.Name}");
        await signIn.RefreshSignInAsync(user);
        TempData["Flash"] = T("Passkey \"{0}\" removed.", passkey.Name);
        return RedirectToPage();
    }

    [Audited(AuditActions.TwoFactorRecoveryCodesRegenerated, AuditActions.TwoFactorChangeRefused, AuditActions.TwoFactorAuthenticatorReset)]
    public async Task<IActionResult> OnPostRecoveryCodesAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (!await ConfirmedAsync(user)) return Page();
        if (await users.GetTwoFactorEnabledAsync(user) || (await users.GetPasskeysAsync(user)).Count > 0)
        {
            NewRecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
            await audit.RecordNowAsync(AuditActions.TwoFactorRecoveryCodesRegenerated, "user", user.Id, $"codes={NewRecoveryCodes.Count}");
        }
        await LoadAsync(user);
        return Page();
    }

    [Audited(AuditActions.TwoFactorDisabled, AuditActions.TwoFactorChangeRefused, AuditActions.TwoFactorAuthenticatorReset)]
    public async Task<IActionResult> OnPostDisableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (!await ConfirmedAsync(user)) return Page();
        await users.SetTwoFactorEnabledAsync(user, false);
        await audit.RecordNowAsync(AuditActions.TwoFactorDisabled, "user", user.Id, "authenticator key discarded");
        await users.ResetAuthenticatorKeyAsync(user);
        await signIn.RefreshSignInAsync(user);
        TempData["Flash"] = T("Two-factor sign-in is off. Turn it back on soon: it protects the people in your cases.");
        return RedirectToPage();
    }

    private async Task LoadAsync(AppUser user)
    {
        IsEnabled = await users.GetTwoFactorEnabledAsync(user);
        Passkeys = [.. await users.GetPasskeysAsync(user)];
        RecoveryCodesLeft = IsEnabled || Passkeys.Count > 0 ? await users.CountRecoveryCodesAsync(user) : 0;
        if (IsEnabled) return;
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            await audit.RecordNowAsync(AuditActions.TwoFactorAuthenticatorReset, "user", user.Id);
            // A new key renews the security stamp, which ends every session still carrying the old one: keep this one.
            await signIn.RefreshSignInAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user) ?? "";
        }
        SharedKey = FormatKey(key);
        var uri = $"otpauth://totp/SivTracker:{Uri.EscapeDataString(user.Email ?? "")}?secret={key}&issuer=SivTracker&digits=6";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    private static string FormatKey(string key)
    {
        var formatted = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            formatted.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }
        return formatted.ToString().TrimEnd().ToLowerInvariant();
    }
}
