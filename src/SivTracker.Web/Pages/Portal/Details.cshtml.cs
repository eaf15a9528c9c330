using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using SivTracker.Web.Pages.Applicants;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Portal;

/// <summary>
/// The details an applicant may correct: their numbers, email, where they are and how safe. What they send waits for
/// their caseworker (Applicants/Changes); the page shows what is waiting and what was turned down, and why.
/// </summary>
public class Details(AppDbContext db, Changes.Handler changes, Audit audit) : PageModel
{
    public sealed record Answer
    {
        public string? Phone { get; init; }
        public string? WhatsApp { get; init; }
        public string? Signal { get; init; }
        public string? Email { get; init; }
        public string? CurrentCountry { get; init; }
        public string? CurrentProvince { get; init; }
        public string? SafetyStatus { get; init; }

        public IReadOnlyDictionary<PortalField, string?> ByField() => new Dictionary<PortalField, string?>
        {
            [PortalField.Phone] = Phone, [PortalField.WhatsApp] = WhatsApp, [PortalField.Signal] = Signal, [PortalField.Email] = Email,
            [PortalField.CurrentCountry] = CurrentCountry, [PortalField.CurrentProvince] = CurrentProvince, [PortalField.SafetyStatus] = SafetyStatus,
        };
    }

    [BindProperty]
    public Answer Input { get; set; } = new();

    public IReadOnlyList<PortalChange> Waiting { get; private set; } = [];
    public IReadOnlyList<PortalChange> TurnedDown { get; private set; } = [];

    [Audited(AuditActions.PortalDetailsViewed)]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is not { } person) return NotFound();
        Input = new Answer
        {
            Phone = PortalCorrections.Current(person, PortalField.Phone), WhatsApp = PortalCorrections.Current(person, PortalField.WhatsApp),
            Signal = PortalCorrections.Current(person, PortalField.Signal), Email = PortalCorrections.Current(person, PortalField.Email),
            CurrentCountry = person.CurrentCountry, CurrentProvince = person.CurrentProvince, SafetyStatus = person.SafetyStatus.ToString(),
        };
        await audit.RecordNowAsync(AuditActions.PortalDetailsViewed, "person", person.Id, null, person.OrganisationId, ct: ct);
        return Page();
    }

    [Audited(AuditActions.PortalChangeSubmitted)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.PortalPersonId() is not { } personId) return NotFound();
        var result = await changes.SubmitAsync(personId, Input.ByField(), ct);
        if (result.Outcome == Changes.Outcome.NotFound) return NotFound();
        if (result.Outcome == Changes.Outcome.Refused)
        {
            ModelState.AddErrors(result.Errors);
            await LoadAsync(ct);
            return Page();
        }
        TempData["Flash"] = result.Submitted == 0 ? T("Nothing was different, so nothing was sent.")
            : T("Sent to your caseworker. Your details change once they have checked them.");
        return RedirectToPage();
    }

    private async Task<Person?> LoadAsync(CancellationToken ct)
    {
        var personId = User.PortalPersonId();
        var person = await db.Persons.AsNoTracking().Include(p => p.ContactChannels).FirstOrDefaultAsync(p => p.Id == personId && p.MergedIntoId == null, ct);
        if (person is null) return null;
        var recent = await db.PortalChanges.AsNoTracking().Where(c => c.PersonId == person.Id && (c.Decision == ChangeDecision.Pending || c.Decision == ChangeDecision.Rejected))
            .OrderByDescending(c => c.SubmittedAt).Take(20).ToListAsync(ct);
        Waiting = recent.Where(c => c.Decision == ChangeDecision.Pending).ToList();
        TurnedDown = recent.Where(c => c.Decision == ChangeDecision.Rejected).Take(5).ToList();
        return person;
    }
}
