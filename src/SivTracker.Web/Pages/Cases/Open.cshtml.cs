using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Cases;

/// <summary>Opens a case for a principal, choosing the step model by the July 2022 rule unless overridden with a reason.</summary>
public class Open(AppDbContext db, OrganisationCalendar calendar, ClockRecompute clocks, TimeProvider time, Audit audit, ILogger<Open> logger) : PageModel
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
            RuleFor(c => c.ComSubmittedOn).LessThanOrEqualTo(today).When(c => c.ComSubmittedOn is not null).WithMessage("The submission date cannot be in the future.");
            RuleFor(c => c.OverrideReason).NotEmpty().When(c => c.StepModelOverride is not null).WithMessage("Say why the rule's step model does not apply.").PlainText(1000);
            RuleFor(c => c.StepModelOverride).Must((c, model) => model is null || (c.Program == SivProgram.S1059) == (model == StepModel.S1059))
                .WithMessage("S1059 cases use the S1059 model, and only they do.");
            RuleFor(c => c.Reference).PlainText(40).Matches("^[A-Za-z0-9][A-Za-z0-9-/]*$").When(c => !string.IsNullOrWhiteSpace(c.Reference))
                .WithMessage("Use letters, digits, dashes and slashes.");
        }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public Guid PrincipalId { get; private set; }
    public string PrincipalName { get; private set; } = "";
    public IEnumerable<SelectListItem> Caseworkers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid principalId, CancellationToken ct)
    {
        if (!await LoadAsync(principalId, ct)) return NotFound();
        Input = new Command { CaseworkerId = User.IsInRole(Roles.Caseworker) ? User.UserId() : null };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid principalId, CancellationToken ct)
    {
        if (!await LoadAsync(principalId, ct)) return NotFound();
        var today = await calendar.TodayAsync(ct);
        if (!ModelState.Validate(new Validator(today), Input)) return Page();
        var organisationId = User.OrganisationId()!.Value;
        if (Input.CaseworkerId is { } caseworker && !await db.Users.AnyAsync(u => u.Id == caseworker && u.OrganisationId == organisationId, ct))
        {
            ModelState.AddModelError("Input.CaseworkerId", "Choose a caseworker of your organisation.");
            return Page();
        }
        var reference = string.IsNullOrWhiteSpace(Input.Reference) ? null : Input.Reference.Trim().ToUpperInvariant();
        if (reference is not null && await db.Cases.AnyAsync(c => c.Reference == reference, ct))
        {
            ModelState.AddModelError("Input.Reference", "Another case already has this reference.");
            return Page();
        }

        var model = Input.StepModelOverride ?? StageCatalog.DefaultStepModel(Input.Program, Input.ComSubmittedOn);
        var opened = Input.ComSubmittedOn ?? today;
        for (var attempt = 0; ; attempt++)
        {
            var @case = new Case
            {
                OrganisationId = organisationId,
                Reference = reference ?? await NextReferenceAsync(today, attempt, ct),
                PrincipalId = principalId,
                Program = Input.Program,
                StepModel = model,
                StepModelOverrideReason = Input.StepModelOverride is null ? null : Input.OverrideReason!.Trim(),
                CurrentStageCode = StageCatalog.FirstStage(model),
                CaseworkerId = Input.CaseworkerId,
                Priority = Input.Priority,
            };
            var now = time.GetUtcNow();
            var events = new List<StageEvent> { NewEvent(@case, null, StageCatalog.FirstStage(model), opened, now, "Case opened.") };
            if (Input.ComSubmittedOn is { } submitted)
            {
                events.Add(NewEvent(@case, events[0].ToStageCode, StageCatalog.ClockStartStage(model), submitted, now, "Complete package submitted."));
            }
            db.Cases.Add(@case);
            db.StageEvents.AddRange(events);
            db.DocumentItems.AddRange(await ChecklistAsync(@case, principalId, Input.ComSubmittedOn, ct));
            clocks.Apply(@case, events, await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct), today);
            audit.Record("case.opened", "case", @case.Id);
            try
            {
                await db.SaveChangesAsync(ct);
                logger.LogInformation("Case {CaseId} opened by {UserId}", @case.Id, User.UserId());
                var openedReference = @case.Reference;
                TempData["Flash"] = $"Case {openedReference} opened.";
                return RedirectToPage("./Details", new { id = @case.Id });
            }
            catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && reference is null && attempt < 3)
            {
                // Two cases opened at the same moment drew the same number: draw the next one.
                db.ChangeTracker.Clear();
            }
        }
    }

    private StageEvent NewEvent(Case @case, string? from, string to, DateOnly on, DateTimeOffset at, string note) => new()
    {
        OrganisationId = @case.OrganisationId, CaseId = @case.Id, FromStageCode = from, ToStageCode = to, EffectiveOn = on,
        RecordedAt = at, RecordedById = User.UserId(), Note = note,
    };

    /// <summary>The COM package (DS157 and LEGACY models), then DS-260, civil documents and medical for each family member.</summary>
    private async Task<List<DocumentItem>> ChecklistAsync(Case @case, Guid principalId, DateOnly? packageSubmittedOn, CancellationToken ct)
    {
        var items = new List<DocumentItem>();
        if (@case.StepModel != StepModel.S1059)
        {
            foreach (var kind in CaseDocuments.ComPackage.Append(DocumentKind.Badge))
            {
                items.Add(new DocumentItem
                {
                    OrganisationId = @case.OrganisationId, CaseId = @case.Id, Kind = kind,
                    Status = packageSubmittedOn is not null && kind != DocumentKind.Badge ? DocumentStatus.Received : DocumentStatus.Missing,
                    StatusOn = kind != DocumentKind.Badge ? packageSubmittedOn : null,
                });
            }
        }
        var family = await db.Persons.Where(p => (p.Id == principalId || p.PrincipalId == principalId) && p.MergedIntoId == null).Select(p => p.Id).ToListAsync(ct);
        foreach (var personId in family)
        {
            foreach (var kind in new[] { DocumentKind.Ds260, DocumentKind.CivilDocuments, DocumentKind.Medical })
            {
                items.Add(new DocumentItem { OrganisationId = @case.OrganisationId, CaseId = @case.Id, PersonId = personId, Kind = kind });
            }
        }
        return items;
    }

    private async Task<string> NextReferenceAsync(DateOnly today, int attempt, CancellationToken ct)
    {
        var count = await db.Cases.CountAsync(ct);
        return $"{today.Year}-{count + 1 + attempt:D5}";
    }

    private async Task<bool> LoadAsync(Guid principalId, CancellationToken ct)
    {
        var principal = await db.Persons.AsNoTracking().Where(p => p.Id == principalId && p.Relationship == Relationship.Principal && p.MergedIntoId == null)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName }).FirstOrDefaultAsync(ct);
        if (principal is null) return false;
        PrincipalId = principal.Id;
        PrincipalName = $"{principal.GivenNames} {principal.FamilyName}".Trim();
        var organisationId = User.OrganisationId();
        Caseworkers = await Choices.UsersAsync(db, organisationId, activeOnly: true, ct);
        return true;
    }
}
