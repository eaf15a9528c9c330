using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Portal;

/// <summary>
/// An applicant signed in (by an invitation, or already by passphrase) chooses a passphrase, and is given a sign-in
/// number to come back with, so they need no new code from their caseworker each time. Only a hash is kept.
/// </summary>
public class Passphrase(AppDbContext db, Audit audit, PublicLinks links, TimeProvider time) : PageModel
{
    private static readonly PasswordHasher<PortalAccount> Hasher = new();

    public sealed record Answer
    {
        public string? Passphrase { get; init; }
        public string? Repeat { get; init; }
    }

    [BindProperty]
    public Answer Input { get; set; } = new();

    /// <summary>The number to sign in with: shown on the page after the passphrase is saved.</summary>
    public string? SignInNumber { get; private set; }

    public bool HasPassphrase { get; private set; }

    public string SignInLink => links.PortalSignIn();

    [NotAudited("The empty form: whether a passphrase exists, nothing else.")]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var personId = User.PortalPersonId();
        HasPassphrase = await db.PortalAccounts.AnyAsync(a => a.PersonId == personId && a.DisabledAt == null, ct);
    }

    [Audited(AuditActions.PortalPassphraseSet)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.PortalPersonId() is not { } personId || User.OrganisationId() is not { } organisationId) return NotFound();
        var passphrase = Input.Passphrase ?? "";
        if (passphrase.Trim().Length < PortalAccounts.MinPassphraseLength)
        {
            ModelState.AddModelError("Input.Passphrase", T("Use at least {0} characters: several words you will remember are best.", PortalAccounts.MinPassphraseLength));
        }
        else if (passphrase.Length > PortalAccounts.MaxPassphraseLength)
        {
            ModelState.AddModelError("Input.Passphrase", T("Use at most {0} characters.", PortalAccounts.MaxPassphraseLength));
        }
        else if (passphrase != Input.Repeat)
        {
            ModelState.AddModelError("Input.Repeat", T("The two passphrases are not the same."));
        }
        if (!ModelState.IsValid) return Page();
        var account = await db.PortalAccounts.FirstOrDefaultAsync(a => a.PersonId == personId, ct);
        if (account is null)
        {
            account = new PortalAccount { OrganisationId = organisationId, PersonId = personId, SignInNumber = await UnusedNumberAsync(ct), PassphraseHash = "", CreatedAt = time.GetUtcNow() };
            db.PortalAccounts.Add(account);
        }
        account.PassphraseHash = Hasher.HashPassword(account, passphrase);
        account.DisabledAt = null;
        account.FailedAttempts = 0;
        account.LockedUntil = null;
        audit.Record(AuditActions.PortalPassphraseSet, "person", personId, null, organisationId);
        await db.SaveChangesAsync(ct);
        SignInNumber = account.SignInNumber;
        HasPassphrase = true;
        Input = new Answer();
        return Page();
    }

    /// <summary>Compared with the hash: true when it matches (the hash is renewed when Identity's format moves on).</summary>
    public static bool Matches(PortalAccount account, string? passphrase)
    {
        if (string.IsNullOrEmpty(passphrase)) return false;
        var result = Hasher.VerifyHashedPassword(account, account.PassphraseHash, passphrase);
        if (result == PasswordVerificationResult.SuccessRehashNeeded) account.PassphraseHash = Hasher.HashPassword(account, passphrase);
        return result != PasswordVerificationResult.Failed;
    }

    private async Task<string> UnusedNumberAsync(CancellationToken ct)
    {
        while (true)
        {
            var number = PortalAccounts.NewSignInNumber();
            if (!await db.PortalAccounts.IgnoreQueryFilters().AnyAsync(a => a.SignInNumber == number, ct)) return number;
        }
    }
}
