using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Cases;

/// <summary>Case numbers (kept with history), caseworker and priority; the high-risk flag for admins.</summary>
public class Settings(AppDbContext db, Settings.Handler handler, Audit audit, ILogger<Settings> logger) : PageModel
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
            RuleFor(c => c.Number).NotEmpty().WithMessage(T("Enter the number.")).PlainText(40)
                .Must(Identifiers.IsCaseNumber).When(c => !string.IsNullOrWhiteSpace(c.Number))
                .WithMessage(c => c.Kind == CaseNumberKind.NvcCase ? T("An NVC case number is 3 letters and 10 digits, e.g. KBL2017456789.") : T("A USCIS receipt number is 3 letters and 10 digits, e.g. IOE0912345678."));
            RuleFor(c => c.AssignedOn).LessThanOrEqualTo(today).When(c => c.AssignedOn is not null).WithMessage(T("The date cannot be in the future."));
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

    public enum Outcome { Done, Conflict, NotFound, Refused }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors);

    /// <summary>
    /// A case's numbers, caseworker, priority and high-risk mark for the pages and the API. Numbers keep their history;
    /// the other settings carry the case's row version, so a stale form conflicts instead of undoing a newer change.
    /// </summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, ClockRecompute clocks, Audit audit)
    {
        public async Task<Result> AddNumberAsync(Guid caseId, NumberCommand command, Guid? userId, CancellationToken ct)
        {
            var organisationId = await db.Cases.Where(c => c.Id == caseId).Select(c => (Guid?)c.OrganisationId).FirstOrDefaultAsync(ct);
            if (organisationId is null) return new Result(Outcome.NotFound, []);
            var validation = new NumberValidator(await calendar.TodayAsync(ct)).Validate(command);
            if (!validation.IsValid) return Refused(validation.ToFieldErrors());
            var number = Identifiers.Compact(command.Number);
            // Cases move between posts: the old number stays, marked earlier, so searches by it still find the case.
            await db.CaseNumbers.Where(n => n.CaseId == caseId && n.Kind == command.Kind && n.IsCurrent)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.IsCurrent, false), ct);
            var caseNumber = new CaseNumber { OrganisationId = organisationId.Value, CaseId = caseId, Kind = command.Kind, Number = number, AssignedOn = command.AssignedOn };
            caseNumber.RefreshLookups();
            db.CaseNumbers.Add(caseNumber);
            // The kind, never the number: a case number finds the family at the NVC or USCIS.
            audit.Record(AuditActions.CaseNumberAdded, "case", caseId, $"kind={command.Kind}", organisationId: organisationId, userId: userId);
            await db.SaveChangesAsync(ct);
            return new Result(Outcome.Done, []);
        }

        public async Task<Result> AssignAsync(Guid caseId, AssignCommand command, Guid? userId, CancellationToken ct)
        {
            var @case = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, ct);
            if (@case is null) return new Result(Outcome.NotFound, []);
            if (command.CaseworkerId is { } caseworker && !await db.Users.AnyAsync(u => u.Id == caseworker && u.OrganisationId == @case.OrganisationId, ct))
            {
                return Refused(new FieldError(nameof(AssignCommand.CaseworkerId), T("Choose a caseworker of your organisation.")));
            }
            db.Entry(@case).Property(c => c.Version).OriginalValue = command.Version;
            @case.CaseworkerId = command.CaseworkerId;
            @case.Priority = command.Priority;
            audit.Record(AuditActions.CaseAssigned, "case", caseId, $"caseworker={command.CaseworkerId?.ToString() ?? "none"}, priority={command.Priority}",
                organisationId: @case.OrganisationId, userId: userId);
            return await SaveAsync(@case, ct);
        }

        public async Task<Result> SetHighRiskAsync(Guid caseId, HighRiskCommand command, Guid? userId, CancellationToken ct)
        {
            var @case = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, ct);
            if (@case is null) return new Result(Outcome.NotFound, []);
            if (string.IsNullOrWhiteSpace(command.Reason))
            {
                return Refused(new FieldError(nameof(HighRiskCommand.Reason), T("Give the reason; it is kept with the case.")));
            }
            var validation = new InlineValidator<HighRiskCommand> { v => v.RuleFor(c => c.Reason).PlainText(1000, multiline: true) }.Validate(command);
            if (!validation.IsValid) return Refused(validation.ToFieldErrors());
            db.Entry(@case).Property(c => c.Version).OriginalValue = command.Version;
            @case.HighRisk = command.HighRisk;
            @case.HighRiskReason = command.Reason.Trim();
            // A high-risk case is counted but never flagged as a breach: the stored clock changes with the mark.
            await clocks.ApplyAsync(@case, ct);
            audit.Record(command.HighRisk ? AuditActions.CaseHighRiskSet : AuditActions.CaseHighRiskCleared, "case", caseId, organisationId: @case.OrganisationId, userId: userId);
            return await SaveAsync(@case, ct);
        }

        private async Task<Result> SaveAsync(Case @case, CancellationToken ct)
        {
            // Touching the row puts its version into the UPDATE even when the values come out the same, so a stale form
            // that happens to match the newer values still conflicts instead of reporting "saved".
            db.Entry(@case).Property(c => c.UpdatedAt).IsModified = true;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return new Result(Outcome.Conflict, []);
            }
            return new Result(Outcome.Done, []);
        }

        private static Result Refused(params FieldError[] errors) => new(Outcome.Refused, errors);
    }

    [BindProperty] public NumberCommand NumberInput { get; set; } = new();
    [BindProperty] public AssignCommand AssignInput { get; set; } = new();
    [BindProperty] public HighRiskCommand HighRiskInput { get; set; } = new();

    public Case Case { get; private set; } = null!;
    public IEnumerable<SelectListItem> Caseworkers { get; private set; } = [];
    public bool IsAdmin => User.IsInRole(Roles.Admin);

    [Audited(AuditActions.CaseSettingsViewed)]
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        AssignInput = new AssignCommand { CaseworkerId = Case.CaseworkerId, Priority = Case.Priority, Version = Case.Version };
        HighRiskInput = new HighRiskCommand { HighRisk = Case.HighRisk, Version = Case.Version };
        // Every case number the case has had, and the reason for a high-risk mark.
        await audit.RecordNowAsync(AuditActions.CaseSettingsViewed, "case", id, ct: ct);
        return Page();
    }

    [Audited(AuditActions.CaseNumberAdded)]
    public async Task<IActionResult> OnPostNumberAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        // A value the binder could not read (a malformed date or choice) stops here: the handler would see a default in its place.
        if (!ModelState.IsValid) return Page();
        var result = await handler.AddNumberAsync(id, NumberInput, User.UserId(), ct);
        if (result.Outcome == Outcome.NotFound) return NotFound();
        if (result.Outcome == Outcome.Refused)
        {
            ModelState.AddErrors(result.Errors, nameof(NumberInput));
            return Page();
        }
        logger.LogInformation("Case number added to case {CaseId} by {UserId}", id, User.UserId());
        TempData["Flash"] = T("Case number saved.");
        return RedirectToPage(new { id });
    }

    [Audited(AuditActions.CaseAssigned)]
    public async Task<IActionResult> OnPostAssignAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        return await ShowAsync(id, await handler.AssignAsync(id, AssignInput, User.UserId(), ct), nameof(AssignInput), T("Caseworker and priority saved."), ct);
    }

    /// <summary>Admins only: the statute lets national-security cases take longer, so these are counted but not flagged as breaches.</summary>
    [Audited(AuditActions.CaseHighRiskSet, AuditActions.CaseHighRiskCleared)]
    public async Task<IActionResult> OnPostHighRiskAsync(Guid id, CancellationToken ct)
    {
        if (!IsAdmin) return Forbid();
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!ModelState.IsValid) return Page();
        return await ShowAsync(id, await handler.SetHighRiskAsync(id, HighRiskInput, User.UserId(), ct), nameof(HighRiskInput),
            HighRiskInput.HighRisk ? T("Marked high-risk.") : T("High-risk mark removed."), ct);
    }

    private async Task<IActionResult> ShowAsync(Guid id, Result result, string prefix, string done, CancellationToken ct)
    {
        switch (result.Outcome)
        {
            case Outcome.NotFound:
                return NotFound();
            case Outcome.Refused:
                ModelState.AddErrors(result.Errors, prefix);
                return Page();
            case Outcome.Conflict:
                await LoadAsync(id, ct);
                ModelState.AddModelError(string.Empty, T("Someone else changed this case a moment ago. Nothing was saved; the page now shows their version."));
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
        var @case = await db.Cases.AsNoTracking().Include(c => c.CaseNumbers).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (@case is null) return false;
        Case = @case;
        Caseworkers = await Choices.UsersAsync(db, @case.OrganisationId, activeOnly: true, ct);
        return true;
    }
}
