using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Admin;

/// <summary>The organisation's API tokens: make one (its secret shown once), see which are in use, revoke one.</summary>
public class ApiAccess(AppDbContext db, Audit audit, TimeProvider time) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public List<string> Scopes { get; set; } = [];

    [BindProperty]
    public int Days { get; set; } = ApiTokens.DefaultLifetimeDays;

    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];
    public string? Secret { get; private set; }
    public DateTimeOffset Now { get; private set; }

    [NotAudited("Token names, scopes and dates: no personal data, and no secret.")]
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    [Audited(AuditActions.ApiTokenCreated)]
    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (ApiTokens.Problem(Name, Scopes, Days) is { } problem)
        {
            ModelState.AddModelError(nameof(Name), problem);
            await LoadAsync(ct);
            return Page();
        }
        var (token, secret) = ApiTokens.Create(User.OrganisationId()!.Value, Name!, Scopes, Days, time.GetUtcNow(), User.UserId());
        db.ApiTokens.Add(token);
        audit.Record(AuditActions.ApiTokenCreated, "api-token", token.Id, $"scopes: {string.Join(", ", token.Scopes)}");
        await db.SaveChangesAsync(ct);
        Secret = secret;
        Name = null;
        Scopes = [];
        ModelState.Clear();
        await LoadAsync(ct);
        return Page();
    }

    [Audited(AuditActions.ApiTokenRevoked)]
    public async Task<IActionResult> OnPostRevokeAsync(Guid tokenId, CancellationToken ct)
    {
        if (await db.ApiTokens.Where(t => t.Id == tokenId && t.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, time.GetUtcNow()), ct) == 0)
        {
            return NotFound();
        }
        audit.Record(AuditActions.ApiTokenRevoked, "api-token", tokenId);
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = T("Token revoked: it opens nothing from now on.");
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = time.GetUtcNow();
        Tokens = await db.ApiTokens.AsNoTracking().OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
    }
}
