using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Review;

/// <summary>
/// A reviewer's actions on one case: acknowledge with a note, set the next review date, escalate, snooze a
/// non-statutory flag. Each lands in the case timeline. None touches personal data or the case row itself.
/// </summary>
public class Act(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, ILogger<Act> logger) : PageModel
{
    public sealed record Command
    {
        public string? Note { get; init; }
        public DateOnly? Date { get; init; }
        public EscalationReason? Reason { get; init; }
        public Guid? AssigneeId { get; init; }
        public Guid? FlagId { get; init; }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public Guid CaseId { get; private set; }
    public string Reference { get; private set; } = "";
    public IReadOnlyList<CaseFlag> Flags { get; private set; } = [];
    public IEnumerable<SelectListItem> Assignees { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken ct) => await LoadAsync(caseId, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostAcknowledgeAsync(Guid caseId, CancellationToken ct) =>
        RecordAsync(caseId, ReviewActionKind.Acknowledged, v => v.RuleFor(c => c.Note).NotEmpty().WithMessage("Say what you checked or decided."), ct);

    public Task<IActionResult> OnPostNextReviewAsync(Guid caseId, CancellationToken ct) =>
        RecordAsync(caseId, ReviewActionKind.NextReviewSet, v => v.RuleFor(c => c.Date).NotNull().WithMessage("Choose the next review date."), ct);

    public Task<IActionResult> OnPostEscalateAsync(Guid caseId, CancellationToken ct) =>
        RecordAsync(caseId, ReviewActionKind.Escalated, v => v.RuleFor(c => c.Reason).NotNull().WithMessage("Choose why you escalate."), ct);

    public Task<IActionResult> OnPostSnoozeAsync(Guid caseId, CancellationToken ct) =>
        RecordAsync(caseId, ReviewActionKind.Snoozed, v =>
        {
            v.RuleFor(c => c.FlagId).NotNull().WithMessage("Choose the flag to snooze.");
            v.RuleFor(c => c.Date).NotNull().WithMessage("Choose until when.");
        }, ct);

    private async Task<IActionResult> RecordAsync(Guid caseId, ReviewActionKind kind, Action<InlineValidator<Command>> rules, CancellationToken ct)
    {
        if (!await LoadAsync(caseId, ct)) return NotFound();
        var validator = new InlineValidator<Command> { v => v.RuleFor(c => c.Note).PlainText(4000, multiline: true) };
        rules(validator);
        var today = await calendar.TodayAsync(ct);
        if (kind is ReviewActionKind.NextReviewSet or ReviewActionKind.Snoozed)
        {
            validator.RuleFor(c => c.Date).GreaterThan(today).When(c => c.Date is not null).WithMessage("Choose a date after today.");
        }
        if (!ModelState.Validate(validator, Input, kind.ToString())) return Page();

        CaseFlag? flag = null;
        if (kind == ReviewActionKind.Snoozed)
        {
            flag = await db.CaseFlags.FirstOrDefaultAsync(f => f.Id == Input.FlagId && f.CaseId == caseId && f.ClearedOn == null, ct);
            if (flag is null) return NotFound();
            if (flag.IsStatutoryBreach)
            {
                ModelState.AddModelError($"{kind}.FlagId", "A statutory breach cannot be snoozed; acknowledge it with a note instead.");
                return Page();
            }
            flag.SnoozedUntil = Input.Date;
        }
        if (kind == ReviewActionKind.Escalated && Input.AssigneeId is { } assignee && !await db.Users.AnyAsync(u => u.Id == assignee && u.OrganisationId == User.OrganisationId(), ct))
        {
            ModelState.AddModelError($"{kind}.AssigneeId", "Choose someone in your organisation.");
            return Page();
        }
        db.ReviewActions.Add(new ReviewAction
        {
            OrganisationId = User.OrganisationId()!.Value, CaseId = caseId, Kind = kind, At = time.GetUtcNow(), ById = User.UserId(),
            Note = string.IsNullOrWhiteSpace(Input.Note) ? null : Input.Note.Trim(), Reason = kind == ReviewActionKind.Escalated ? Input.Reason : null,
            AssigneeId = kind == ReviewActionKind.Escalated ? Input.AssigneeId : null, FlagId = flag?.Id, Date = Input.Date,
        });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Review action {Kind} on case {CaseId} by {UserId}", kind, caseId, User.UserId());
        TempData["Flash"] = kind switch
        {
            ReviewActionKind.Acknowledged => "Acknowledged.",
            ReviewActionKind.NextReviewSet => "Next review date set.",
            ReviewActionKind.Escalated => "Escalated.",
            _ => "Flag snoozed. It stays visible as snoozed.",
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
