using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Evidence;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Account;

/// <summary>A user's private calendar feed of their deadlines: turned on, given a new address, or turned off.</summary>
public class Calendar(AppDbContext db, PublicLinks links, Audit audit, TimeProvider time) : PageModel
{
    public DateTimeOffset? IssuedAt { get; private set; }

    /// <summary>The new address, shown once right after it is made: only its hash is kept.</summary>
    public string? Address { get; private set; }

    [NotAudited("Whether the user's own feed is on, and since when.")]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        IssuedAt = await db.Users.Where(u => u.Id == User.UserId()).Select(u => u.CalendarFeedIssuedAt).FirstOrDefaultAsync(ct);
        return Page();
    }

    /// <summary>Turns the feed on, or replaces its address: the old one answers 404 from now on.</summary>
    [Audited(AuditActions.CalendarFeedIssued)]
    public async Task<IActionResult> OnPostIssueAsync(CancellationToken ct)
    {
        var user = await db.Users.FirstAsync(u => u.Id == User.UserId(), ct);
        if (user.OrganisationId is null) return Forbid();
        var (secret, hash) = Evidence.CalendarFeed.NewSecret();
        var replaced = user.CalendarFeedHash is not null;
        user.CalendarFeedHash = hash;
        user.CalendarFeedIssuedAt = time.GetUtcNow();
        audit.Record(AuditActions.CalendarFeedIssued, "user", user.Id, replaced ? "address replaced" : "turned on");
        await db.SaveChangesAsync(ct);
        IssuedAt = user.CalendarFeedIssuedAt;
        Address = links.CalendarFeed(secret);
        return Page();
    }

    [Audited(AuditActions.CalendarFeedRevoked)]
    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        var user = await db.Users.FirstAsync(u => u.Id == User.UserId(), ct);
        if (user.CalendarFeedHash is not null)
        {
            user.CalendarFeedHash = null;
            user.CalendarFeedIssuedAt = null;
            audit.Record(AuditActions.CalendarFeedRevoked, "user", user.Id);
            await db.SaveChangesAsync(ct);
        }
        TempData["Flash"] = Domain.Text.T("The calendar feed is off; its address no longer answers.");
        return RedirectToPage();
    }
}
