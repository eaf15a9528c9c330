using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

public class Edit(AppDbContext db, Edit.Handler handler, Audit audit, ILogger<Edit> logger) : PageModel
{
    public enum Outcome { Done, Conflict, NotFound, Refused }

    /// <summary>What someone else saved after the form was made: who, when, which of the form's fields now differ, and the version to save over.</summary>
    public sealed record NewerEdit(string By, DateTimeOffset At, IReadOnlyList<string> DifferingFields, uint Version);

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors, IReadOnlyList<PersonForm.Duplicate> Duplicates, NewerEdit? NewerEdit = null);

    /// <summary>
    /// Editing a person for the pages and the API: the form onto the record with its spellings, passports and contacts,
    /// a history entry naming the changed fields, and the row version the form was made from, so a stale form never
    /// overwrites a newer edit.
    /// </summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, Audit audit)
    {
        public async Task<Result> HandleAsync(Guid personId, PersonForm.Command command, Guid? userId, CancellationToken ct)
        {
            var person = await db.Persons.Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
                .FirstOrDefaultAsync(p => p.Id == personId && p.MergedIntoId == null, ct);
            if (person is null) return new Result(Outcome.NotFound, [], []);
            // Whether someone is a principal, spouse or child is not edited here.
            command = command with { Relationship = person.Relationship };
            var validation = new PersonForm.Validator(await calendar.TodayAsync(ct)).Validate(command);
            if (!validation.IsValid) return new Result(Outcome.Refused, validation.ToFieldErrors(), []);
            // Only new evidence matters on edit: identifiers or names that now match someone else.
            if (!command.ConfirmedNotDuplicate && await PersonForm.FindDuplicatesAsync(db, command, personId, ct) is { Count: > 0 } duplicates
                && IdentifiersOrNameChanged(person, command))
            {
                return new Result(Outcome.Refused, [], duplicates);
            }

            // The version the user started from: if the row has moved on since, the UPDATE matches nothing.
            db.Entry(person).Property(p => p.Version).OriginalValue = command.Version;
            var changed = PersonForm.ApplyTo(command, person, db);
            db.Entry(person).Property(p => p.UpdatedAt).IsModified = true;
            db.PersonHistory.Add(new PersonHistoryEntry
            {
                OrganisationId = person.OrganisationId, PersonId = person.Id, Kind = PersonHistoryKind.Edited, At = time.GetUtcNow(),
                ById = userId, Fields = changed.Count == 0 ? "other spellings, passports or contacts" : string.Join(", ", changed),
            });
            audit.Record(AuditActions.PersonEdited, "person", person.Id, changed.Count == 0 ? "other spellings, passports or contacts" : $"fields: {string.Join(", ", changed)}",
                organisationId: person.OrganisationId, userId: userId);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return new Result(Outcome.Conflict, [], [], await NewerEditAsync(personId, command, ct));
            }
            return new Result(Outcome.Done, [], []);
        }

        private static bool IdentifiersOrNameChanged(Person person, PersonForm.Command command) =>
            person.GivenNames != command.GivenNames.Trim() || person.FamilyName != (command.FamilyName?.Trim() is { Length: > 0 } f ? f : null)
            || person.TazkiraNumber != (command.TazkiraNumber?.Trim() is { Length: > 0 } t ? t : null)
            || !person.Passports.Select(p => p.Number).Order().SequenceEqual(command.FilledPassports.Select(p => p.Number!.Trim().ToUpperInvariant()).Order())
            || !person.ContactChannels.Select(c => c.Value).Order().SequenceEqual(command.FilledContacts.Select(c => c.Value!.Trim()).Order());

        /// <summary>Says who saved what and when, so the user's input can be shown again beside it; writes nothing.</summary>
        private async Task<NewerEdit> NewerEditAsync(Guid personId, PersonForm.Command command, CancellationToken ct)
        {
            db.ChangeTracker.Clear();
            var current = await db.Persons.AsNoTracking().Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
                .FirstAsync(p => p.Id == personId, ct);
            var theirs = PersonForm.From(current);
            var differing = typeof(PersonForm.Command).GetProperties()
                .Where(p => p.PropertyType == typeof(string) || Nullable.GetUnderlyingType(p.PropertyType) is not null || p.PropertyType.IsEnum)
                .Where(p => p.Name is not (nameof(PersonForm.Command.Version)) && !Equals(Normalise(p.GetValue(theirs)), Normalise(p.GetValue(command))))
                .Select(p => p.Name).ToList();
            var by = current.UpdatedById is { } updatedById
                ? await db.Users.Where(u => u.Id == updatedById).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? T("another user")
                : T("another user");
            return new NewerEdit(by, current.UpdatedAt, differing, current.Version);
        }

        private static object? Normalise(object? value) => value is string s ? (string.IsNullOrWhiteSpace(s) ? null : s.Trim()) : value;
    }

    [BindProperty]
    public PersonForm.Command Input { get; set; } = new();

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public IReadOnlyList<PersonForm.Duplicate> Duplicates { get; private set; } = [];

    /// <summary>Set when someone else saved this record after the user opened it.</summary>
    public (string By, DateTimeOffset At, IReadOnlyList<string> Fields)? Conflict { get; private set; }

    [Audited(AuditActions.PersonEditFormViewed)]
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var person = await db.Persons.AsNoTracking().Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
            .FirstOrDefaultAsync(p => p.Id == id && p.MergedIntoId == null, ct);
        if (person is null) return NotFound();
        Id = person.Id;
        Name = person.DisplayName;
        Input = PersonForm.WithEmptyRows(PersonForm.From(person));
        // The form shows the whole record, identifiers and contacts included: as much a read as the person's page.
        await audit.RecordNowAsync(AuditActions.PersonEditFormViewed, "person", person.Id, ct: ct);
        return Page();
    }

    [Audited(AuditActions.PersonEdited)]
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var person = await db.Persons.AsNoTracking().Where(p => p.Id == id && p.MergedIntoId == null)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.Relationship, p.PrincipalId }).FirstOrDefaultAsync(ct);
        if (person is null) return NotFound();
        Id = person.Id;
        Name = Person.FormatName(person.GivenNames, person.FamilyName);
        Input = Input with { Relationship = person.Relationship };
        // A value the binder could not read (a malformed date or choice) stops here: the handler would see a default in its place.
        if (!ModelState.IsValid)
        {
            Input = PersonForm.WithEmptyRows(Input);
            return Page();
        }
        var result = await handler.HandleAsync(id, Input, User.UserId(), ct);
        switch (result.Outcome)
        {
            case Outcome.NotFound:
                return NotFound();
            case Outcome.Refused:
                ModelState.AddErrors(result.Errors);
                Duplicates = result.Duplicates;
                Input = PersonForm.WithEmptyRows(Input);
                return Page();
            case Outcome.Conflict:
                // Keeps the user's input and says who saved what and when. Saving again now is a deliberate choice to
                // replace their version with this one.
                var newer = result.NewerEdit!;
                Conflict = (newer.By, newer.At, newer.DifferingFields);
                Input = PersonForm.WithEmptyRows(Input with { Version = newer.Version });
                ModelState.Remove("Input.Version");
                return Page();
        }
        logger.LogInformation("Person {PersonId} edited by {UserId}", id, User.UserId());
        TempData["Flash"] = T("Changes saved.");
        return RedirectToPage("./Details", new { id = person.PrincipalId ?? id });
    }
}
