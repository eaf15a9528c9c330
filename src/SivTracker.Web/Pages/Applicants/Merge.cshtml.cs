using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>
/// Admins merge a duplicate record into the one that survives: family, service records, spellings, passports,
/// contacts, cases and documents move; the duplicate stays, marked as merged, and both histories say so.
/// </summary>
public class Merge(AppDbContext db, TimeProvider time, Audit audit, ILogger<Merge> logger) : PageModel
{
    public sealed record Command
    {
        /// <summary>The record that survives; the one on this page (id) is merged into it.</summary>
        public Guid SurvivorId { get; init; }
    }

    public sealed record Candidate(Guid Id, string Name, string? NativeName, int? BirthYear, Relationship Relationship);

    [BindProperty]
    public Command Input { get; set; } = new();

    public Candidate Duplicate { get; private set; } = null!;
    public IReadOnlyList<Candidate> Candidates { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (Input.SurvivorId == id || Candidates.All(c => c.Id != Input.SurvivorId))
        {
            ModelState.AddModelError("Input.SurvivorId", "Choose the record that survives from the list.");
            return Page();
        }
        var survivorId = Input.SurvivorId;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var duplicate = await db.Persons.Include(p => p.Aliases).FirstAsync(p => p.Id == id, ct);
        var survivor = await db.Persons.Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels).FirstAsync(p => p.Id == survivorId, ct);

        await db.Persons.Where(p => p.PrincipalId == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.PrincipalId, survivorId), ct);
        await db.ServiceRecords.Where(r => r.PersonId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.PersonId, survivorId), ct);
        await db.Passports.Where(r => r.PersonId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.PersonId, survivorId), ct);
        await db.ContactChannels.Where(r => r.PersonId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.PersonId, survivorId), ct);
        await db.Cases.Where(c => c.PrincipalId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.PrincipalId, survivorId), ct);
        await db.DocumentItems.Where(d => d.PersonId == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.PersonId, survivorId), ct);

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
        duplicate.SearchName = "";

        var now = time.GetUtcNow();
        db.PersonHistory.Add(new PersonHistoryEntry { OrganisationId = survivor.OrganisationId, PersonId = id, Kind = PersonHistoryKind.MergedInto, At = now, ById = User.UserId(), OtherPersonId = survivorId });
        db.PersonHistory.Add(new PersonHistoryEntry { OrganisationId = survivor.OrganisationId, PersonId = survivorId, Kind = PersonHistoryKind.MergedFrom, At = now, ById = User.UserId(), OtherPersonId = id });
        audit.Record("person.merged", "person", id, $"into {survivorId}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Person {DuplicateId} merged into {SurvivorId} by {UserId}", id, survivorId, User.UserId());
        TempData["Flash"] = "Records merged.";
        return RedirectToPage("./Details", new { id = survivorId });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var duplicate = await db.Persons.AsNoTracking().Where(p => p.Id == id && p.MergedIntoId == null)
            .Select(p => new Candidate(p.Id, p.FamilyName == null ? p.GivenNames : p.GivenNames + " " + p.FamilyName, p.NativeName,
                p.DateOfBirth == null ? null : p.DateOfBirth.Value.Year, p.Relationship))
            .FirstOrDefaultAsync(ct);
        if (duplicate is null) return false;
        Duplicate = duplicate;
        var command = new PersonForm.Command
        {
            GivenNames = (await db.Persons.Where(p => p.Id == id).Select(p => p.GivenNames).FirstAsync(ct)),
            FamilyName = await db.Persons.Where(p => p.Id == id).Select(p => p.FamilyName).FirstAsync(ct),
            DateOfBirth = duplicate.BirthYear?.ToString("D4"),
        };
        var likely = (await PersonForm.FindDuplicatesAsync(db, command, id, ct)).Select(d => d.Id).ToList();
        var nameHits = (await ApplicantSearch.RunAsync(db, duplicate.Name, ct)).Where(h => h.Id != id).Select(h => h.Id).Take(20);
        var ids = likely.Concat(nameHits).Distinct().ToList();
        Candidates = await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id) && p.MergedIntoId == null)
            .Select(p => new Candidate(p.Id, p.FamilyName == null ? p.GivenNames : p.GivenNames + " " + p.FamilyName, p.NativeName,
                p.DateOfBirth == null ? null : p.DateOfBirth.Value.Year, p.Relationship))
            .ToListAsync(ct);
        return true;
    }
}
