using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Admin;

/// <summary>Opens or closes the organisation's public intake form, and gives its address to publish.</summary>
public class Intake(AppDbContext db, Audit audit, PublicLinks links) : PageModel
{
    public bool IsOpen { get; private set; }
    public string Link { get; private set; } = "";

    [NotAudited("Whether the form is open and its address: nothing about anyone.")]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    [Audited(AuditActions.IntakeSwitched)]
    public async Task<IActionResult> OnPostAsync(bool open, CancellationToken ct)
    {
        var organisationId = User.OrganisationId();
        if (await db.Organisations.Where(o => o.Id == organisationId).ExecuteUpdateAsync(s => s.SetProperty(o => o.IntakeOpen, open), ct) == 0) return NotFound();
        audit.Record(AuditActions.IntakeSwitched, "organisation", organisationId, open ? "opened" : "closed");
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = open ? T("The intake form is open: publish its address where people who need help will find it.") : T("The intake form is closed.");
        return RedirectToPage();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var organisationId = User.OrganisationId();
        var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organisationId, ct);
        if (organisation is null) return false;
        IsOpen = organisation.IntakeOpen;
        Link = links.PortalIntake(organisation.Slug);
        return true;
    }
}
