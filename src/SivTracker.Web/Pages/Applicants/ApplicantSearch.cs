using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>
/// One search box for names in any spelling or script, tazkira, passport, phone, email, case reference, NVC case
/// number and USCIS receipt number. Identifiers match exactly in lookup form; names by word and trigram similarity on
/// the folded spellings, best first, over keyed hashes (<see cref="SimilarNames"/>). Identifiers the user may not see cannot be searched either: a hit would tell
/// whose they are as surely as showing them.
/// </summary>
public static class ApplicantSearch
{
    public sealed record Hit(Guid Id, string Name, string? NativeName, Relationship Relationship, int? BirthYear, string Reason, double Score);

    public const int Limit = 50;

    public static async Task<IReadOnlyList<Hit>> RunAsync(AppDbContext db, string query, PersonalDataAccess access, CancellationToken ct)
    {
        var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Search runs for one organisation.");
        query = query.Trim();
        var compact = Identifiers.Compact(query);
        var reasons = new Dictionary<Guid, (string Reason, double Score)>();
        void Add(IEnumerable<Guid> ids, string reason, double score = 1.0)
        {
            foreach (var id in ids)
            {
                if (!reasons.TryGetValue(id, out var existing) || existing.Score < score) reasons[id] = (reason, score);
            }
        }

        // Every identifier searched here (tazkira, passport, case reference, NVC and receipt numbers) has digits: a name
        // alone skips four lookups that cannot match it.
        if (compact.Length >= 3 && compact.Any(char.IsDigit))
        {
            if (access.Identifiers)
            {
                var tazkiraLookup = Identifiers.TazkiraLookup(organisationId, query);
                var passportLookup = Identifiers.PassportLookup(organisationId, query);
                Add(await db.Persons.Where(p => p.TazkiraLookup == tazkiraLookup).Select(p => p.Id).Take(Limit).ToListAsync(ct), T("tazkira"));
                Add(await db.Passports.Where(p => p.Lookup == passportLookup).Select(p => p.PersonId).Take(Limit).ToListAsync(ct), T("passport"));
            }
            Add(await db.Cases.Where(c => c.Reference.ToUpper() == compact || c.Reference.ToUpper() == query.ToUpper())
                .Select(c => c.PrincipalId).Take(Limit).ToListAsync(ct), T("case reference"));
            var caseNumberLookup = Identifiers.Lookup(organisationId, compact);
            Add(await db.CaseNumbers.Where(n => n.Lookup == caseNumberLookup)
                .Join(db.Cases, n => n.CaseId, c => c.Id, (n, c) => c.PrincipalId).Take(Limit).ToListAsync(ct), T("case or receipt number"));
        }
        // Keyed hashes are made only for the lookups a query can match: phones are stored with their country code, so
        // anything else typed (a name) cannot be one, and an email has an @.
        (string Lookup, string Reason)? contact = !access.Whereabouts ? null
            : Identifiers.IsInternationalPhone(query) ? (Identifiers.ContactLookup(organisationId, ContactChannelKind.Phone, query), T("phone"))
            : query.Contains('@') ? (Identifiers.ContactLookup(organisationId, ContactChannelKind.Email, query), T("email"))
            : null;
        if (contact is var (contactLookup, contactReason))
        {
            Add(await db.ContactChannels.Where(c => c.Lookup == contactLookup).Select(c => c.PersonId).Take(Limit).ToListAsync(ct), contactReason);
        }

        var name = NameNormaliser.Normalise(query);
        var names = name.Length >= 2 ? await SimilarNames.FindAsync(db, name, ct) : [];
        foreach (var match in names) Add([match.Id], T("name"), match.Score);
        if (reasons.Count == 0) return [];

        var found = names.ToDictionary(n => n.Id);
        var ids = reasons.Keys.Where(id => !found.ContainsKey(id)).ToList();
        // A search by name alone found everyone through the name: nobody is left to read.
        IReadOnlyList<SimilarNames.Match> others = ids.Count == 0 ? [] : await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id) && p.MergedIntoId == null)
            .Select(p => new SimilarNames.Match(p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.Relationship, p.DateOfBirth, p.DateOfBirthPrecision, 0))
            .ToListAsync(ct);
        return names.Concat(others)
            .Select(p => new Hit(p.Id, Person.FormatName(p.GivenNames, p.FamilyName), p.NativeName,
                p.Relationship, p.DateOfBirth?.Year, reasons[p.Id].Reason, reasons[p.Id].Score))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Name, StringComparer.CurrentCulture).Take(Limit).ToList();
    }
}
