using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages;

/// <summary>The signed-in user's notices of newly overdue and approaching cases.</summary>
public class NotificationsModel(AppDbContext db, TimeProvider time) : PageModel
{
    public sealed record Row(Guid Id, Guid CaseId, string Reference, FlagType Type, DateOnly RaisedOn, bool Read);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    /// <summary>A person whose applicant sent messages or changes not yet seen: named by their case's reference, not their name.</summary>
    public sealed record FromApplicant(Guid PersonId, string? Reference, int Messages, int Changes);

    public IReadOnlyList<FromApplicant> FromApplicants { get; private set; } = [];

    /// <summary>Requests from the public intake form waiting for a caseworker.</summary>
    public int IntakeWaiting { get; private set; }

    /// <summary>For admins: subscriptions the sender paused because their receiver kept failing.</summary>
    public int PausedWebhooks { get; private set; }

    [NotAudited("The user's own notices: case references and flag types, no personal data.")]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var userId = User.UserId();
        Rows = await db.Notifications.AsNoTracking().Where(n => n.UserId == userId).OrderByDescending(n => n.RaisedOn).ThenByDescending(n => n.Id).Take(200)
            .Select(n => new Row(n.Id, n.CaseId, db.Cases.Where(c => c.Id == n.CaseId).Select(c => c.Reference).First(), n.Type, n.RaisedOn, n.ReadAt != null))
            .ToListAsync(ct);
        if (User.IsInRole(Data.Roles.Caseworker) || User.IsInRole(Data.Roles.Admin))
        {
            FromApplicants = await FromApplicantsAsync(userId, User.IsInRole(Data.Roles.Admin), ct);
            IntakeWaiting = await db.IntakeSubmissions.CountAsync(s => s.Status == IntakeStatus.Pending, ct);
        }
        if (User.IsInRole(Data.Roles.Admin))
        {
            PausedWebhooks = await db.WebhookSubscriptions.CountAsync(s => s.PausedAt != null && s.PauseReason != Admin.WebhooksModel.PausedByAdmin, ct);
        }
    }

    /// <summary>
    /// Unread applicant messages and changes waiting for review: a caseworker hears of their own cases' applicants and
    /// of those whose case has no caseworker; an admin of all.
    /// </summary>
    private async Task<IReadOnlyList<FromApplicant>> FromApplicantsAsync(Guid? userId, bool all, CancellationToken ct)
    {
        var messages = db.PortalMessages.Where(m => m.FromApplicant && m.ReadAt == null).Select(m => new { m.PersonId, Message = 1, Change = 0 });
        var changes = db.PortalChanges.Where(c => c.Decision == ChangeDecision.Pending).Select(c => new { c.PersonId, Message = 0, Change = 1 });
        var waiting = await messages.Concat(changes)
            .Join(db.Persons, w => w.PersonId, p => p.Id, (w, p) => new { w.PersonId, w.Message, w.Change, PrincipalId = p.PrincipalId ?? p.Id })
            .Where(w => all || db.Cases.Any(c => c.PrincipalId == w.PrincipalId && c.CaseworkerId == userId)
                || !db.Cases.Any(c => c.PrincipalId == w.PrincipalId && c.CaseworkerId != null))
            .GroupBy(w => new { w.PersonId, w.PrincipalId })
            .Select(g => new
            {
                g.Key.PersonId, Messages = g.Sum(w => w.Message), Changes = g.Sum(w => w.Change),
                Reference = db.Cases.Where(c => c.PrincipalId == g.Key.PrincipalId).OrderByDescending(c => c.CreatedAt).Select(c => c.Reference).FirstOrDefault(),
            })
            .Take(200).ToListAsync(ct);
        return waiting.Select(w => new FromApplicant(w.PersonId, w.Reference, w.Messages, w.Changes)).OrderBy(w => w.Reference).ToList();
    }

    [NotAudited("Marks the user's own notices read; no case or person changes.")]
    public async Task<IActionResult> OnPostMarkAllReadAsync(CancellationToken ct)
    {
        var userId = User.UserId();
        var now = time.GetUtcNow();
        await db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        TempData["Flash"] = T("All notifications marked as read.");
        return RedirectToPage();
    }
}
