using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Review;

/// <summary>
/// A reviewer's actions on one case: acknowledge with a note, set the next review date, escalate, snooze a
/// non-statutory flag. Each lands in the case timeline. None touches personal data or the case row itself.
/// </summary>
public class Act(AppDbContext db, Act.Handler handler, ILogger<Act> logger) : PageModel
{
    public sealed record Command
    {
        public string? Note { get; init; }
        public DateOnly? Date { get; init; }
        public EscalationReason? Reason { get; init; }
        public Guid? AssigneeId { get; init; }
        public Guid? FlagId { get; init; }
    }

    public enum Outcome { Done, NotFound, Refused }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors);

    /// <summary>
    /// A reviewer's action for the pages and the API: each kind asks for what it records, a statutory breach is never
    /// snoozed, and an escalation is assigned only within the organisation.
    /// </summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, Audit audit)
    {
        public async Task<Result> RecordAsync(Guid caseId, ReviewActionKind kind, Command command, Guid? userId, CancellationToken ct)
        {
            if (!await db.Cases.AnyAsync(c => c.Id == caseId, ct)) return new Result(Outcome.NotFound, []);
            var validation = RulesFor(kind, await calendar.TodayAsync(ct)).Validate(command);
            if (!validation.IsValid) return Refused(validation.ToFieldErrors());
            var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Recording a review action needs an organisation.");

            CaseFlag? flag = null;
            if (kind == ReviewActionKind.Snoozed)
            {
                flag = await db.CaseFlags.FirstOrDefaultAsync(f => f.Id == command.FlagId && f.CaseId == caseId && f.ClearedOn == null, ct);
                if (flag is null) return new Result(Outcome.NotFound, []);
                if (flag.IsStatutoryBreach)
                {
                    return Refused(new FieldError(nameof(Command.FlagId), T("A statutory breach cannot be snoozed; acknowledge it with a note instead.")));
                }
                flag.SnoozedUntil = command.Date;
            }
            if (kind == ReviewActionKind.Escalated && command.AssigneeId is { } assignee && !await db.Users.AnyAsync(u => u.Id == assignee && u.OrganisationId == organisationId, ct))
            {
                return Refused(new FieldError(nameof(Command.AssigneeId), T("Choose someone in your organisation.")));
            }
            db.ReviewActions.Add(new ReviewAction
            {
                OrganisationId = organisationId, CaseId = caseId, Kind = kind, At = time.GetUtcNow(), ById = userId,
                Note = string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim(), Reason = kind == ReviewActionKind.Escalated ? command.Reason : null,
                AssigneeId = kind == ReviewActionKind.Escalated ? command.AssigneeId : null, FlagId = flag?.Id, Date = command.Date,
            });
            // Codes, ids and dates; the note stays in the case's timeline.
            (string Action, string? Details) audited = kind switch
            {
                ReviewActionKind.Acknowledged => (AuditActions.ReviewAcknowledged, null),
                ReviewActionKind.NextReviewSet => (AuditActions.ReviewNextReviewSet, $"on={command.Date:yyyy-MM-dd}"),
                ReviewActionKind.Escalated => (AuditActions.ReviewEscalated, $"reason={command.Reason}, assignee={command.AssigneeId?.ToString() ?? "none"}"),
                _ => (AuditActions.ReviewFlagSnoozed, $"flag={flag?.Type}, until={command.Date:yyyy-MM-dd}"),
            };
            audit.Record(audited.Action, "case", caseId, audited.Details, organisationId: organisationId, userId: userId);
            await db.SaveChangesAsync(ct);
            return new Result(Outcome.Done, []);
        }

        private static InlineValidator<Command> RulesFor(ReviewActionKind kind, DateOnly today)
        {
            var validator = new InlineValidator<Command> { v => v.RuleFor(c => c.Note).PlainText(4000, multiline: true) };
            switch (kind)
            {
                case ReviewActionKind.Acknowledged:
                    validator.RuleFor(c => c.Note).NotEmpty().WithMessage(T("Say what you checked or decided."));
                    break;
                case ReviewActionKind.NextReviewSet:
                    validator.RuleFor(c => c.Date).NotNull().WithMessage(T("Choose the next review date."));
                    break;
                case ReviewActionKind.Escalated:
                    validator.RuleFor(c => c.Reason).NotNull().WithMessage(T("Choose why you escalate."));
                    break;
                case ReviewActionKind.Snoozed:
                    validator.RuleFor(c => c.FlagId).NotNull().WithMessage(T("Choose the flag to snooze."));
                    validator.RuleFor(c => c.Date).NotNull().WithMessage(T("Choose until when."));
                    break;
            }
            if (kind is ReviewActionKind.NextReviewSet or ReviewActionKind.Snoozed)
            {
                validator.RuleFor(c => c.Date).GreaterThan(today).When(c => c.Date is not null).WithMessage(T("Choose a date after today."));
            }
            return validator;
        }

        private static Result Refused(params FieldError[] errors) => new(Outcome.Refused, errors);
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public Guid CaseId { get; private set; }
    public string Reference { get; private set; } = "";
    public IReadOnlyList<CaseFlag> Flags { get; private set; } = [];
    public IEnumerable<SelectListItem> Assignees { get; private set; } = [];

    [NotAudited("The case reference, its open flags and the organisation's staff to escalate to: no personal data of the applicant.")]
    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken ct) => await LoadAsync(caseId, ct) ? Page() : NotFound();

    [Audited(AuditActions.ReviewAcknowledged)]
    public Task<IActionResult> OnPostAcknowledgeAsync(Guid caseId, CancellationToken ct) => RecordAsync(caseId, ReviewActionKind.Acknowledged, ct);

    [Audited(AuditActions.ReviewNextReviewSet)]
    public Task<IActionResult> OnPostNextReviewAsync(Guid caseId, CancellationToken ct) => RecordAsync(caseId, ReviewActionKind.NextReviewSet, ct);

    [Audited(AuditActions.ReviewEscalated)]
    public Task<IActionResult> OnPostEscalateAsync(Guid caseId, CancellationToken ct) => RecordAsync(caseId, ReviewActionKind.Escalated, ct);

    [Audited(AuditActions.ReviewFlagSnoozed)]
    public Task<IActionResult> OnPostSnoozeAsync(Guid caseId, CancellationToken ct) => RecordAsync(caseId, ReviewActionKind.Snoozed, ct);

    private async Task<IActionResult> RecordAsync(Guid caseId, ReviewActionKind kind, CancellationToken ct)
    {
        if (!await LoadAsync(caseId, ct)) return NotFound();
        // A value the binder could not read (a malformed date or choice) stops here: the handler would see a default in its place.
        if (!ModelState.IsValid) return Page();
        var result = await handler.RecordAsync(caseId, kind, Input, User.UserId(), ct);
        if (result.Outcome == Outcome.NotFound) return NotFound();
        if (result.Outcome == Outcome.Refused)
        {
            // Each action's form shows the messages under its own name.
            ModelState.AddErrors(result.Errors, kind.ToString());
            return Page();
        }
        logger.LogInformation("Review action {Kind} on case {CaseId} by {UserId}", kind, caseId, User.UserId());
        TempData["Flash"] = kind switch
        {
            ReviewActionKind.Acknowledged => T("Acknowledged."),
            ReviewActionKind.NextReviewSet => T("Next review date set."),
            ReviewActionKind.Escalated => T("Escalated."),
            _ => T("Flag snoozed. It stays visible as snoozed."),
        };
        return RedirectToPage("/Cases/Details", new { id = caseId });
    }

    private async Task<bool> LoadAsync(Guid caseId, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => new { c.Id, c.Reference }).FirstOrDefaultAsync(ct);
        if (@case is null) return false;
        CaseId = @case.Id;
        Reference = @case.Reference;
        Flags = await db.CaseFlags.AsNoTracking().Where(f => f.CaseId == caseId && f.ClearedOn == null).OrderBy(f => f.Type).ToListAsync(ct);
        var organisationId = User.OrganisationId();
        Assignees = await Choices.UsersAsync(db, organisationId, activeOnly: true, ct);
        return true;
    }
}
