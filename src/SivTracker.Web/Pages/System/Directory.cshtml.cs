using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Instance;

/// <summary>
/// The directory of organisations: which ones other organisations on this installation may see (by name and what they
/// do) and refer cases to. An organisation not listed is invisible to the others.
/// </summary>
public class Directory(AppDbContext db, Audit audit) : PageModel
{
    public sealed record Row(Guid Id, string Name, bool Listed, string? Description, bool AcceptsReferrals);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    [NotAudited("Organisations' names and directory entries: no case or personal data.")]
    public async Task OnGetAsync(CancellationToken ct) => Rows = await db.Organisations.AsNoTracking().OrderBy(o => o.Name)
        .Select(o => new Row(o.Id, o.Name, o.ListedInDirectory, o.DirectoryDescription, o.AcceptsReferrals)).ToListAsync(ct);

    [Audited(AuditActions.DirectoryChanged)]
    public async Task<IActionResult> OnPostAsync(Guid id, bool listed, string? description, bool acceptsReferrals, CancellationToken ct)
    {
        var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.Id == id, ct);
        if (organisation is null) return NotFound();
        if (description?.Trim().Length > 500 || Domain.TextSafety.FirstRefused(description) is not null || description?.Any(char.IsControl) == true)
        {
            ModelState.AddModelError($"description-{id}", T("Describe it in plain text, up to 500 characters."));
            await OnGetAsync(ct);
            return Page();
        }
        organisation.ListedInDirectory = listed;
        organisation.DirectoryDescription = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        // Only a listed organisation can be chosen, so taking referrals follows being listed.
        organisation.AcceptsReferrals = listed && acceptsReferrals;
        audit.Record(AuditActions.DirectoryChanged, "organisation", id, $"listed={organisation.ListedInDirectory}, accepts={organisation.AcceptsReferrals}", id);
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = T("Directory entry saved.");
        return RedirectToPage();
    }
}
