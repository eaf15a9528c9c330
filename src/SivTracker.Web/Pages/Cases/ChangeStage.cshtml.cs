using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Cases;

/// <summary>
/// Records a stage change, or corrects or voids an earlier one. History is never edited in place: a correction voids
/// the wrong event and records the right one; a voided event stays visible. The stored clock is recomputed in the
/// same transaction, and the case's row version makes two simultaneous changes conflict instead of both landing.
/// </summary>
public class ChangeStage(AppDbContext db, OrganisationCalendar calendar, ClockRecompute clocks, TimeProvider time, Audit audit, ILogger<ChangeStage> logger) : PageModel
{
    public sealed record Command
    {
        public string? To { get; init; }
        public DateOnly? EffectiveOn { get; init; }
        public string? Note { get; init; }
        public string? Reason { get; init; }

        /// <summary>Set when this replaces an earlier event.</summary>
        public Guid? Corrects { get; init; }

        /// <summary>Made when the form is shown: a second submit of the same form records nothing more.</summary>
        public Guid IdempotencyKey { get; init; }

        public uint Version { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.To).NotEmpty().WithMessage("Choose the stage the case moved to.");
            RuleFor(c => c.EffectiveOn).NotNull().WithMessage("Enter the date it happened (it may be long ago).");
            RuleFor(c => c.Note).PlainText(4000, multiline: true);
            RuleFor(c => c.Reason).PlainText(1000, multiline: true);
            RuleFor(c => c.IdempotencyKey).NotEmpty().WithMessage("Reload the page and try again.");
        }
    }

    public sealed record VoidCommand
    {
        public Guid EventId { get; init; }
        public string? Reason { get; init; }
        public uint Version { get; init; }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    [BindProperty]
    public VoidCommand VoidInput { get; set; } = new();

    public Case Case { get; private set; } = null!;
    public IReadOnlyDictionary<string, Stage> Catalog { get; private set; } = new Dictionary<string, Stage>();
    public IReadOnlyList<StageRules.Move> Moves { get; private set; } = [];
    public StageEvent? Correcting { get; private set; }
    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? to, DateOnly? on, Guid? correct, CancellationToken ct)
    {
        if (!await LoadAsync(id, correct, ct)) return NotFound();
        Input = new Command
        {
            To = Correcting?.ToStageCode ?? to, EffectiveOn = Correcting?.EffectiveOn ?? on ?? Today, Corrects = Correcting?.Id,
            IdempotencyKey = Guid.NewGuid(), Version = Case.Version,
        };
        VoidInput = new VoidCommand { EventId = Correcting?.Id ?? Guid.Empty, Version = Case.Version };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, Input.Corrects, ct)) return NotFound();
        if (Input.IdempotencyKey != Guid.Empty && await db.StageEvents.AnyAsync(e => e.IdempotencyKey == Input.IdempotencyKey, ct))
        {
            return AlreadyRecorded(id);
        }
        if (!ModelState.Validate(new Validator(), Input)) return Page();
        // A form made before someone else's change is judged against what it was made from, not against today's case.
        if (Input.Version != Case.Version) return await ConflictAsync(id, ct);
        if (Input.Corrects is not null && Correcting is null)
        {
            ModelState.AddModelError(string.Empty, "The event to correct is not on this case, or it was voided already.");
            return Page();
        }

        var events = await db.StageEvents.Where(e => e.CaseId == id).ToListAsync(ct);
        var live = StatutoryClock.InOrder(events.Where(e => !e.IsVoided && e.Id != Correcting?.Id), Catalog);
        var reason = string.IsNullOrWhiteSpace(Input.Reason) ? null : Input.Reason.Trim();
        // The opening event dates the record, not the process: history from before it may still be logged.
        var previous = live.LastOrDefault(e => e.FromStageCode is not null)?.EffectiveOn;
        var error = StageRules.CheckDate(Input.EffectiveOn!.Value, Today, previous, isCorrection: Correcting is not null)
            ?? (Correcting is not null
                ? (Catalog.TryGetValue(Input.To!, out var stage) && stage.IsIn(Case.StepModel) ? null : new StageChangeError.NotInStepModel(Input.To!, Case.StepModel))
                : StageRules.Check(Catalog, Case.StepModel, Case.CurrentStageCode, Input.To!, reason is not null,
                    hadAppeal: live.Any(e => e.ToStageCode == StageCatalog.ComAppeal)));
        if (error is not null)
        {
            // The history was read after the case row; if someone changed the case in between, the rule broken may be
            // theirs, not this form's: say so as the conflict it is.
            if (await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => c.Version).FirstAsync(ct) != Input.Version) return await ConflictAsync(id, ct);
            ModelState.AddModelError(error is StageChangeError.DateInFuture or StageChangeError.DateBeforePrevious ? "Input.EffectiveOn" : "Input.To", error.Message);
            return Page();
        }
        if (Correcting is not null && reason is null)
        {
            ModelState.AddModelError("Input.Reason", "Say why the earlier event was wrong.");
            return Page();
        }

        var now = time.GetUtcNow();
        if (Correcting is not null)
        {
            Correcting.VoidedAt = now;
            Correcting.VoidedById = User.UserId();
            Correcting.VoidReason = $"Corrected: {reason}";
        }
        db.StageEvents.Add(new StageEvent
        {
            OrganisationId = Case.OrganisationId, CaseId = id, FromStageCode = Correcting?.FromStageCode ?? Case.CurrentStageCode, ToStageCode = Input.To!,
            EffectiveOn = Input.EffectiveOn.Value, RecordedAt = now, RecordedById = User.UserId(), Note = Blank(Input.Note), Reason = reason,
            CorrectsEventId = Correcting?.Id, IdempotencyKey = Input.IdempotencyKey,
        });
        return await SaveAsync(id, Input.Version, Correcting is null ? "Stage change recorded." : "Event corrected.", ct);
    }

    public async Task<IActionResult> OnPostVoidAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, VoidInput.EventId, ct)) return NotFound();
        if (Correcting is null) return NotFound();
        if (string.IsNullOrWhiteSpace(VoidInput.Reason))
        {
            ModelState.AddModelError("VoidInput.Reason", "Say why this event is void.");
            return Page();
        }
        if (!ModelState.Validate(new InlineValidator<string?> { v => v.RuleFor(x => x).PlainText(1000, multiline: true) }, VoidInput.Reason, "VoidInput.Reason"))
        {
            return Page();
        }
        Correcting.VoidedAt = time.GetUtcNow();
        Correcting.VoidedById = User.UserId();
        Correcting.VoidReason = VoidInput.Reason.Trim();
        return await SaveAsync(id, VoidInput.Version, "Event voided. It stays in the timeline, struck through.", ct);
    }

    private async Task<IActionResult> SaveAsync(Guid id, uint version, string done, CancellationToken ct)
    {
        db.Entry(Case).Property(c => c.Version).OriginalValue = version;
        await clocks.ApplyAsync(Case, ct);
        // Touching the row makes its version part of the UPDATE even when the stage and clock come out the same.
        db.Entry(Case).Property(c => c.UpdatedAt).IsModified = true;
        audit.Record("case.history-changed", "case", id, done);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ConflictAsync(id, ct);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: var name } && name!.Contains("idempotency"))
        {
            return AlreadyRecorded(id);
        }
        logger.LogInformation("Stage history of case {CaseId} changed by {UserId}", id, User.UserId());
        TempData["Flash"] = done;
        return RedirectToPage("./Details", new { id });
    }

    private async Task<IActionResult> ConflictAsync(Guid id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await LoadAsync(id, null, ct);
        Input = Input with { Version = Case.Version, IdempotencyKey = Guid.NewGuid() };
        ModelState.Clear();
        ModelState.AddModelError(string.Empty, "Someone else recorded a change on this case at the same moment. Nothing of yours was saved: check the timeline, then submit again if your change still applies.");
        return Page();
    }

    private RedirectToPageResult AlreadyRecorded(Guid id)
    {
        TempData["Flash"] = "That change was already recorded.";
        return RedirectToPage("./Details", new { id });
    }

    private async Task<bool> LoadAsync(Guid id, Guid? correct, CancellationToken ct)
    {
        var @case = await db.Cases.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (@case is null) return false;
        Case = @case;
        Today = await calendar.TodayAsync(ct);
        Catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
        var hadAppeal = await db.StageEvents.AnyAsync(e => e.CaseId == id && e.VoidedAt == null && e.ToStageCode == StageCatalog.ComAppeal, ct);
        Moves = StageRules.AllowedMoves(Catalog, Case.StepModel, Case.CurrentStageCode, hadAppeal);
        Correcting = correct is { } eventId ? await db.StageEvents.FirstOrDefaultAsync(e => e.Id == eventId && e.CaseId == id && e.VoidedAt == null, ct) : null;
        return true;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
