using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data;

/// <summary>
/// People whose name matches a typed one in any spelling or script, over keyed hashes (names are sealed): search,
/// the registration form's duplicate warning and the import's all come here.
/// </summary>
public static class SimilarNames
{
    /// <summary>Matches enough to fill a page of results: with this many exact ones, the fuzzy pass is not needed.</summary>
    public const int Enough = 50;

    /// <summary>
    /// How common each trigram hash is among the organisations' people, from PostgreSQL's own statistics of the column
    /// (ANALYZE keeps them, at ten times the usual detail): a hash missing from them is rare. Reading them costs more
    /// than a search (thousands of values cast from text), so they are read again only after the table was analysed
    /// (the exact lookup in FindAsync says when). The frequencies list ends with three summary figures that have no
    /// hash beside them.
    /// </summary>
    private static class TrigramFrequencies
    {
        private sealed record Snapshot(DateTime AnalysedAt, IReadOnlyDictionary<int, float> Frequencies);

        private sealed record Frequency(int Hash, float Share);

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Snapshot> ByDatabase = new();

        public static async Task<IReadOnlyDictionary<int, float>> ReadAsync(AppDbContext db, DateTime analysedAt, CancellationToken ct)
        {
            var connection = db.Database.GetDbConnection();
            var database = $"{connection.DataSource}/{connection.Database}";
            if (ByDatabase.TryGetValue(database, out var known) && known.AnalysedAt == analysedAt) return known.Frequencies;
            var frequencies = await db.Database.SqlQuery<Frequency>($"""
                select e.hash, e.share
                from pg_stats s, unnest(s.most_common_elems::text::int[], s.most_common_elem_freqs) as e(hash, share)
                where s.schemaname = current_schema() and s.tablename = 'persons' and s.attname = 'search_hashes'
                    and e.hash is not null
                """).ToListAsync(ct);
            var snapshot = new Snapshot(analysedAt, frequencies.DistinctBy(f => f.Hash).ToDictionary(f => f.Hash, f => f.Share));
            ByDatabase[database] = snapshot;
            return snapshot.Frequencies;
        }
    }

    /// <summary>
    /// People sharing the most trigram hashes with the typed name, looked up by its rarer trigrams: a common one (the
    /// "mad" of every Muhammad) would hand over most of the organisation to rank. First by pairs of rare trigrams from
    /// different words (any of each word's three least common with any of another's), which a person holding that name
    /// in another spelling has and few others do; when that leaves room, by pairs of the four least common trigrams
    /// anywhere in the name, which also finds a name with one word misspelt beyond recognition. Hashes missing from the
    /// statistics are rare, or typos that match nobody: people holding any of them are candidates too. Ranking by every
    /// shared hash, then by the real similarity, follows.
    /// </summary>
    private static async Task<List<Guid>> SharingTrigramsAsync(AppDbContext db, Guid organisationId, int[][] trigramsByWord,
        IReadOnlyCollection<Guid> alreadyFound, DateTime analysedAt, CancellationToken ct)
    {
        var frequencies = await TrigramFrequencies.ReadAsync(db, analysedAt, ct);
        float Share(int hash) => frequencies.TryGetValue(hash, out var share) ? share : 0;
        var trigrams = trigramsByWord.SelectMany(w => w).Distinct().ToArray();
        var rare = trigrams.Where(h => Share(h) == 0).ToArray();
        int[] Known(int[] hashes) => hashes.Where(h => Share(h) > 0).OrderBy(Share).ThenBy(h => h).ToArray();

        var byWord = trigramsByWord.Select(w => Known(w).Take(3).ToArray()).Where(w => w.Length > 0).OrderBy(w => Share(w[0])).Take(3).ToArray();
        var found = new List<Guid>();
        if (byWord.Length >= 2)
        {
            var across = (from i in Enumerable.Range(0, byWord.Length)
                          from j in Enumerable.Range(i + 1, byWord.Length - i - 1)
                          from a in byWord[i]
                          from b in byWord[j]
                          orderby Share(a) * Share(b), a, b
                          select new[] { a, b }).ToList();
            found = await CandidatesAsync(db, organisationId, rare, across, trigrams, ct);
            if (found.Union(alreadyFound).Count() >= Enough) return found;
        }
        var least = Known(trigrams).Take(4).ToArray();
        if (least.Length < 2) least = trigrams;
        var anywhere = least.SelectMany((a, i) => least.Skip(i + 1).Select(b => new[] { a, b })).ToList();
        return found.Union(await CandidatesAsync(db, organisationId, rare, anywhere, trigrams, ct)).ToList();
    }

