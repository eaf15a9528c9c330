using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SivTracker.Web.Domain;

/// <summary>
/// Folds the many Latin transliterations of Afghan names into one searchable form: case, diacritics, hyphens and
/// apostrophes go; common spelling variants (Mohammad/Muhammad/Mohd, Abdul Rahman/Abdur Rahman, -ullah/-ulla,
/// ee/i, oo/ou/u, o/u, e/i, v/w, q/k, gh/g, doubled letters) map to one spelling. Trigram similarity then absorbs
/// what is left. Native-script names pass through with only case and spacing folded. Characters the text fields
/// refuse (TextSafety) and the zero-width non-joiner go first, so nothing invisible can tell two spellings apart.
/// </summary>
public static partial class NameNormaliser
{
    // Whole-word variants that the letter rules below cannot reach.
    private static readonly Dictionary<string, string> Words = new(StringComparer.Ordinal)
    {
        ["mohd"] = "muhammad", ["md"] = "muhammad", ["mhd"] = "muhammad",
        ["syed"] = "sayed", ["sayyed"] = "sayed", ["sayyid"] = "sayed", ["said"] = "sayed", ["seyed"] = "sayed",
        ["fnu"] = "",
    };

    public static string Normalise(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "";
        var text = RemoveDiacritics(TextSafety.WithoutInvisible(name).Trim().ToLowerInvariant());
        if (text.Any(c => c is >= '\u0600' and <= '\u06FF'))
        {
            // Arabic-script names: fold Arabic and Persian forms of the same letters; a compound joined with or without
            // ZWNJ is one spelling (removed above), one written apart is left to trigram similarity.
            return Whitespace().Replace(text.Replace('ي', 'ی').Replace('ك', 'ک').Replace('ة', 'ه'), " ").Trim();
        }
        text = NonLetters().Replace(text.Replace("'", "").Replace("`", "").Replace("’", ""), " ");
        var words = Whitespace().Split(text.Trim()).Select(w => Words.TryGetValue(w, out var canonical) ? canonical : w).Where(w => w.Length > 0);
        text = string.Join(' ', words);

        // Compounds written apart or together: "abdul rahman", "abdur rahman", "najib ullah", "noor ul haq".
        text = AbdPrefix().Replace(text, "abdul");
        text = UllahSuffix().Replace(text, "ullah");
        text = UlJoin().Replace(text, "$1ul$2");
        text = MuhammadRoot().Replace(text, "muhammad");
        text = AhmadRoot().Replace(text, "ahmad");

        var letters = new StringBuilder(text)
            .Replace("ph", "f").Replace("v", "w").Replace("q", "k").Replace("ck", "k").Replace("gh", "g").Replace("kh", "x")
            .Replace("ee", "i").Replace("ea", "i").Replace("oo", "u").Replace("ou", "u").Replace("ow", "u")
            .Replace('o', 'u').Replace('e', 'i').Replace('y', 'i')
            .ToString();
        letters = Doubled().Replace(letters, "$1");
        return letters.Replace("rihman", "rahman");
    }

    /// <summary>
    /// All spellings of a person folded into one line: what the clear-text search indexed before names were sealed.
    /// Kept for bench/run.sh, which rebuilds that search on a copy of the names to compare the sealed search with.
    /// </summary>
    public static string SearchText(IEnumerable<string?> spellings) =>
        string.Join(" | ", spellings.Select(Normalise).Where(s => s.Length > 0).Distinct());

    private static string RemoveDiacritics(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark || c is >= '\u0600' and <= '\u06FF')
            {
                kept.Append(c);
            }
        }
        return kept.ToString().Normalize(NormalizationForm.FormC);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[^\p{L}\s]")]
    private static partial Regex NonLetters();

    [GeneratedRegex(@"\babd(?:ul|ur|al|el|ol|u)?\s*")]
    private static partial Regex AbdPrefix();

    [GeneratedRegex(@"\s*\bul+a+h?\b|(?<=\w)ul+a+h?\b")]
    private static partial Regex UllahSuffix();

    [GeneratedRegex(@"\b(\w+) ul (\w+)")]
    private static partial Regex UlJoin();

    [GeneratedRegex(@"\bm[ou]h[ae]?m+[ae]?d\b|\bmu?hammed\b|\bmohamad\b")]
    private static partial Regex MuhammadRoot();

    [GeneratedRegex(@"ahm[ae]d")]
    private static partial Regex AhmadRoot();

    [GeneratedRegex(@"([a-z])\1+")]
    private static partial Regex Doubled();
}
