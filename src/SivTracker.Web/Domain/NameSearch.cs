namespace SivTracker.Web.Domain;

/// <summary>
/// Name search without names in the database. Each folded spelling (NameNormaliser) becomes words and trigrams; each
/// of those becomes a token naming the organisation, which the data layer stores only as a keyed hash. The database
/// finds candidates by shared hashes; the real similarity is measured here, on the decrypted spellings.
/// </summary>
public static class NameSearch
{
    /// <summary>Below this, two spellings are different names (the search-quality test holds it to that).</summary>
    public const double MatchThreshold = 0.6;

    /// <summary>The words of a folded name, for the exact pass: every word present.</summary>
    public static string[] Words(string folded) =>
        folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w != "|").Distinct().ToArray();

    /// <summary>Trigrams as pg_trgm makes them: each word padded with two spaces before and one after.</summary>
    public static HashSet<string> Trigrams(string folded)
    {
        var trigrams = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Words(folded))
        {
            var padded = $"  {word} ";
            for (var i = 0; i + 3 <= padded.Length; i++) trigrams.Add(padded.Substring(i, 3));
        }
        return trigrams;
    }

    public static string WordToken(Guid organisationId, string word) => Identifiers.Lookup(organisationId, "w:" + word);

    public static string TrigramToken(Guid organisationId, string trigram) => Identifiers.Lookup(organisationId, "t:" + trigram);

    /// <summary>Every token of a person's spellings: what the stored hashes stand for.</summary>
    public static string[] Tokens(Guid organisationId, IEnumerable<string?> spellings)
    {
        var tokens = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var folded in spellings.Select(NameNormaliser.Normalise).Where(s => s.Length > 0))
        {
            foreach (var word in Words(folded)) tokens.Add(WordToken(organisationId, word));
            foreach (var trigram in Trigrams(folded)) tokens.Add(TrigramToken(organisationId, trigram));
        }
        return [.. tokens];
    }

    /// <summary>
    /// How well a typed name matches the best of a person's spellings, from 0 to 1: the share of the typed name's
    /// trigrams found in the best run of about as many words (pg_trgm's word similarity, over words rather than
    /// characters). Ties go to the closer run, so "karimi" ranks Karimi above Karimizada.
    /// </summary>
    public static double Similarity(string foldedQuery, IEnumerable<string?> spellings) => new Scorer(foldedQuery).Score(spellings);

    /// <summary>One typed name, scored against many people: its trigrams are made once.</summary>
    public sealed class Scorer(string foldedQuery)
    {
        private readonly HashSet<string> query = Trigrams(foldedQuery);
        private readonly int queryWords = Words(foldedQuery).Length;

        public double Score(IEnumerable<string?> spellings)
        {
            if (query.Count == 0) return 0;
            var best = 0.0;
            var extent = new HashSet<string>(StringComparer.Ordinal);
            foreach (var folded in spellings.Select(NameNormaliser.Normalise).Where(s => s.Length > 0))
            {
                var words = Words(folded).Select(w => Trigrams(w)).ToArray();
                for (var width = Math.Max(1, queryWords - 1); width <= Math.Min(words.Length, queryWords + 1); width++)
                {
                    for (var start = 0; start + width <= words.Length; start++)
                    {
                        extent.Clear();
                        for (var w = start; w < start + width; w++) extent.UnionWith(words[w]);
                        var shared = 0;
                        foreach (var trigram in query) if (extent.Contains(trigram)) shared++;
                        var closeness = (double)shared / (query.Count + extent.Count - shared);
                        best = Math.Max(best, (double)shared / query.Count * 0.9 + closeness * 0.1);
                    }
                }
            }
            return best;
        }
    }
}
