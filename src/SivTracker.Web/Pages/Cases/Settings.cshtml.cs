using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Cases;

/// <summary>Case numbers (kept with history), caseworker and priority; the high-risk flag for admins.</summary>
public class Settings(AppDbContext db, OrganisationCalendar calendar, ClockRecompute clocks, TimeProvider time, ILogger<Settings> logger) : PageModel
{
    public sealed record NumberCommand
    {
        public CaseNumberKind Kind { get; init; }
        public string? Number { get; init; }
        public DateOnly? AssignedOn { get; init; }
    }

    public sealed class NumberValidator : AbstractValidator<NumberCommand>
    {
        public NumberValidator(DateOnly today)
        {
            RuleFor(c => c.Number).NotEmpty().WithMessage("Enter the number.").PlainText(40)
                .Must(Identifiers.IsCaseNumber).When(c => !string.IsNullOrWhiteSpace(c.Number))
                .WithMessage(c => c.Kind == CaseNumberKind.NvcCase ? "An NVC case number is 3 letters and 10 digits, e.g. KBL2017456789." : "A USCIS receipt number is 3 letters and 10 digits, e.g. IOE0912345678.");
            RuleFor(c => c.AssignedOn).LessThanOrEqualTo(today).When(c => c.AssignedOn is not null).WithMessage("The date cannot be in the future.");
        }
    }

    public sealed record AssignCommand
    {
        public Guid? CaseworkerId { get; init; }
        public CasePriority Priority { get; init; }
        public uint Version { get; init; }
    }

    public sealed record HighRiskCommand
    {
        public bool HighRisk { get; init; }
        public string? Reason { get; init; }
        public uint Version { get; init; }
    }

    [BindProperty] public NumberCommand NumberInput { get; set; } = new();
    [BindProperty] public AssignCommand AssignInput { get; set; } = new();
    [BindProperty] public HighRiskCommand HighRiskInput { get; set; } = new();

    public Case Case { get; private set; } = null!;
    public IEnumerable<SelectListItem> Caseworkers { get; private set; } = [];
    public bool IsAdmin => User.IsInRole(Roles.Admin);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        AssignInput = new AssignCommand { CaseworkerId = Case.CaseworkerId, Priority = Case.Priority, Version = Case.Version };
        HighRiskInput = new HighRiskCommand { HighRisk = Case.HighRisk, Version = Case.Version };
        return Page();
    }

    public async Task<IActionResult> OnPostNumberAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!ModelState.Validate(new NumberValidator(await calendar.TodayAsync(ct)), NumberInput, nameof(NumberInput))) return Page();
        var number = Identifiers.Compact(NumberInput.Number);
        // Cases move between posts: the old number stays, marked earlier, so searches by it still find the case.
        await db.CaseNumbers.Where(n => n.CaseId == id && n.Kind == NumberInput.Kind && n.IsCurrent)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.IsCurrent, false), ct);
        db.CaseNumbers.Add(new CaseNumber { OrganisationId = Case.OrganisationId, CaseId = id, Kind = NumberInput.Kind, Number = number, AssignedOn = NumberInput.AssignedOn });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Case number added to case {CaseId} by {UserId}", id, User.UserId());
        TempData["Flash"] = "Case number saved.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostAssignAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (AssignInput.CaseworkerId is { } caseworker && !await db.Users.AnyAsync(u => u.Id == caseworker && u.OrganisationId == Case.OrganisationId, ct))
        {
            ModelState.AddModelError("AssignInput.CaseworkerId", "Choose a caseworker of your organisation.");
            return Page();
        }
        db.Entry(Case).Property(c => c.Version).OriginalValue = AssignInput.Version;
        Case.CaseworkerId = AssignInput.CaseworkerId;
        Case.Priority = AssignInput.Priority;
        return await SaveAsync(id, "Caseworker and priority saved.", ct);
    }

    /// <summary>Admins only: the statute lets national-security cases take longer, so these are counted but not flagged as breaches.</summary>
    public async Task<IActionResult> OnPostHighRiskAsync(Guid id, CancellationToken ct)
    {
        if (!IsAdmin) return Forbid();
        if (!await LoadAsync(id, ct)) return NotFound();
        if (string.IsNullOrWhiteSpace(HighRiskInput.Reason))
        {
            ModelState.AddModelError("HighRiskInput.Reason", "Give the reason; it is kept with the case.");
            return Page();
        }
        if (!ModelState.Validate(new InlineValidator<HighRiskCommand> { v => v.RuleFor(c => c.Reason).PlainText(1000, multiline: true) }, HighRiskInput, nameof(HighRiskInput)))
        {
            return Page();
        }
        db.Entry(Case).Property(c => c.Version).OriginalValue = HighRiskInput.Version;
        Case.HighRisk = HighRiskInput.HighRisk;
        Case.HighRiskReason = HighRiskInput.Reason.Trim();
        await clocks.ApplyAsync(Case, ct);
        db.AuditEvents.Add(new AuditEvent
        {
            OrganisationId = Case.OrganisationId, At = time.GetUtcNow(), UserId = User.UserId(), Action = HighRiskInput.HighRisk ? "case.high-risk.set" : "case.high-risk.cleared",
            EntityType = "case", EntityId = id.ToString(),
        });
        return await SaveAsync(id, HighRiskInput.HighRisk ? "Marked high-risk." : "High-risk mark removed.", ct);
    }

    private async Task<IActionResult> SaveAsync(Guid id, string done, CancellationToken ct)
    {
        // Touching the row puts its version into the UPDATE even when the values come out the same, so a stale form
        // that happens to match the newer values still conflicts instead of reporting "saved".
        db.Entry(Case).Property(c => c.UpdatedAt).IsModified = true;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            await LoadAsync(id, ct);
            ModelState.AddModelError(string.Empty, "Someone else changed this case a moment ago. Nothing was saved; the page now shows their version.");
            AssignInput = new AssignCommand { CaseworkerId = Case.CaseworkerId, Priority = Case.Priority, Version = Case.Version };
            HighRiskInput = HighRiskInput with { Version = Case.Version };
            return Page();
        }
        logger.LogInformation("Settings of case {CaseId} changed by {UserId}", id, User.UserId());
        TempData["Flash"] = done;
        return RedirectToPage("./Details", new { id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var @case = await db.Cases.Include(c => c.CaseNumbers).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (@case is null) return false;
        Case = @case;
        Caseworkers = await Choices.UsersAsync(db, @case.OrganisationId, activeOnly: true, ct);
        return true;
    }
}
