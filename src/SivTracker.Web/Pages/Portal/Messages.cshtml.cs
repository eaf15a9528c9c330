using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Infrastructure;
using SivTracker.Web.Pages.Applicants;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Portal;

/// <summary>The applicant's own thread with their NGO: only theirs, whichever case or person an id might name.</summary>
public class Messages(Applicants.Messages.Handler handler) : PageModel
{
    [BindProperty]
    public string? Body { get; set; }

    public IReadOnlyList<Applicants.Messages.Entry> Thread { get; private set; } = [];

    [Audited(AuditActions.PortalMessagesViewed)]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (User.PortalPersonId() is not { } personId) return NotFound();
        Thread = await handler.ReadAsync(personId, byApplicant: true, ct);
        return Page();
    }

    [Audited(AuditActions.PortalMessageSent)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.PortalPersonId() is not { } personId) return NotFound();
        if (await handler.SendAsync(personId, fromApplicant: true, null, Body, ct) is { } error)
        {
            ModelState.AddModelError(nameof(Body), error.Message);
            Thread = await handler.ReadAsync(personId, byApplicant: true, ct);
            return Page();
        }
        TempData["Flash"] = T("Message sent to your caseworker.");
        return RedirectToPage();
    }
}
