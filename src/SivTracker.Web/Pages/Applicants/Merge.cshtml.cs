using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>
/// Admins merge a duplicate record into the one that survives: family, service records, spellings, passports,
/// contacts, cases and documents move; the duplicate stays, marked as merged, and both histories say so.
/// </summary>
public class Merge(AppDbContext db, Merge.Handler handler, Audit audit, ILogger<Merge> logger) : PageModel
{
    public sealed record Command
    {
        /// <summary>The record that survives; the one on this page (id) is merged into it.</summary>
        public Guid SurvivorId { get; init; }
    }

    public sealed record Candidate(Guid Id, string Name, string? NativeName, int? BirthYear, Relationship Relationship);

    public enum Outcome { Done, NotFound, Refused }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors);

    /// <summary>
    /// Merging for the pages and the API, in one transaction: what belonged to the duplicate moves to the survivor, the
    /// duplicate's spellings and missing identifiers join the survivor's, and both histories record the merge.
    /// </summary>
    public sealed class Handler(AppDbContext db, TimeProvider time, Audit audit)
    {
        public async Task<Result> HandleAsync(Guid duplicateId, Command command, Guid? userId, CancellationToken ct)
        {
            if (await FindCandidatesAsync(db, duplicateId, ct) is not { } offered) return new Result(Outcome.NotFound, []);
            // Only a record the page offers may survive, so a merge never reaches a person nobody was shown.
            if (command.SurvivorId == duplicateId || offered.Candidates.All(c => c.Id != command.SurvivorId))
            {
                return new Result(Outcome.Refused, [new FieldError(nameof(Command.SurvivorId), T("Choose the record that survives from the list."))]);
            }
            var survivorId = command.SurvivorId;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var duplicate = await db.Persons.Include(p => p.Aliases).FirstAsync(p => p.Id == duplicateId, ct);
            var survivor = await db.Persons.Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels).FirstAsync(p => p.Id == survivorId, ct);

            await db.Persons.Where(p => p.PrincipalId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(p => p.PrincipalId, survivorId), ct);
            await db.ServiceRecords.Where(r => r.PersonId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(r => r.PersonId, survivorId), ct);
            await db.Passports.Where(r => r.PersonId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(r => r.PersonId, survivorId), ct);
            await db.ContactChannels.Where(r => r.PersonId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(r => r.PersonId, survivorId), ct);
            await db.Cases.Where(c => c.PrincipalId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(c => c.PrincipalId, survivorId), ct);
            await db.DocumentItems.Where(d => d.PersonId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(d => d.PersonId, survivorId), ct);

            // The duplicate's spellings become the survivor's, so a search by any of them still finds the person.
            var known = survivor.Aliases.Select(a => a.Spelling).Append(survivor.DisplayName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var spelling in duplicate.Aliases.Select(a => a.Spelling).Append(duplicate.DisplayName).Where(known.Add))
            {
                var alias = new PersonAlias { OrganisationId = survivor.OrganisationId, PersonId = survivor.Id, Spelling = spelling };
                // Added explicitly: a new row with a client-made key found through a navigation would be taken for an existing one.
                db.PersonAliases.Add(alias);
                survivor.Aliases.Add(alias);
            }
            survivor.TazkiraNumber ??= duplicate.TazkiraNumber;
            survivor.NativeName ??= duplicate.NativeName;
            survivor.FatherName ??= duplicate.FatherName;
            survivor.DateOfBirth ??= duplicate.DateOfBirth;
            await db.Entry(survivor).Collection(p => p.Passports).LoadAsync(ct);
            await db.Entry(survivor).Collection(p => p.ContactChannels).LoadAsync(ct);
            survivor.RefreshSearchFields();
            duplicate.MergedIntoId = survivorId;
            duplicate.SearchTokens = [];

            var now = time.GetUtcNow();
            db.PersonHistory.Add(new PersonHistoryEntry { OrganisationId = survivor.OrganisationId, PersonId = duplicateId, Kind = PersonHistoryKind.MergedInto, At = now, ById = userId, OtherPersonId = survivorId });
            db.PersonHistory.Add(new PersonHistoryEntry { OrganisationId = survivor.OrganisationId, PersonId = survivorId, Kind = PersonHistoryKind.MergedFrom, At = now, ById = userId, OtherPersonId = duplicateId });
            audit.Record(AuditActions.PersonMerged, "person", duplicateId, $"into {survivorId}", organisationId: survivor.OrganisationId, userId: userId);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new Result(Outcome.Done, []);
        }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public Candidate Duplicate { get; private set; } = null!;
    public IReadOnlyList<Candidate> Candidates { get; private set; } = [];

    [Audited(AuditActions.PersonMergeFormViewed)]
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        // Names and birth years of everyone the record may be a duplicate of, found by searching the whole organisation.
        await audit.RecordNowAsync(AuditActions.PersonMergeFormViewed, "person", id, $"candidates={Candidates.Count}", ct: ct);
        return Page();
    }

    [Audited(AuditActions.PersonMerged)]
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = await handler.HandleAsync(id, Input, User.UserId(), ct);
        if (result.Outcome == Outcome.NotFound) return NotFound();
        if (result.Outcome == Outcome.Refused)
        {
            if (!await LoadAsync(id, ct)) return NotFound();
            ModelState.AddErrors(result.Errors);
            return Page();
        }
        logger.LogInformation("Person {DuplicateId} merged into {SurvivorId} by {UserId}", id, Input.SurvivorId, User.UserId());
        TempData["Flash"] = T("Records merged.");
        return RedirectToPage("./Details", new { id = Input.SurvivorId });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await FindCandidatesAsync(db, id, ct) is not { } offered) return false;
        Duplicate = offered.Duplicate;
        Candidates = offered.Candidates;
        return true;
    }

    /// <summary>The record to merge and those it may be merged into (likely duplicates and name matches), or null when it is gone or merged already.</summary>
    private static async Task<(Candidate Duplicate, IReadOnlyList<Candidate> Candidates)?> FindCandidatesAsync(AppDbContext db, Guid id, CancellationToken ct)
    {
        // Birth years are worked out here: the date of birth is sealed, so the database cannot.
        var person = await db.Persons.AsNoTracking().Where(p => p.Id == id && p.MergedIntoId == null)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.DateOfBirth, p.Relationship })
            .FirstOrDefaultAsync(ct);
        if (person is null) return null;
        var duplicate = new Candidate(person.Id, Person.FormatName(person.GivenNames, person.FamilyName), person.NativeName, person.DateOfBirth?.Year, person.Relationship);
        var command = new PersonForm.Command
        {
            GivenNames = person.GivenNames,
            FamilyName = person.FamilyName,
            DateOfBirth = duplicate.BirthYear?.ToString("D4"),
        };
        var likely = (await PersonForm.FindDuplicatesAsync(db, command, id, ct)).Select(d => d.Id).ToList();
        var nameHits = (await ApplicantSearch.RunAsync(db, duplicate.Name, PersonalDataAccess.Everything, ct)).Where(h => h.Id != id).Select(h => h.Id).Take(20);
        var ids = likely.Concat(nameHits).Distinct().ToList();
        IReadOnlyList<Candidate> candidates = (await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id) && p.MergedIntoId == null)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.DateOfBirth, p.Relationship })
            .ToListAsync(ct))
            .Select(p => new Candidate(p.Id, Person.FormatName(p.GivenNames, p.FamilyName), p.NativeName, p.DateOfBirth?.Year, p.Relationship))
            .ToList();
        return (duplicate, candidates);
    }
}
