using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Portal;

/// <summary>
/// An organisation's public intake form (/Portal/Intake?o=slug), open only when its admin opened it: a person not yet
/// known sends who they are, how to reach them and their service, then may attach documents. No third-party CAPTCHA:
/// the page's proof of work and a per-address rate limit keep scripts out. What it shows back is only what was typed.
/// </summary>
[EnableRateLimiting(RateLimits.Intake)]
public class Intake(AppDbContext db, Applicants.Intake.Handler handler, IntakeSettings settings, IDataProtectionProvider protection) : PageModel
{
    /// <summary>How long a challenge, and then the permission to attach files to the request it sent, lasts.</summary>
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromHours(1);

    public static ITimeLimitedDataProtector Protector(IDataProtectionProvider protection, string purpose) =>
        protection.CreateProtector("SivTracker.Intake").CreateProtector(purpose).ToTimeLimitedDataProtector();

    [BindProperty(SupportsGet = true, Name = "o")]
    public string? Slug { get; set; }

    [BindProperty]
    public Applicants.Intake.HelpRequest Input { get; set; } = new();

    [BindProperty]
    public string? ProofChallenge { get; set; }

    [BindProperty]
    public string? Nonce { get; set; }

    public string OrganisationName { get; private set; } = "";
    public int ProofBits => settings.ProofBits;

    /// <summary>After a request is filed: the token that lets this browser attach files to it for a while.</summary>
    public string? AttachToken { get; private set; }

    [NotAudited("The empty form: the organisation's name and a challenge, nothing about anyone.")]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await OrganisationAsync(ct) is not { } organisationId) return NotFound();
        NewChallenge(organisationId);
        return Page();
    }

    [Audited(AuditActions.IntakeSubmitted)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await OrganisationAsync(ct) is not { } organisationId) return NotFound();
        // The challenge is this organisation's, this hour's, and worked for; a replayed one meets the unique proof hash.
        string? challenge = null;
        try
        {
            challenge = Protector(protection, "challenge").Unprotect(ProofChallenge ?? "");
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
        }
        if (challenge?.StartsWith($"{organisationId:N}:", StringComparison.Ordinal) != true || !IntakeProof.Holds(ProofChallenge!, Nonce, settings.ProofBits))
        {
            ModelState.AddModelError("", T("The form could not be checked. Send it again from this page; it needs a moment of work from your browser."));
            NewChallenge(organisationId);
            return Page();
        }
        if (!ModelState.IsValid)
        {
            NewChallenge(organisationId);
            return Page();
        }
        var (id, errors) = await handler.SubmitAsync(organisationId, Input, IntakeProof.Hash(ProofChallenge!), ct);
        if (id is null)
        {
            ModelState.AddErrors(errors);
            NewChallenge(organisationId);
            return Page();
        }
        AttachToken = Protector(protection, "attach").Protect(id.Value.ToString(), ChallengeLifetime);
        return Page();
    }

    private void NewChallenge(Guid organisationId)
    {
        ProofChallenge = Protector(protection, "challenge").Protect($"{organisationId:N}:{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))}",
            ChallengeLifetime);
        Nonce = null;
        ModelState.Remove(nameof(ProofChallenge));
        ModelState.Remove(nameof(Nonce));
    }

    private async Task<Guid?> OrganisationAsync(CancellationToken ct)
    {
        var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == Slug && o.IntakeOpen, ct);
        if (organisation is null) return null;
        OrganisationName = organisation.Name;
        return organisation.Id;
    }
}
