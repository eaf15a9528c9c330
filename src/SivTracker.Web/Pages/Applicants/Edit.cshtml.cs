using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Applicants;

public class Edit(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, Audit audit, ILogger<Edit> logger) : PageModel
{
    [BindProperty]
    public PersonForm.Command Input { get; set; } = new();

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public IReadOnlyList<PersonForm.Duplicate> Duplicates { get; private set; } = [];

    /// <summary>Set when someone else saved this record after the user opened it.</summary>
    public (string By, DateTimeOffset At, IReadOnlyList<string> Fields)? Conflict { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var person = await LoadAsync(id, ct);
        if (person is null) return NotFound();
        Input = PersonForm.WithEmptyRows(PersonForm.From(person));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var person = await LoadAsync(id, ct);
        if (person is null) return NotFound();
        Input = Input with { Relationship = person.Relationship };
        if (!ModelState.Validate(new PersonForm.Validator(await calendar.TodayAsync(ct)), Input))
        {
            Input = PersonForm.WithEmptyRows(Input);
            return Page();
        }
        if (!Input.ConfirmedNotDuplicate)
        {
            Duplicates = await PersonForm.FindDuplicatesAsync(db, Input, id, ct);
            // Only new evidence matters on edit: identifiers or names that now match someone else.
            if (Duplicates.Count > 0 && IdentifiersOrNameChanged(person))
            {
                Input = PersonForm.WithEmptyRows(Input);
                return Page();
            }
            Duplicates = [];
        }

        // The version the user started from: if the row has moved on since, the UPDATE matches nothing.
        db.Entry(person).Property(p => p.Version).OriginalValue = Input.Version;
        var changed = PersonForm.ApplyTo(Input, person, db);
        db.Entry(person).Property(p => p.UpdatedAt).IsModified = true;
        db.PersonHistory.Add(new PersonHistoryEntry
        {
            OrganisationId = person.OrganisationId, PersonId = person.Id, Kind = PersonHistoryKind.Edited, At = time.GetUtcNow(),
            ById = User.UserId(), Fields = changed.Count == 0 ? "other spellings, passports or contacts" : string.Join(", ", changed),
        });
        audit.Record("person.edited", "person", person.Id, changed.Count == 0 ? "other spellings, passports or contacts" : $"fields: {string.Join(", ", changed)}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await ShowConflictAsync(id, ct);
            return Page();
        }
        logger.LogInformation("Person {PersonId} edited by {UserId}", person.Id, User.UserId());
        TempData["Flash"] = "Changes saved.";
        return RedirectToPage("./Details", new { id = person.PrincipalId ?? person.Id });
    }

    private bool IdentifiersOrNameChanged(Person person) =>
        person.GivenNames != Input.GivenNames.Trim() || person.FamilyName != (Input.FamilyName?.Trim() is { Length: > 0 } f ? f : null)
        || person.TazkiraNumber != (Input.TazkiraNumber?.Trim() is { Length: > 0 } t ? t : null)
        || !person.Passports.Select(p => p.Number).Order().SequenceEqual(Input.FilledPassports.Select(p => p.Number!.Trim().ToUpperInvariant()).Order())
        || !person.ContactChannels.Select(c => c.Value).Order().SequenceEqual(Input.FilledContacts.Select(c => c.Value!.Trim()).Order());

    /// <summary>Keeps the user's input, says who saved what and when, and writes nothing.</summary>
    private async Task ShowConflictAsync(Guid id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var current = await db.Persons.AsNoTracking().Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
            .FirstAsync(p => p.Id == id, ct);
        var theirs = PersonForm.From(current);
        var differing = typeof(PersonForm.Command).GetProperties()
            .Where(p => p.PropertyType == typeof(string) || Nullable.GetUnderlyingType(p.PropertyType) is not null || p.PropertyType.IsEnum)
            .Where(p => p.Name is not (nameof(PersonForm.Command.Version)) && !Equals(Normalise(p.GetValue(theirs)), Normalise(p.GetValue(Input))))
            .Select(p => p.Name).ToList();
        var by = current.UpdatedById is { } userId
            ? await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? "another user"
            : "another user";
        Conflict = (by, current.UpdatedAt, differing);
        // Saving again now is a deliberate choice to replace their version with this one.
        Input = PersonForm.WithEmptyRows(Input with { Version = current.Version });
        ModelState.Remove("Input.Version");
    }

    private static object? Normalise(object? value) => value is string s ? (string.IsNullOrWhiteSpace(s) ? null : s.Trim()) : value;

    private async Task<Person?> LoadAsync(Guid id, CancellationToken ct)
    {
        var person = await db.Persons.Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
            .FirstOrDefaultAsync(p => p.Id == id && p.MergedIntoId == null, ct);
        if (person is null) return null;
        Id = person.Id;
        Name = person.DisplayName;
        return person;
    }
}
