using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>
/// The review list of what applicants asked to change from the portal: a caseworker accepts or rejects each field.
/// Accepting edits the record through the person's own edit handler, so it is checked, recorded in the person's
/// history and refused on a stale version exactly as a caseworker's edit would be.
/// </summary>
public class Changes(AppDbContext db, Changes.Handler handler, Audit audit) : PageModel
{
    public enum Outcome { Done, NotFound, Refused, Duplicates }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors, IReadOnlyList<PersonForm.Duplicate> Duplicates, int Submitted = 0);

    public sealed class Handler(AppDbContext db, Edit.Handler edit, OrganisationCalendar calendar, Audit audit, TimeProvider time)
    {
        public static readonly PortalField[] Fields = Enum.GetValues<PortalField>();

        /// <summary>
        /// The applicant's form: each field that differs from the record becomes a change waiting for review (an earlier
        /// one for the same field gives way to it). Each value is checked by the person form's own rules first; a field
        /// that fails is named and nothing is submitted.
        /// </summary>
        public async Task<Result> SubmitAsync(Guid personId, IReadOnlyDictionary<PortalField, string?> typed, CancellationToken ct)
        {
            var person = await LoadAsync(personId, ct);
            if (person is null) return new Result(Outcome.NotFound, [], []);
            var today = await calendar.TodayAsync(ct);
            var current = PersonForm.From(person);
            var changed = new List<(PortalField Field, string? Value)>();
            var errors = new List<FieldError>();
            foreach (var field in Fields)
            {
                if (!typed.TryGetValue(field, out var raw)) continue;
                var value = PortalCorrections.Normalise(field, raw);
                if (value == PortalCorrections.Normalise(field, PortalCorrections.Current(person, field))) continue;
                errors.AddRange(Check(current, field, value, today));
                changed.Add((field, value));
            }
            if (errors.Count > 0) return new Result(Outcome.Refused, errors, []);
            if (changed.Count == 0) return new Result(Outcome.Done, [], [], 0);
            var now = time.GetUtcNow();
            var fields = changed.Select(c => c.Field).ToList();
            await db.PortalChanges.Where(c => c.PersonId == personId && c.Decision == ChangeDecision.Pending && fields.Contains(c.Field))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Decision, ChangeDecision.Superseded).SetProperty(c => c.DecidedAt, now), ct);
            db.PortalChanges.AddRange(changed.Select(c => new PortalChange
            {
                OrganisationId = person.OrganisationId, PersonId = personId, Field = c.Field, Proposed = c.Value,
                Previous = PortalCorrections.Current(person, c.Field), SubmittedAt = now,
            }));
            audit.Record(AuditActions.PortalChangeSubmitted, "person", personId, $"fields: {string.Join(", ", fields)}", person.OrganisationId);
            await db.SaveChangesAsync(ct);
            return new Result(Outcome.Done, [], [], changed.Count);
        }

        /// <summary>
        /// Accepts a pending change onto the record (after the person form's checks and duplicate warnings, which
        /// <paramref name="confirmedNotDuplicate"/> passes), or rejects it with a reason the applicant will read.
        /// </summary>
        public async Task<Result> DecideAsync(Guid changeId, bool accept, string? reason, bool confirmedNotDuplicate, Guid? userId, CancellationToken ct)
        {
            var change = await db.PortalChanges.FirstOrDefaultAsync(c => c.Id == changeId && c.Decision == ChangeDecision.Pending, ct);
            if (change is null) return new Result(Outcome.NotFound, [], []);
            reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            if (reason is { Length: > 500 }) return new Result(Outcome.Refused, [new FieldError("Reason", T("Keep the reason under 500 characters."))], []);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (accept)
            {
                var person = await LoadAsync(change.PersonId, ct);
                if (person is null) return new Result(Outcome.NotFound, [], []);
                var command = With(PersonForm.From(person), change.Field, change.Proposed) with { ConfirmedNotDuplicate = confirmedNotDuplicate };
                db.ChangeTracker.Clear();
                var edited = await edit.HandleAsync(person.Id, command, userId, ct);
                switch (edited.Outcome)
                {
                    case Edit.Outcome.NotFound: return new Result(Outcome.NotFound, [], []);
                    case Edit.Outcome.Refused when edited.Duplicates.Count > 0: return new Result(Outcome.Duplicates, [], edited.Duplicates);
                    case Edit.Outcome.Refused: return new Result(Outcome.Refused, edited.Errors, []);
                    case Edit.Outcome.Conflict: return new Result(Outcome.Refused, [new FieldError("", T("Someone changed this person a moment ago. Look again and decide."))], []);
                }
                change = await db.PortalChanges.FirstAsync(c => c.Id == changeId, ct);
            }
            change.Decision = accept ? ChangeDecision.Accepted : ChangeDecision.Rejected;
            change.DecidedAt = time.GetUtcNow();
            change.DecidedById = userId;
            change.Reason = accept ? null : reason;
            audit.Record(accept ? AuditActions.PortalChangeAccepted : AuditActions.PortalChangeRejected, "person", change.PersonId, $"change {change.Id}: {change.Field}");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new Result(Outcome.Done, [], []);
        }

        private Task<Person?> LoadAsync(Guid personId, CancellationToken ct) =>
            db.Persons.AsNoTracking().Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
                .FirstOrDefaultAsync(p => p.Id == personId && p.MergedIntoId == null, ct);

        /// <summary>The field's value checked by the person form's rules, with only its own errors kept.</summary>
        private static IEnumerable<FieldError> Check(PersonForm.Command current, PortalField field, string? value, DateOnly today)
        {
            if (field == PortalField.SafetyStatus && !(Enum.TryParse<SafetyStatus>(value, out var status) && Enum.IsDefined(status)))
            {
                return [new FieldError(field.ToString(), T("Choose one of the options."))];
            }
            var command = With(current, field, value);
            var property = PortalCorrections.ChannelKind(field) is { } kind ? $"Contacts[{command.Contacts.FindIndex(c => c.Kind == kind)}]" : field.ToString();
            return new PersonForm.Validator(today).Validate(command).ToFieldErrors()
                .Where(e => e.Field == property || e.Field.StartsWith(property + ".", StringComparison.Ordinal))
                .Select(e => e with { Field = field.ToString() });
        }

        /// <summary>The person form with one field set as the applicant asked; a contact kind's first row stands for it.</summary>
        public static PersonForm.Command With(PersonForm.Command command, PortalField field, string? value)
        {
            switch (field)
            {
                case PortalField.CurrentCountry: return command with { CurrentCountry = value };
                case PortalField.CurrentProvince: return command with { CurrentProvince = value };
                case PortalField.SafetyStatus: return command with { SafetyStatus = Enum.TryParse<SafetyStatus>(value, out var status) ? status : SafetyStatus.Unknown };
            }
            var kind = PortalCorrections.ChannelKind(field)!.Value;
            var contacts = command.Contacts.ToList();
            var index = contacts.FindIndex(c => c.Kind == kind);
            if (value is null)
            {
                if (index >= 0) contacts.RemoveAt(index);
            }
            else if (index >= 0)
            {
                contacts[index] = new PersonForm.ContactRow { Kind = kind, Value = value };
            }
            else
            {
                contacts.Add(new PersonForm.ContactRow { Kind = kind, Value = value });
            }
            return command with { Contacts = contacts };
        }
    }

    public sealed record Row(Guid Id, Guid PersonId, string PersonName, PortalField Field, string? Previous, string? Proposed, string? OnRecord, DateTimeOffset SubmittedAt);

    [BindProperty(SupportsGet = true)]
    public Guid? PersonId { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    /// <summary>A change whose acceptance met a duplicate warning: the matching records, and the change to accept anyway.</summary>
    public (Guid ChangeId, IReadOnlyList<PersonForm.Duplicate> Matches)? Duplicates { get; private set; }

    public static string FieldLabel(PortalField field) => field switch
    {
        PortalField.Phone => T("Phone"),
        PortalField.WhatsApp => T("WhatsApp"),
        PortalField.Signal => T("Signal"),
        PortalField.Email => T("Email"),
        PortalField.CurrentCountry => T("Current country"),
        PortalField.CurrentProvince => T("Current province"),
        _ => T("Safety status"),
    };

    /// <summary>A value as people read it: a safety status by its label, nothing as a dash.</summary>
    public static string Shown(PortalField field, string? value) => value switch
    {
        null => "—",
        _ when field == PortalField.SafetyStatus && Enum.TryParse<SafetyStatus>(value, out var status) => Labels.For(status),
        _ => value,
    };

    [Audited(AuditActions.PortalChangesViewed)]
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    [Audited(AuditActions.PortalChangeAccepted, AuditActions.PortalChangeRejected)]
    public async Task<IActionResult> OnPostAsync(Guid changeId, bool accept, string? reason,
        [FromForm(Name = "Input.ConfirmedNotDuplicate")] bool confirmedNotDuplicate, CancellationToken ct)
    {
        var result = await handler.DecideAsync(changeId, accept, reason, confirmedNotDuplicate, User.UserId(), ct);
        switch (result.Outcome)
        {
            case Outcome.NotFound:
                TempData["Flash"] = T("This change was decided a moment ago, or is no longer there.");
                return RedirectToPage(new { PersonId });
            case Outcome.Duplicates:
                Duplicates = (changeId, result.Duplicates);
                await LoadAsync(ct);
                return Page();
            case Outcome.Refused:
                foreach (var error in result.Errors) ModelState.AddModelError(error.Field == "Reason" ? $"reason-{changeId}" : "", error.Message);
                await LoadAsync(ct);
                return Page();
        }
        TempData["Flash"] = accept ? T("Change accepted: the record now holds it.") : T("Change rejected; the applicant sees your reason.");
        return RedirectToPage(new { PersonId });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var pending = await db.PortalChanges.AsNoTracking()
            .Where(c => c.Decision == ChangeDecision.Pending && (PersonId == null || c.PersonId == PersonId))
            .OrderBy(c => c.SubmittedAt).Take(200).ToListAsync(ct);
        var ids = pending.Select(c => c.PersonId).Distinct().ToList();
        var people = await db.Persons.AsNoTracking().Include(p => p.ContactChannels).Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        Rows = pending.Where(c => people.ContainsKey(c.PersonId)).Select(c => new Row(c.Id, c.PersonId, people[c.PersonId].DisplayName, c.Field, c.Previous, c.Proposed,
            PortalCorrections.Current(people[c.PersonId], c.Field), c.SubmittedAt)).ToList();
        await audit.RecordNowAsync(AuditActions.PortalChangesViewed, PersonId is null ? null : "person", PersonId, $"changes={Rows.Count}", ct: ct);
    }
}
