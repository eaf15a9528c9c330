using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Cases;

/// <summary>Opens a case for a principal, choosing the step model by the July 2022 rule unless overridden with a reason.</summary>
public class Open(AppDbContext db, Open.Handler handler, ILogger<Open> logger) : PageModel
{
    public sealed record Command
    {
        public SivProgram Program { get; init; } = SivProgram.AF602B;
        public DateOnly? ComSubmittedOn { get; init; }
        public StepModel? StepModelOverride { get; init; }
        public string? OverrideReason { get; init; }
        public string? Reference { get; init; }
        public Guid? CaseworkerId { get; init; }
        public CasePriority Priority { get; init; } = CasePriority.Normal;
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(DateOnly today)
        {
            RuleFor(c => c.ComSubmittedOn).LessThanOrEqualTo(today).When(c => c.ComSubmittedOn is not null).WithMessage(T("The submission date cannot be in the future."));
            RuleFor(c => c.OverrideReason).NotEmpty().When(c => c.StepModelOverride is not null).WithMessage(T("Say why the rule's step model does not apply.")).PlainText(1000);
            RuleFor(c => c.StepModelOverride).Must((c, model) => model is null || (c.Program == SivProgram.S1059) == (model == StepModel.S1059))
                .WithMessage(T("S1059 cases use the S1059 model, and only they do."));
            RuleFor(c => c.Reference).PlainText(40).Matches("^[A-Za-z0-9][A-Za-z0-9-/]*$").When(c => !string.IsNullOrWhiteSpace(c.Reference))
                .WithMessage(T("Use letters, digits, dashes and slashes."));
        }
    }

    public sealed record Result(Guid? CaseId, string? Reference, IReadOnlyList<FieldError> Errors);

    /// <summary>
    /// Opening a case for the pages and the API: the rule's step model, the first events (with the submission when the
    /// package went in already), the whole checklist for the family, and the stored clock, in one save.
    /// </summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, ClockRecompute clocks, TimeProvider time, Audit audit, Background.WebhookOutbox webhooks)
    {
        public async Task<Result> HandleAsync(Guid principalId, Command command, Guid? userId, CancellationToken ct)
        {
            var today = await calendar.TodayAsync(ct);
            var validation = new Validator(today).Validate(command);
            if (!validation.IsValid) return Refused(validation.ToFieldErrors());
            var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Opening a case needs an organisation.");
            var family = await db.Persons.Where(p => (p.Id == principalId || p.PrincipalId == principalId) && p.MergedIntoId == null)
                .Select(p => new { p.Id, p.Relationship, p.PrincipalId }).ToListAsync(ct);
            if (!family.Any(p => p.Id == principalId && p.Relationship == Relationship.Principal))
            {
                return Refused(new FieldError("", T("The applicant is not a principal of your organisation.")));
            }
            if (command.CaseworkerId is { } caseworker && !await db.Users.AnyAsync(u => u.Id == caseworker && u.OrganisationId == organisationId, ct))
            {
                return Refused(new FieldError(nameof(Command.CaseworkerId), T("Choose a caseworker of your organisation.")));
            }
            var reference = string.IsNullOrWhiteSpace(command.Reference) ? null : command.Reference.Trim().ToUpperInvariant();
            if (reference is not null && await db.Cases.AnyAsync(c => c.Reference == reference, ct))
            {
                return Refused(new FieldError(nameof(Command.Reference), T("Another case already has this reference.")));
            }

            var model = command.StepModelOverride ?? StageCatalog.DefaultStepModel(command.Program, command.ComSubmittedOn);
            var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
            for (var attempt = 0; ; attempt++)
            {
                var actor = new Case.Actor(userId, time.GetUtcNow());
                var @case = Case.Open(organisationId, reference ?? await NextReferenceAsync(today, attempt, ct), principalId, family.Select(p => p.Id),
                    command.Program, model, command.ComSubmittedOn ?? today, actor);
                @case.StepModelOverrideReason = command.StepModelOverride is null ? null : command.OverrideReason!.Trim();
                @case.CaseworkerId = command.CaseworkerId;
                @case.Priority = command.Priority;
                if (command.ComSubmittedOn is { } submitted)
                {
                    if (@case.Record(catalog, StageCatalog.ClockStartStage(model), submitted, today, actor, "Complete package submitted.") is { } refused)
                    {
                        return Refused(new FieldError(nameof(Command.ComSubmittedOn), refused.Message));
                    }
                    @case.PackageReceivedOn(submitted);
                }
                clocks.Apply(@case, @case.StageEvents, catalog, today);
                db.Cases.Add(@case);
                audit.Record(AuditActions.CaseOpened, "case", @case.Id, organisationId: organisationId, userId: userId);
                await webhooks.RaiseAsync(organisationId, Webhooks.CaseOpened, new
                {
                    CaseId = @case.Id, @case.PrincipalId, @case.Program, @case.StepModel, Stage = @case.CurrentStageCode, @case.ClockState, @case.ClockStartedOn,
                }, ct);
                try
                {
                    await db.SaveChangesAsync(ct);
                    return new Result(@case.Id, @case.Reference, []);
                }
                catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && reference is null && attempt < 3)
                {
                    // Two cases opened at the same moment drew the same number: draw the next one.
                    db.ChangeTracker.Clear();
                }
            }
        }

        private static Result Refused(params FieldError[] errors) => new(null, null, errors);

        private async Task<string> NextReferenceAsync(DateOnly today, int attempt, CancellationToken ct)
        {
            var count = await db.Cases.CountAsync(ct);
            return $"{today.Year}-{count + 1 + attempt:D5}";
        }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public Guid PrincipalId { get; private set; }
    public string PrincipalName { get; private set; } = "";
    public IEnumerable<SelectListItem> Caseworkers { get; private set; } = [];

    [NotAudited("An empty form naming the principal, from the recorded person page that links here.")]
    public async Task<IActionResult> OnGetAsync(Guid principalId, CancellationToken ct)
    {
        if (!await LoadAsync(principalId, ct)) return NotFound();
        Input = new Command { CaseworkerId = User.IsInRole(Roles.Caseworker) ? User.UserId() : null };
        return Page();
    }

    [Audited(AuditActions.CaseOpened)]
    public async Task<IActionResult> OnPostAsync(Guid principalId, CancellationToken ct)
    {
        if (!await LoadAsync(principalId, ct)) return NotFound();
        // A value the binder could not read (a malformed date) is already an error beside its field; the handler would see a default.
        if (!ModelState.IsValid) return Page();
        var result = await handler.HandleAsync(principalId, Input, User.UserId(), ct);
        if (result.CaseId is not { } caseId)
        {
            ModelState.AddErrors(result.Errors);
            return Page();
        }
        logger.LogInformation("Case {CaseId} opened by {UserId}", caseId, User.UserId());
        TempData["Flash"] = T("Case {0} opened.", result.Reference);
        return RedirectToPage("./Details", new { id = caseId });
    }

    private async Task<bool> LoadAsync(Guid principalId, CancellationToken ct)
    {
        var principal = await db.Persons.AsNoTracking().Where(p => p.Id == principalId && p.Relationship == Relationship.Principal && p.MergedIntoId == null)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName }).FirstOrDefaultAsync(ct);
        if (principal is null) return false;
        PrincipalId = principal.Id;
        PrincipalName = Person.FormatName(principal.GivenNames, principal.FamilyName);
        Caseworkers = await Choices.UsersAsync(db, User.OrganisationId(), activeOnly: true, ct);
        return true;
    }
}
