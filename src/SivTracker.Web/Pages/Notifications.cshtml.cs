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

    [NotAudited("The user's own notices: case references and flag types, no personal data.")]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var userId = User.UserId();
        Rows = await db.Notifications.AsNoTracking().Where(n => n.UserId == userId).OrderByDescending(n => n.RaisedOn).ThenByDescending(n => n.Id).Take(200)
            .Select(n => new Row(n.Id, n.CaseId, db.Cases.Where(c => c.Id == n.CaseId).Select(c => c.Reference).First(), n.Type, n.RaisedOn, n.ReadAt != null))
            .ToListAsync(ct);
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
