using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>Registers a principal, or with principalId a spouse or child of one.</summary>
public class Create(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, Audit audit, ILogger<Create> logger) : PageModel
{
    [BindProperty]
    public PersonForm.Command Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public Guid? PrincipalId { get; set; }

    public string? PrincipalName { get; private set; }
    public IReadOnlyList<PersonForm.Duplicate> Duplicates { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Relationship? relationship, CancellationToken ct)
    {
        if (!await LoadPrincipalAsync(ct)) return NotFound();
        var asRelationship = PrincipalId is null ? Relationship.Principal : relationship is Relationship.Spouse ? Relationship.Spouse : Relationship.Child;
        Input = PersonForm.WithEmptyRows(new PersonForm.Command { Relationship = asRelationship });
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadPrincipalAsync(ct)) return NotFound();
        if (PrincipalId is null) Input = Input with { Relationship = Relationship.Principal };
        else if (Input.Relationship == Relationship.Principal) Input = Input with { Relationship = Relationship.Child };
        if (!ModelState.Validate(new PersonForm.Validator(await calendar.TodayAsync(ct)), Input))
        {
            Input = PersonForm.WithEmptyRows(Input);
            return Page();
        }
        if (!Input.ConfirmedNotDuplicate)
        {
            Duplicates = await PersonForm.FindDuplicatesAsync(db, Input, null, ct);
            if (Duplicates.Count > 0)
            {
                Input = PersonForm.WithEmptyRows(Input);
                return Page();
            }
        }

        var person = new Person
        {
            OrganisationId = User.OrganisationId()!.Value,
            GivenNames = Input.GivenNames,
            Relationship = Input.Relationship,
            PrincipalId = PrincipalId,
        };
        PersonForm.ApplyTo(Input, person, db);
        db.Persons.Add(person);
        db.PersonHistory.Add(new PersonHistoryEntry
        {
            OrganisationId = person.OrganisationId, PersonId = person.Id, Kind = PersonHistoryKind.Created, At = time.GetUtcNow(), ById = User.UserId(),
        });
        audit.Record("person.created", "person", person.Id);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Person {PersonId} registered by {UserId}", person.Id, User.UserId());
        TempData["Flash"] = PrincipalId is null ? "Applicant registered." : "Family member added.";
        return RedirectToPage("./Details", new { id = PrincipalId ?? person.Id });
    }

    private async Task<bool> LoadPrincipalAsync(CancellationToken ct)
    {
        if (PrincipalId is not { } id) return true;
        // The global filter makes another organisation's principal invisible: "not found", like a missing one.
        var principal = await db.Persons.AsNoTracking()
            .Where(p => p.Id == id && p.Relationship == Relationship.Principal && p.MergedIntoId == null)
            .Select(p => new { p.GivenNames, p.FamilyName }).FirstOrDefaultAsync(ct);
        PrincipalName = principal is null ? null : $"{principal.GivenNames} {principal.FamilyName}".Trim();
        return principal is not null;
    }
}
