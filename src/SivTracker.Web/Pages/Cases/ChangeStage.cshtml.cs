using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Cases;

/// <summary>
/// Records a stage change, or corrects or voids an earlier one. History is never edited in place: a correction voids
/// the wrong event and records the right one; a voided event stays visible. The stored clock is recomputed in the
/// same transaction, and the case's row version makes two simultaneous changes conflict instead of both landing.
/// </summary>
public class ChangeStage(AppDbContext db, OrganisationCalendar calendar, ChangeStage.Handler handler, ILogger<ChangeStage> logger) : PageModel
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
            RuleFor(c => c.To).NotEmpty().WithMessage(T("Choose the stage the case moved to."));
            RuleFor(c => c.EffectiveOn).NotNull().WithMessage(T("Enter the date it happened (it may be long ago)."));
            RuleFor(c => c.Note).PlainText(4000, multiline: true);
            RuleFor(c => c.Reason).PlainText(1000, multiline: true);
            RuleFor(c => c.IdempotencyKey).NotEmpty().WithMessage(T("Reload the page and try again."));
        }
    }

    public sealed record VoidCommand
    {
        public Guid EventId { get; init; }
        public string? Reason { get; init; }
        public uint Version { get; init; }
    }

    public enum Outcome { Done, AlreadyRecorded, Conflict, NotFound, Refused }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors, string? Done = null);

    /// <summary>
    /// Records, corrects and voids stage events for the pages, the API and the import alike. The case applies the stage
    /// rules; the handler adds what a shared record needs: idempotency, the row version, the clock and the audit row.
    /// </summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, ClockRecompute clocks, TimeProvider time, Audit audit, Background.WebhookOutbox webhooks)
    {
        public async Task<Result> RecordAsync(Guid caseId, Command command, Guid? userId, CancellationToken ct)
        {
            if (command.IdempotencyKey != Guid.Empty && await db.StageEvents.AnyAsync(e => e.IdempotencyKey == command.IdempotencyKey, ct))
            {
                return new Result(Outcome.AlreadyRecorded, []);
            }
            var validation = new Validator().Validate(command);
            if (!validation.IsValid) return Refused(validation.ToFieldErrors());
            var @case = await db.Cases.Include(c => c.StageEvents).FirstOrDefaultAsync(c => c.Id == caseId, ct);
            if (@case is null) return new Result(Outcome.NotFound, []);
            var loaded = @case.StageEvents.Count;
            var before = @case.CurrentStageCode;
            // A form made before someone else's change is judged against what it was made from, not against today's case.
            if (command.Version != @case.Version) return new Result(Outcome.Conflict, []);
            var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
            var today = await calendar.TodayAsync(ct);
            var actor = new Case.Actor(userId, time.GetUtcNow());
            var reason = Blank(command.Reason);
            StageChangeError? error;
            if (command.Corrects is { } wrongId)
            {
                var wrong = @case.StageEvents.FirstOrDefault(e => e.Id == wrongId && !e.IsVoided);
                if (wrong is null) return Refused(new FieldError("", T("The event to correct is not on this case, or it was voided already.")));
                if (reason is null) return Refused(new FieldError(nameof(Command.Reason), T("Say why the earlier event was wrong.")));
                error = @case.Correct(catalog, wrong, command.To!, command.EffectiveOn!.Value, today, actor, reason, Blank(command.Note), command.IdempotencyKey);
            }
            else
            {
                error = @case.Record(catalog, command.To!, command.EffectiveOn!.Value, today, actor, Blank(command.Note), reason, command.IdempotencyKey);
            }
            if (error is not null)
            {
                // The history was read after the case row; if someone changed the case in between, the rule broken may be
                // theirs, not this form's: say so as the conflict it is.
                if (await db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => c.Version).FirstAsync(ct) != command.Version) return new Result(Outcome.Conflict, []);
                return Refused(new FieldError(error is StageChangeError.DateInFuture or StageChangeError.DateBeforePrevious ? nameof(Command.EffectiveOn) : nameof(Command.To), error.Message));
            }
            return await SaveAsync(@case, loaded, command.Version, catalog, today, command.Corrects is null ? "Stage change recorded." : "Event corrected.", userId,
                new StageChanged(@case.Id, command.Corrects is null ? "recorded" : "corrected", before, command.EffectiveOn.Value), ct);
        }

        public async Task<Result> VoidAsync(Guid caseId, VoidCommand command, Guid? userId, CancellationToken ct)
        {
            var @case = await db.Cases.Include(c => c.StageEvents).FirstOrDefaultAsync(c => c.Id == caseId, ct);
            var wrong = @case?.StageEvents.FirstOrDefault(e => e.Id == command.EventId && !e.IsVoided);
            if (@case is null || wrong is null) return new Result(Outcome.NotFound, []);
            var loaded = @case.StageEvents.Count;
            var before = @case.CurrentStageCode;
            if (string.IsNullOrWhiteSpace(command.Reason)) return Refused(new FieldError(nameof(VoidCommand.Reason), T("Say why this event is void.")));
            var validation = new InlineValidator<string?> { v => v.RuleFor(x => x).PlainText(1000, multiline: true) }.Validate(command.Reason);
            if (!validation.IsValid) return Refused(validation.Errors.Select(e => new FieldError(nameof(VoidCommand.Reason), e.ErrorMessage)).ToArray());
            if (command.Version != @case.Version) return new Result(Outcome.Conflict, []);
            var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
            if (@case.Void(catalog, wrong, new Case.Actor(userId, time.GetUtcNow()), command.Reason.Trim()) is { } error)
            {
                return Refused(new FieldError(nameof(VoidCommand.Reason), error.Message));
            }
            return await SaveAsync(@case, loaded, command.Version, catalog, await calendar.TodayAsync(ct), "Event voided. It stays in the timeline, struck through.", userId,
                new StageChanged(@case.Id, "voided", before, wrong.EffectiveOn), ct);
        }

        /// <summary>The case.stage_changed webhook's facts: codes, dates and figures of the case after the change.</summary>
        private sealed record StageChanged(Guid CaseId, string Change, string PreviousStage, DateOnly EffectiveOn)
        {
            public string Stage { get; init; } = "";
            public ClockState ClockState { get; init; }
            public int GovernmentDays { get; init; }
            public int? DaysOver { get; init; }
        }

        private async Task<Result> SaveAsync(Case @case, int loaded, uint version, IReadOnlyDictionary<string, Stage> catalog, DateOnly today, string done, Guid? userId,
            StageChanged change, CancellationToken ct)
        {
            // Events the case just recorded carry their own keys: added explicitly, or EF would take them for existing rows.
            db.StageEvents.AddRange(@case.StageEvents.Skip(loaded));
            db.Entry(@case).Property(c => c.Version).OriginalValue = version;
            clocks.Apply(@case, @case.StageEvents, catalog, today);
            // Touching the row makes its version part of the UPDATE even when the stage and clock come out the same.
            db.Entry(@case).Property(c => c.UpdatedAt).IsModified = true;
            audit.Record(AuditActions.CaseHistoryChanged, "case", @case.Id, done, @case.OrganisationId, userId);
            await webhooks.RaiseAsync(@case.OrganisationId, Webhooks.CaseStageChanged, change with
            {
                Stage = @case.CurrentStageCode, ClockState = @case.ClockState, GovernmentDays = @case.GovernmentDays, DaysOver = @case.DaysOver,
            }, ct);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return new Result(Outcome.Conflict, []);
            }
            catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: var name } && name!.Contains("idempotency"))
            {
                db.ChangeTracker.Clear();
                return new Result(Outcome.AlreadyRecorded, []);
            }
            // The change is saved: carrying it on is not undone by a client that leaves now.
            if (change.Change == "recorded") await ForwardToLinkedAsync(@case, change.EffectiveOn, userId, CancellationToken.None);
            return new Result(Outcome.Done, [], done);
        }

        /// <summary>
        /// A linked referral carries a stage the sender records to the receiver's copy, through the same rules, with the
        /// sender named in its timeline; a move the copy cannot take is noted there instead. Never the other way.
        /// </summary>
        private async Task ForwardToLinkedAsync(Case @case, DateOnly effectiveOn, Guid? userId, CancellationToken ct)
        {
            var links = await db.Referrals.AsNoTracking()
                .Where(r => r.CaseId == @case.Id && r.FromOrganisationId == @case.OrganisationId && r.Linked && r.Mode == ReferralMode.Refer
                    && r.Status == ReferralStatus.Accepted && r.ReceivedCaseId != null)
                .Select(r => new
                {
                    r.ToOrganisationId, ReceivedCaseId = r.ReceivedCaseId!.Value, Sender = db.Organisations.Where(o => o.Id == r.FromOrganisationId).Select(o => o.Name).First(),
                    Consent = db.Consents.Where(c => c.Id == r.ConsentId).FirstOrDefault(),
                })
                .ToListAsync(ct);
            var today = await calendar.TodayAsync(ct);
            // Only while the applicant's consent still covers the receiver.
            links = links.Where(l => l.Consent is { } consent && consent.CoversSharingWith(l.ToOrganisationId, today)).ToList();
            if (links.Count == 0) return;
            var stage = @case.CurrentStageCode;
            var own = db.OrganisationId;
            try
            {
                foreach (var link in links)
                {
                    db.OrganisationId = link.ToOrganisationId;
                    var version = await db.Cases.AsNoTracking().Where(c => c.Id == link.ReceivedCaseId).Select(c => (uint?)c.Version).FirstOrDefaultAsync(ct);
                    if (version is null) continue;
                    var result = await RecordAsync(link.ReceivedCaseId, new Command
                    {
                        To = stage, EffectiveOn = effectiveOn, Note = $"Recorded by {link.Sender} (linked referral).", IdempotencyKey = Guid.NewGuid(), Version = version.Value,
                    }, userId, ct);
                    if (result.Outcome is Outcome.Done or Outcome.AlreadyRecorded) continue;
                    db.ChangeTracker.Clear();
                    db.CaseNotes.Add(new CaseNote
                    {
                        OrganisationId = link.ToOrganisationId, CaseId = link.ReceivedCaseId,
                        Body = $"{link.Sender} recorded {stage} on {effectiveOn:yyyy-MM-dd}; not applied here: "
                            + (result.Errors.Count > 0 ? string.Join(" ", result.Errors.Select(e => e.Message)) : "this copy changed at the same moment."),
                    });
                    await db.SaveChangesAsync(ct);
                }
            }
            finally
            {
                db.OrganisationId = own;
            }
        }

        private static Result Refused(params FieldError[] errors) => new(Outcome.Refused, errors);
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

    [NotAudited("The case reference, its stage and the moves allowed; an event being corrected shows its stage and date only.")]
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

    // A value the binder could not read (a malformed date) is already an error beside its field; the handler would see a default.
    [Audited(AuditActions.CaseHistoryChanged)]
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct) =>
        await ShowAsync(id, Input.Corrects, ModelState.IsValid ? await handler.RecordAsync(id, Input, User.UserId(), ct) : new Result(Outcome.Refused, []), "Input", ct);

    [Audited(AuditActions.CaseHistoryChanged)]
    public async Task<IActionResult> OnPostVoidAsync(Guid id, CancellationToken ct) =>
        await ShowAsync(id, VoidInput.EventId, ModelState.IsValid ? await handler.VoidAsync(id, VoidInput, User.UserId(), ct) : new Result(Outcome.Refused, []), "VoidInput", ct);

    private async Task<IActionResult> ShowAsync(Guid id, Guid? correct, Result result, string prefix, CancellationToken ct)
    {
        switch (result.Outcome)
        {
            case Outcome.NotFound:
                return NotFound();
            case Outcome.Done or Outcome.AlreadyRecorded:
                if (result.Outcome == Outcome.Done) logger.LogInformation("Stage history of case {CaseId} changed by {UserId}", id, User.UserId());
                // The handler's text is English (it goes to the audit row too); the reader gets it in their language.
                TempData["Flash"] = result.Done is { } done ? T(done) : T("That change was already recorded.");
                return RedirectToPage("./Details", new { id });
            case Outcome.Conflict:
                db.ChangeTracker.Clear();
                if (!await LoadAsync(id, null, ct)) return NotFound();
                Input = Input with { Version = Case.Version, IdempotencyKey = Guid.NewGuid() };
                ModelState.Clear();
                ModelState.AddModelError(string.Empty, T("Someone else recorded a change on this case at the same moment. Nothing of yours was saved: check the timeline, then submit again if your change still applies."));
                return Page();
            default:
                if (!await LoadAsync(id, correct, ct)) return NotFound();
                ModelState.AddErrors(result.Errors, prefix);
                return Page();
        }
    }

    private async Task<bool> LoadAsync(Guid id, Guid? correct, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (@case is null) return false;
        Case = @case;
        Today = await calendar.TodayAsync(ct);
        Catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
        var hadAppeal = await db.StageEvents.AnyAsync(e => e.CaseId == id && e.VoidedAt == null && e.ToStageCode == StageCatalog.ComAppeal, ct);
        Moves = StageRules.AllowedMoves(Catalog, Case.StepModel, Case.CurrentStageCode, hadAppeal);
        Correcting = correct is { } eventId ? await db.StageEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == eventId && e.CaseId == id && e.VoidedAt == null, ct) : null;
        return true;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