    /// <summary>
    /// The people holding any of the rare hashes or both hashes of any pair, those sharing the most hashes with the typed
    /// name first. Each lookup hands over at most <see cref="PerLookup"/> people: two trigrams of one common family name
    /// are held by thousands, and ranking them all would make a search cost what the organisation's size does. Whoever
    /// also shares the rarer trigrams of the other words comes through the cross-word pairs instead.
    /// A pair lookup walks the index entries of its rarer trigram, tens of thousands for a common name in a large
    /// organisation, so half the lookups run at the same time on a second connection: a search waits for three lookups,
    /// not six. Inside a transaction they all run on its connection, which alone sees what the transaction wrote.
    /// </summary>
    private static async Task<List<Guid>> CandidatesAsync(AppDbContext db, Guid organisationId, int[] rare, List<int[]> pairs,
        int[] trigrams, CancellationToken ct)
    {
        pairs = Spread(pairs, 6);
        List<Candidate> found;
        if (pairs.Count < 2 || db.Database.CurrentTransaction is not null)
        {
            found = await RankedAsync(db, organisationId, rare, pairs, trigrams, ct);
        }
        else
        {
            await using var second = new AppDbContext((DbContextOptions<AppDbContext>)db.GetService<IDbContextOptions>());
            var half = (pairs.Count + 1) / 2;
            var lookups = await Task.WhenAll(
                RankedAsync(db, organisationId, rare, pairs[..half], trigrams, ct),
                RankedAsync(second, organisationId, [], pairs[half..], trigrams, ct));
            found = lookups.SelectMany(l => l).DistinctBy(c => c.Id).ToList();
        }
        // Npgsql reads a uuid's bytes in order into a Guid, so Guid order is PostgreSQL's: both halves rank as one would.
        return found.OrderByDescending(c => c.Shared).ThenBy(c => c.Id).Take(Candidates).Select(c => c.Id).ToList();
    }

    private sealed record Candidate(Guid Id, int Shared);

    private sealed record ExactOrAnalysed(Guid? Id, DateTime? AnalysedAt);

    private static Task<List<Candidate>> RankedAsync(AppDbContext db, Guid organisationId, int[] rare, List<int[]> pairs,
        int[] trigrams, CancellationToken ct)
    {
        // The pairs travel as two arrays, so the statement keeps one shape however many there are.
        var firsts = pairs.Select(p => p[0]).ToArray();
        var seconds = pairs.Select(p => p[1]).ToArray();
        return db.Database.SqlQuery<Candidate>($"""
            select id, icount(search_hashes & {trigrams}) as shared from (
                select p.id, p.search_hashes
                from unnest({firsts}::int[], {seconds}::int[]) as pair(first, second)
                cross join lateral (
                    select id, search_hashes from persons
                    where organisation_id = {organisationId} and merged_into_id is null and search_hashes @> array[pair.first, pair.second]
                    limit {PerLookup}) p
                union
                (select id, search_hashes from persons
                 where organisation_id = {organisationId} and merged_into_id is null and search_hashes && {rare}
                 limit {PerLookup})
            ) candidates
            order by shared desc, id
            limit {Candidates}
            """).ToListAsync(ct);
    }

    /// <summary>
    /// The first pairs to look up, each trigram in as many as the others before any in two: trigrams equally common
    /// come in an arbitrary order (their hashes'), and six pairs all holding the trigram a crowd shares (the "lid" of
    /// Walid and Khalid) would hand over that crowd, capped, and leave out the one person who has the rest.
    /// Otherwise the given order, rarest first, decides.
    /// </summary>
    private static List<int[]> Spread(List<int[]> pairs, int count)
    {
        var uses = new Dictionary<int, int>();
        var left = pairs.ToList();
        var chosen = new List<int[]>(count);
        while (chosen.Count < count && left.Count > 0)
        {
            // MinBy keeps the first of equals: among pairs as fresh as each other, the rarer one still comes first.
            var next = left.MinBy(p => uses.GetValueOrDefault(p[0]) + uses.GetValueOrDefault(p[1]))!;
            left.Remove(next);
            chosen.Add(next);
            uses[next[0]] = uses.GetValueOrDefault(next[0]) + 1;
            uses[next[1]] = uses.GetValueOrDefault(next[1]) + 1;
        }
        return chosen;
    }

