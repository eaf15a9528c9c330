using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using SivTracker.Web.Pages.Cases;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Portal;

/// <summary>
/// A file the NGO asked the applicant for, sent from the portal (a phone's camera will do): sealed and typed by content
/// like any upload, placed on the requested checklist item and marked received from the applicant, not yet verified.
/// Only an item still requested, on the applicant's own family's case, takes a file.
/// </summary>
[IgnoreAntiforgeryToken(Order = 1001)]
[StreamedUpload]
public class Upload(AppDbContext db, Files.Handler files) : PageModel
{
    [NotAudited("Nothing to show: the forms are on the portal's status page.")]
    public IActionResult OnGet() => Redirect("/Portal");

    [Audited(AuditActions.PortalFileUploaded, AuditActions.CaseDocumentChanged)]
    public async Task<IActionResult> OnPostAsync([FromQuery] Guid itemId, CancellationToken ct)
    {
        var personId = User.PortalPersonId();
        var principalId = await db.Persons.Where(p => p.Id == personId).Select(p => p.PrincipalId ?? p.Id).FirstOrDefaultAsync(ct);
        var item = await db.DocumentItems.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == itemId && d.Status == DocumentStatus.Requested && db.Cases.Any(c => c.Id == d.CaseId && c.PrincipalId == principalId), ct);
        if (item is null) return NotFound();
        IActionResult Back(string message)
        {
            TempData["UploadError"] = message;
            TempData["UploadErrorItem"] = item.Id.ToString();
            return Redirect("/Portal");
        }
        return await StreamedForm.ReceiveAsync(HttpContext, async (_, name, body) =>
        {
            if (await files.StoreOnItemAsync(item.CaseId, item, null, name, body, null, fromApplicant: true, ct) is { } refusal) return Back(refusal);
            TempData["Flash"] = T("{0}: received. Your caseworker will check it.", Checklist.Label(item.Kind));
            return Redirect("/Portal");
        }, (_, message) => Back(message), ct);
    }
}
