using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;
using ReferralPage = SivTracker.Web.Pages.Referrals.Index;

namespace SivTracker.Web.Pages.Cases;

/// <summary>Refer (a copy) or transfer (closing this case once accepted) a case to an organisation in the directory, with the applicant's consent.</summary>
public class Refer(AppDbContext db, ReferralPage.Handler handler, OrganisationCalendar calendar) : PageModel
{
    /// <summary>An organisation in the directory, with whether the applicant's consent on record covers it today.</summary>
    public sealed record Receiver(Guid Id, string Name, string? Description, bool Consented);

    /// <summary>A file that may go too, described by where it sits, never by its (sealed) name.</summary>
    public sealed record FileChoice(Guid Id, DocumentKind? ItemKind, PersonFileKind? PersonKind, long Size, DateTimeOffset UploadedAt);

    [BindProperty]
    public ReferralPage.SendCommand Input { get; set; } = new();

    public IReadOnlyList<FileChoice> Files { get; private set; } = [];

    public Guid CaseId { get; private set; }
    public Guid PrincipalId { get; private set; }
    public string Reference { get; private set; } = "";
    public IReadOnlyList<Receiver> Receivers { get; private set; } = [];
    public IEnumerable<SelectListItem> Choices => Receivers.Select(r => new SelectListItem(r.Consented ? r.Name : T("{0} (no consent on record)", r.Name), r.Id.ToString()));

    [NotAudited("The case reference, the directory of organisations and whether the applicant's consent covers each: no personal data.")]
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    [Audited(AuditActions.ReferralSent)]
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = ModelState.IsValid ? await handler.SendAsync(id, Input, User.UserId(), ct) : new ReferralPage.Result(ReferralPage.Outcome.Refused, []);
        if (result.Outcome == ReferralPage.Outcome.NotFound) return NotFound();
        if (result.Outcome == ReferralPage.Outcome.Done)
        {
            TempData["Flash"] = T("Sent: the case goes over when they accept it.");
            return RedirectToPage("./Details", new { id });
        }
        foreach (var error in result.Errors) ModelState.AddModelError($"{nameof(Input)}.{error.Field}", error.Message);
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Id, c.Reference, c.PrincipalId }).FirstOrDefaultAsync(ct);
        if (@case is null) return false;
        (CaseId, Reference, PrincipalId) = (@case.Id, @case.Reference, @case.PrincipalId);
        var family = db.Persons.Where(p => p.Id == @case.PrincipalId || p.PrincipalId == @case.PrincipalId).Select(p => p.Id);
        Files = await db.StoredFiles.AsNoTracking()
            .Where(f => f.DeletedAt == null && f.ReplacedById == null && (f.CaseId == id || f.CaseId == null && f.PersonId != null && family.Contains(f.PersonId.Value)))
            .OrderBy(f => f.CreatedAt)
            .Select(f => new FileChoice(f.Id, db.DocumentItems.Where(d => d.Id == f.DocumentItemId).Select(d => (DocumentKind?)d.Kind).FirstOrDefault(), f.PersonKind, f.Size, f.CreatedAt))
            .ToListAsync(ct);
        var today = await calendar.TodayAsync(ct);
        var consents = await db.Consents.AsNoTracking().Where(c => c.PersonId == @case.PrincipalId).ToListAsync(ct);
        Receivers = (await handler.Receivers(User.OrganisationId() ?? Guid.Empty).OrderBy(o => o.Name).Select(o => new { o.Id, o.Name, o.DirectoryDescription }).ToListAsync(ct))
            .Select(o => new Receiver(o.Id, o.Name, o.DirectoryDescription, consents.Any(c => c.CoversSharingWith(o.Id, today)))).ToList();
        return true;
    }
}
