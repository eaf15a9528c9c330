using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>
/// One search box for names in any spelling or script, tazkira, passport, phone, email, case reference, NVC case
/// number and USCIS receipt number. Identifiers match exactly in lookup form; names by trigram word similarity on
/// the folded spellings, best first. Identifiers the user may not see cannot be searched either: a hit would tell
/// whose they are as surely as showing them.
/// </summary>
public static class ApplicantSearch
{
    public sealed record Hit(Guid Id, string Name, string? NativeName, Relationship Relationship, int? BirthYear, string Reason, double Score);

    private sealed record NameHit(Guid Id, double Score);

    public const int Limit = 50;

    public static async Task<IReadOnlyList<Hit>> RunAsync(AppDbContext db, string query, PersonalDataAccess access, CancellationToken ct)
    {
        var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Search runs for one organisation.");
        query = query.Trim();
        var compact = Identifiers.Compact(query);
        var phone = Identifiers.CompactPhone(query);
        var email = query.ToLowerInvariant();
        var tazkiraLookup = Identifiers.TazkiraLookup(organisationId, query);
        var passportLookup = Identifiers.PassportLookup(organisationId, query);
        var phoneLookup = Identifiers.ContactLookup(organisationId, ContactChannelKind.Phone, query);
        var emailLookup = Identifiers.ContactLookup(organisationId, ContactChannelKind.Email, query);
        var reasons = new Dictionary<Guid, (string Reason, double Score)>();
        void Add(IEnumerable<Guid> ids, string reason, double score = 1.0)
        {
            foreach (var id in ids)
            {
                if (!reasons.TryGetValue(id, out var existing) || existing.Score < score) reasons[id] = (reason, score);
            }
        }

        if (compact.Length >= 3)
        {
            if (access.Identifiers)
            {
                Add(await db.Persons.Where(p => p.TazkiraLookup == tazkiraLookup).Select(p => p.Id).Take(Limit).ToListAsync(ct), "tazkira");
                Add(await db.Passports.Where(p => p.Lookup == passportLookup).Select(p => p.PersonId).Take(Limit).ToListAsync(ct), "passport");
            }
            Add(await db.Cases.Where(c => c.Reference.ToUpper() == compact || c.Reference.ToUpper() == query.ToUpper())
                .Select(c => c.PrincipalId).Take(Limit).ToListAsync(ct), "case reference");
            Add(await db.CaseNumbers.Where(n => n.Number == compact)
                .Join(db.Cases, n => n.CaseId, c => c.Id, (n, c) => c.PrincipalId).Take(Limit).ToListAsync(ct), "case or receipt number");
        }
        if (access.Whereabouts && phone.Length >= 7)
        {
            Add(await db.ContactChannels.Where(c => c.Lookup == phoneLookup || c.Lookup == emailLookup).Select(c => c.PersonId).Take(Limit).ToListAsync(ct), "phone or email");
        }
        else if (access.Whereabouts && email.Contains('@'))
        {
            Add(await db.ContactChannels.Where(c => c.Lookup == emailLookup).Select(c => c.PersonId).Take(Limit).ToListAsync(ct), "email");
        }

        var name = NameNormaliser.Normalise(query);
        if (name.Length >= 2)
        {
            // Every folded word present: a GIN lookup, fast even for the commonest names. These score highest anyway,
            // so when they fill the page the slower fuzzy pass could not change it. Organisation filters are explicit
            // because raw SQL bypasses the global filter.
            var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
            var exact = await db.Database.SqlQuery<NameHit>($"""
                select id, word_similarity({name}, search_name) as score
                from (select id, search_name from persons
                      where organisation_id = {organisationId} and merged_into_id is null and string_to_array(search_name, ' ') @> {words}
                      limit {Limit}) exact
                """).ToListAsync(ct);
            foreach (var hit in exact) Add([hit.Id], "name", hit.Score);
            if (exact.Count < Limit)
            {
                // Other spellings and typos: <% uses the trigram index.
                var similar = await db.Database.SqlQuery<NameHit>($"""
                    select id, word_similarity({name}, search_name) as score
                    from persons
                    where organisation_id = {organisationId} and merged_into_id is null and {name} <% search_name
                    order by 2 desc, id
                    limit {Limit}
                    """).ToListAsync(ct);
                foreach (var hit in similar) Add([hit.Id], "name", hit.Score);
            }
        }
        if (reasons.Count == 0) return [];

        var ids = reasons.Keys.ToList();
        var people = await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id) && p.MergedIntoId == null)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.Relationship, p.DateOfBirth })
            .ToListAsync(ct);
        return people
            .Select(p => new Hit(p.Id, Person.FormatName(p.GivenNames, p.FamilyName), p.NativeName,
                p.Relationship, p.DateOfBirth?.Year, reasons[p.Id].Reason, reasons[p.Id].Score))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Name).Take(Limit).ToList();
    }
}