    /// <summary>How many people one hash lookup may hand over for ranking.</summary>
    internal const int PerLookup = 300;

    public sealed record Match(Guid Id, string GivenNames, string? FamilyName, string? NativeName, Relationship Relationship, DateOnly? DateOfBirth,
        DatePrecision DateOfBirthPrecision, double Score);

    /// <summary>How many people the database hands over for scoring: enough that the best matches are among them.</summary>
    private const int Candidates = 60;

    /// <summary>
    /// People of the organisation whose name matches a folded name, best first. Names are sealed, so the database
    /// compares keyed hashes of words and trigrams (NameSearch): first people with every typed word (a GIN lookup, fast
    /// even for the commonest names), then, while that leaves room, people sharing the most trigrams. Each candidate is
    /// then scored on its decrypted spellings, and those below the threshold dropped. Registration's duplicate warning
    /// uses the same path.
    /// </summary>
    public static async Task<IReadOnlyList<Match>> FindAsync(AppDbContext db, string folded, CancellationToken ct)
    {
        var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Search runs for one organisation.");
        var words = FieldProtection.SearchHashes(NameSearch.Words(folded).Select(w => NameSearch.WordToken(organisationId, w)));
        var trigramsByWord = NameSearch.Words(folded)
            .Select(w => FieldProtection.SearchHashes(NameSearch.Trigrams(w).Select(t => NameSearch.TrigramToken(organisationId, t)))).ToArray();
        if (trigramsByWord.Sum(w => w.Length) == 0) return [];
        // Organisation filters are explicit because raw SQL bypasses the global filter. The row without an id says when
        // the statistics were last made, which decides whether the trigram frequencies are read again: one round trip.
        var exact = await db.Database.SqlQuery<ExactOrAnalysed>($"""
            (select null::uuid as id, coalesce(greatest(last_analyze, last_autoanalyze), '-infinity') as analysed_at
             from pg_stat_user_tables where relid = 'persons'::regclass)
            union all
            (select id, null from persons
             where organisation_id = {organisationId} and merged_into_id is null and search_hashes @> {words}
             limit {Candidates})
            """).ToListAsync(ct);
        var ids = exact.Where(r => r.Id is not null).Select(r => r.Id!.Value).ToList();
        if (ids.Count < Enough)
        {
            var analysedAt = exact.FirstOrDefault(r => r.Id is null)?.AnalysedAt ?? DateTime.MinValue;
            ids = ids.Union(await SharingTrigramsAsync(db, organisationId, trigramsByWord, ids, analysedAt, ct)).ToList();
        }
        if (ids.Count == 0) return [];
        var people = await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.Relationship, p.DateOfBirth, p.DateOfBirthPrecision, Aliases = p.Aliases.Select(a => a.Spelling).ToList() })
            .ToListAsync(ct);
        var scorer = new NameSearch.Scorer(folded);
        return people
            .Select(p => new Match(p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.Relationship, p.DateOfBirth, p.DateOfBirthPrecision,
                scorer.Score([Person.FormatName(p.GivenNames, p.FamilyName), p.NativeName, .. p.Aliases])))
            .Where(p => p.Score >= NameSearch.MatchThreshold)
            .OrderByDescending(p => p.Score).ThenBy(p => p.Id)
            .ToList();
    }

    /// <summary>
    /// The duplicate rule of registration and import: a similar name (any spelling) and the same birth year, since
    /// dates of birth are sealed and compared here. A year is a span of days (Person.BirthYearSpan): a Solar Hijri year
    /// from a tazkira overlaps two Gregorian ones, and matches both.
    /// </summary>
    public static async Task<IReadOnlyList<Match>> BornSameYearAsync(AppDbContext db, string folded, (DateOnly First, DateOnly Last) birthYear, CancellationToken ct) =>
        folded.Length == 0 ? [] : (await FindAsync(db, folded, ct))
            .Where(p => Person.BirthYearSpan(p.DateOfBirth, p.DateOfBirthPrecision) is var (first, last) && first <= birthYear.Last && last >= birthYear.First).ToList();
}
