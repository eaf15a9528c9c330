using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Instance;

/// <summary>
/// The stage catalog: rename, reorder, change the clock owner. Codes never change. The catalog is shared by every
/// organisation, so it belongs to the system administrator; each change is audited and recomputes every clock.
/// </summary>
public class Stages(AppDbContext db, ClockRecomputeJobs jobs, Audit audit, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, ILogger<Stages> logger) : PageModel
{
    public sealed record Command
    {
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public string? NameDari { get; init; }
        public string? NamePashto { get; init; }
        public int SortOrder { get; init; }
        public ClockOwner ClockOwner { get; init; }
        public uint Version { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Name).NotEmpty().WithMessage(T("Enter the stage's name.")).PlainText(200);
            RuleFor(c => c.NameDari).PlainText(200);
            RuleFor(c => c.NamePashto).PlainText(200);
            RuleFor(c => c.SortOrder).InclusiveBetween(1, 10_000).WithMessage(T("Use an order from 1 to 10000."));
        }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public IReadOnlyList<Stage> Catalog { get; private set; } = [];

    /// <summary>Who holds the clock while a case is at a stage, as the admin reads it.</summary>
    public static string OwnerLabel(ClockOwner owner) => owner switch
    {
        ClockOwner.Government => T("Government"),
        ClockOwner.Applicant => T("Applicant"),
        ClockOwner.Stopped => T("Stopped"),
        _ => T("None"),
    };
    public ClockRecomputeJobs Jobs => jobs;

    [NotAudited("The stage catalog every organisation shares: no case or personal data.")]
    public async Task OnGetAsync(CancellationToken ct) => Catalog = await db.Stages.AsNoTracking().OrderBy(s => s.SortOrder).ToListAsync(ct);

    [Audited(AuditActions.StageCatalogChanged)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var stage = await db.Stages.FirstOrDefaultAsync(s => s.Code == Input.Code, ct);
        if (stage is null) return NotFound();
        if (!ModelState.Validate(new Validator(), Input, $"Input_{Input.Code}"))
        {
            await OnGetAsync(ct);
            return Page();
        }
        var changed = new List<string>();
        if (stage.Name != Input.Name.Trim()) changed.Add("name");
        var dari = string.IsNullOrWhiteSpace(Input.NameDari) ? null : Input.NameDari.Trim();
        var pashto = string.IsNullOrWhiteSpace(Input.NamePashto) ? null : Input.NamePashto.Trim();
        if (stage.NameDari != dari) changed.Add("Dari name");
        if (stage.NamePashto != pashto) changed.Add("Pashto name");
        if (stage.SortOrder != Input.SortOrder) changed.Add("order");
        if (stage.ClockOwner != Input.ClockOwner) changed.Add("clock owner");
        db.Entry(stage).Property(s => s.Version).OriginalValue = Input.Version;
        stage.Name = Input.Name.Trim();
        (stage.NameDari, stage.NamePashto) = (dari, pashto);
        stage.SortOrder = Input.SortOrder;
        stage.ClockOwner = Input.ClockOwner;
        audit.Record(AuditActions.StageCatalogChanged, "stage", stage.Code, changed.Count == 0 ? "no change" : string.Join(", ", changed));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError($"Input_{Input.Code}", T("Someone else changed this stage a moment ago. Nothing was saved; here is their version."));
            db.ChangeTracker.Clear();
            await OnGetAsync(ct);
            return Page();
        }
        logger.LogInformation("Stage {Code} changed ({Fields}) by {UserId}", stage.Code, string.Join(", ", changed), User.UserId());
        StageCatalogCache.Forget(cache);
        if (changed.Contains("clock owner") || changed.Contains("order"))
        {
            jobs.Request();
            TempData["Flash"] = T("Stage saved. Every case's clock is being recomputed; progress shows below.");
        }
        else
        {
            TempData["Flash"] = T("Stage saved.");
        }
        return RedirectToPage();
    }
}
