using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Portal;

/// <summary>
/// What an applicant sees of their case: the step it is at in plain words, who it waits on, and what the NGO asked them
/// for. Only the case of the person the invitation named (as principal or family member), through the organisation's
/// data filter like every staff page.
/// </summary>
public class Index(AppDbContext db, Audit audit, OrganisationCalendar calendar) : PageModel
{
    public sealed record RequestedItem(Guid Id, DocumentKind Kind);

    public sealed record CaseView(string Reference, string StageName, ClockOwner Owner, ClockState ClockState, int GovernmentDays, int? LimitDays, IReadOnlyList<RequestedItem> Requested);

    public IReadOnlyList<CaseView> Cases { get; private set; } = [];
    public int UnreadMessages { get; private set; }
    public string? UploadError { get; private set; }
    public Guid? UploadErrorItem { get; private set; }

    /// <summary>The clock's owner without legal words: who has to act next.</summary>
    public static string WhoIsWaiting(ClockOwner owner) => owner switch
    {
        ClockOwner.Government => T("The U.S. government is working on this step. Nothing is needed from you now."),
        ClockOwner.Applicant => T("This step waits for you or your family: your caseworker will tell you what is needed."),
        ClockOwner.Stopped => T("This case has finished its steps."),
        _ => T("Your NGO is preparing your application with you."),
    };

    [Audited(AuditActions.PortalStatusViewed)]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var personId = User.PortalPersonId();
        var person = await db.Persons.AsNoTracking().Where(p => p.Id == personId).Select(p => new { p.Id, p.PrincipalId }).FirstOrDefaultAsync(ct);
        if (person is null) return;
        var principalId = person.PrincipalId ?? person.Id;
        var today = await calendar.TodayAsync(ct);
        var cases = await db.Cases.AsNoTracking().Where(c => c.PrincipalId == principalId)
            .Join(db.Stages, c => c.CurrentStageCode, s => s.Code, (c, s) => new { c.Id, c.Reference, s.Name, s.ClockOwner, c.ClockState,
                GovernmentDays = CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today), c.LimitDays })
            .ToListAsync(ct);
        var ids = cases.Select(c => c.Id).ToList();
        var requested = await db.DocumentItems.AsNoTracking().Where(d => ids.Contains(d.CaseId) && d.Status == DocumentStatus.Requested)
            .Select(d => new { d.CaseId, d.Id, d.Kind }).ToListAsync(ct);
        Cases = cases.Select(c => new CaseView(c.Reference, c.Name, c.ClockOwner, c.ClockState, c.GovernmentDays, c.LimitDays,
            requested.Where(r => r.CaseId == c.Id).OrderBy(r => (int)r.Kind).Select(r => new RequestedItem(r.Id, r.Kind)).ToList())).ToList();
        UnreadMessages = await db.PortalMessages.CountAsync(m => m.PersonId == person.Id && !m.FromApplicant && m.ReadAt == null, ct);
        UploadError = TempData["UploadError"] as string;
        // TempData hands a string that reads as a Guid back as a Guid.
        UploadErrorItem = Guid.TryParse(TempData["UploadErrorItem"]?.ToString(), out var failed) ? failed : null;
        audit.Record(AuditActions.PortalStatusViewed, "person", person.Id.ToString(), $"cases={Cases.Count}");
        await db.SaveChangesAsync(ct);
    }
}
