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
/// The applicant's way back in: their sign-in number and passphrase. A few wrong passphrases pause the number for a
/// while; every refusal reads the same, whether the number exists or not.
/// </summary>
[EnableRateLimiting(RateLimits.SignIn)]
public class SignIn(AppDbContext db, Audit audit, TimeProvider time) : PageModel
{
    public sealed record Answer
    {
        public string? Number { get; init; }
        public string? Passphrase { get; init; }
    }

    [BindProperty]
    public Answer Input { get; set; } = new();

    [NotAudited("The empty form: it shows nothing about anyone.")]
    public void OnGet()
    {
    }

    [Audited(AuditActions.PortalSignedIn, AuditActions.PortalSignInFailed)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var number = PortalAccounts.CleanNumber(Input.Number);
        // Before anyone is signed in no organisation is known: the number names the account, wherever it is.
        var account = await db.PortalAccounts.IgnoreQueryFilters().FirstOrDefaultAsync(a => a.SignInNumber == number && a.DisabledAt == null, ct);
        if (account is null || PortalAccounts.IsLocked(account, now)) return Refused();
        if (!Passphrase.Matches(account, Input.Passphrase))
        {
            // Counted in the database, so parallel guesses cannot all slip under the limit; the last one starts the pause.
            var attempts = await db.Database.SqlQuery<int>($"""
                update portal_accounts set failed_attempts = failed_attempts + 1 where id = {account.Id} returning failed_attempts as "Value"
                """).ToListAsync(ct);
            if (attempts is [>= PortalAccounts.MaxAttempts])
            {
                await db.PortalAccounts.IgnoreQueryFilters().Where(a => a.Id == account.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.LockedUntil, now + PortalAccounts.Lockout).SetProperty(a => a.FailedAttempts, 0), ct);
            }
            await audit.RecordNowAsync(AuditActions.PortalSignInFailed, "portal-account", account.Id.ToString(), $"attempt={attempts.FirstOrDefault()}", account.OrganisationId, null, ct);
            return Refused();
        }
        account.FailedAttempts = 0;
        audit.Record(AuditActions.PortalSignedIn, "person", account.PersonId.ToString(), "passphrase", account.OrganisationId, null);
        await db.SaveChangesAsync(ct);
        await PortalAuth.SignInAsync(HttpContext, account);
        return Redirect("/Portal");
    }

    private PageResult Refused()
    {
        ModelState.AddModelError(string.Empty, T("This number or passphrase does not work. After a few wrong tries, wait a quarter of an hour or ask your caseworker for a new link and code."));
        return Page();
    }
}
