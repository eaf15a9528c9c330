using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Evidence;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages;

/// <summary>
/// A user's deadlines for their calendar service, found by the secret in the address alone (calendar services send no
/// sign-in). An unknown, replaced or revoked secret, or a disabled user, gets 404, the same as a page that never was.
/// </summary>
[EnableRateLimiting(RateLimits.Exports)]
public class CalendarFeed(AppDbContext db, Evidence.CalendarFeed feed, Audit audit, OrganisationCalendar calendar, TimeProvider time) : PageModel
{
    [Audited(AuditActions.CalendarFeedRead)]
    public async Task<IActionResult> OnGetAsync(string secret, CancellationToken ct)
    {
        var hash = Evidence.CalendarFeed.Hash(secret);
        var user = await db.Users.AsNoTracking().Where(u => u.CalendarFeedHash == hash && !u.IsDisabled && u.OrganisationId != null)
            .Select(u => new { u.Id, u.OrganisationId, u.Language }).FirstOrDefaultAsync(ct);
        if (user is null) return NotFound();
        db.OrganisationId = user.OrganisationId;
        if (Text.Find(user.Language) is { } language)
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language.Code);
        }
        var deadlines = await feed.DeadlinesAsync(user.Id, await calendar.TodayAsync(ct), ct);
        await audit.RecordNowAsync(AuditActions.CalendarFeedRead, "user", user.Id, $"events={deadlines.Count}", user.OrganisationId, user.Id, ct);
        Response.Headers.CacheControl = "no-store";
        return Content(feed.Ics(deadlines, time.GetUtcNow()), "text/calendar; charset=utf-8");
    }
}
