using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>Registers a principal, or with principalId a spouse or child of one.</summary>
public class Create(AppDbContext db, Create.Handler handler, ILogger<Create> logger) : PageModel
{
    public sealed record Result(Guid? PersonId, IReadOnlyList<FieldError> Errors, IReadOnlyList<PersonForm.Duplicate> Duplicates, bool AlreadyRegistered = false);

    /// <summary>
    /// Registration for the pages, the API and the intake: the person with their spellings, passports and contacts, a
    /// history entry, and for a family member the checklist items every open case of the family now needs.
    /// </summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, Audit audit, Background.WebhookOutbox webhooks)
    {
        /// <param name="idempotencyKey">From an API request: registering with a key already used returns that person, registering nobody new.</param>
        public async Task<Result> HandleAsync(PersonForm.Command command, Guid? principalId, Guid? userId, CancellationToken ct, Guid? idempotencyKey = null)
        {
            if (idempotencyKey is { } key && await db.Persons.Where(p => p.IdempotencyKey == key).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(ct) is { } registered)
            {
                return new Result(registered, [], [], AlreadyRegistered: true);
            }
            var validation = new PersonForm.Validator(await calendar.TodayAsync(ct)).Validate(command);
            if (!validation.IsValid) return new Result(null, validation.ToFieldErrors(), []);
            var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Registering a person needs an organisation.");
            var openCases = new List<Case>();
            if (principalId is { } id)
            {
                if (!await db.Persons.AnyAsync(p => p.Id == id && p.Relationship == Relationship.Principal && p.MergedIntoId == null, ct))
                {
                    return new Result(null, [new FieldError("", T("The principal is not one of your organisation's applicants."))], []);
                }
                openCases = await db.Cases.Include(c => c.Documents)
                    .Where(c => c.PrincipalId == id && !db.Stages.Any(s => s.Code == c.CurrentStageCode && s.IsTerminal)).ToListAsync(ct);
            }
            if (!command.ConfirmedNotDuplicate && await PersonForm.FindDuplicatesAsync(db, command, null, ct) is { Count: > 0 } duplicates)
            {
                return new Result(null, [], duplicates);
            }

            var person = new Person
            {
                OrganisationId = organisationId, GivenNames = command.GivenNames,
                Relationship = principalId is null ? Relationship.Principal : command.Relationship == Relationship.Spouse ? Relationship.Spouse : Relationship.Child,
                PrincipalId = principalId, IdempotencyKey = idempotencyKey,
            };
            PersonForm.ApplyTo(command, person, db);
            db.Persons.Add(person);
            foreach (var @case in openCases)
            {
                db.DocumentItems.AddRange(@case.AddFamilyMember(person.Id));
            }
            db.PersonHistory.Add(new PersonHistoryEntry
            {
                OrganisationId = organisationId, PersonId = person.Id, Kind = PersonHistoryKind.Created, At = time.GetUtcNow(), ById = userId,
            });
            audit.Record(AuditActions.PersonCreated, "person", person.Id, organisationId: organisationId, userId: userId);
            await webhooks.RaiseAsync(organisationId, Webhooks.PersonCreated, new { PersonId = person.Id, person.PrincipalId, person.Relationship }, ct);
            await db.SaveChangesAsync(ct);
            return new Result(person.Id, [], []);
        }
    }

    [BindProperty]
    public PersonForm.Command Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public Guid? PrincipalId { get; set; }

    public string? PrincipalName { get; private set; }
    public IReadOnlyList<PersonForm.Duplicate> Duplicates { get; private set; } = [];

    [NotAudited("An empty form; for a family member it adds only the principal's name, from the recorded person page that links here.")]
    public async Task<IActionResult> OnGetAsync(Relationship? relationship, CancellationToken ct)
    {
        if (!await LoadPrincipalAsync(ct)) return NotFound();
        var asRelationship = PrincipalId is null ? Relationship.Principal : relationship is Relationship.Spouse ? Relationship.Spouse : Relationship.Child;
        Input = PersonForm.WithEmptyRows(new PersonForm.Command { Relationship = asRelationship });
        return Page();
    }

    [Audited(AuditActions.PersonCreated)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadPrincipalAsync(ct)) return NotFound();
        if (PrincipalId is null) Input = Input with { Relationship = Relationship.Principal };
        else if (Input.Relationship == Relationship.Principal) Input = Input with { Relationship = Relationship.Child };
        if (!ModelState.IsValid)
        {
            Input = PersonForm.WithEmptyRows(Input);
            return Page();
        }
        var result = await handler.HandleAsync(Input, PrincipalId, User.UserId(), ct);
        if (result.PersonId is not { } personId)
        {
            ModelState.AddErrors(result.Errors);
            Duplicates = result.Duplicates;
            Input = PersonForm.WithEmptyRows(Input);
            return Page();
        }
        logger.LogInformation("Person {PersonId} registered by {UserId}", personId, User.UserId());
        TempData["Flash"] = PrincipalId is null ? T("Applicant registered.") : T("Family member added.");
        return RedirectToPage("./Details", new { id = PrincipalId ?? personId });
    }

    private async Task<bool> LoadPrincipalAsync(CancellationToken ct)
    {
        if (PrincipalId is not { } id) return true;
        // The global filter makes another organisation's principal invisible: "not found", like a missing one.
        var principal = await db.Persons.AsNoTracking()
            .Where(p => p.Id == id && p.Relationship == Relationship.Principal && p.MergedIntoId == null)
            .Select(p => new { p.GivenNames, p.FamilyName }).FirstOrDefaultAsync(ct);
        PrincipalName = principal is null ? null : Person.FormatName(principal.GivenNames, principal.FamilyName);
        return principal is not null;
    }
}
