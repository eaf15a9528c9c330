using System.Text;

namespace SivTracker.Web.Domain;

/// <summary>
/// Characters that change how text reads without being seen. The direction overrides, embeddings and isolates
/// (U+202A–U+202E, U+2066–U+2069) reorder what follows them: a name can display as another name, a passport number
/// with its digits in another order. The zero-width space and joiner (U+200B, U+200D), the byte order mark (U+FEFF)
/// and the word joiner (U+2060) show nothing, so two names that look identical compare different and a duplicate
/// slips past the check. The direction marks LRM, RLM and ALM (U+200E, U+200F, U+061C) are refused too: they are as
/// invisible, they can move punctuation and digits, and no name needs them, because every name field already lays out
/// Dari and Pashto right to left by itself (dir="auto"). The zero-width non-joiner (U+200C) stays: Dari and Pashto
/// spelling needs it, and it shows, as the letter shapes it keeps apart.
/// </summary>
public static class TextSafety
{
    private const char ZeroWidthNonJoiner = '\u200C';

    public static bool IsRefused(char c) =>
        c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200B' or '\u200D' or '\u200E' or '\u200F' or '\u061C' or '\u2060' or '\uFEFF';

    /// <summary>The first refused character in the text, or null when it has none.</summary>
    public static char? FirstRefused(string? text)
    {
        if (text is null) return null;
        foreach (var c in text)
        {
            if (IsRefused(c)) return c;
        }
        return null;
    }

    /// <summary>"U+202E": how a message names a character nobody can see.</summary>
    public static string CodePoint(char c) => $"U+{(int)c:X4}";

    /// <summary>The message beside a field (or a cell, for the import) that holds <paramref name="found"/>.</summary>
    public static string Refusal(char found, string? place = null) =>
        Text.T("Remove the invisible or direction-changing character ({0}) from {1}.", CodePoint(found), place ?? Text.T("this field"));

    /// <summary>The text with each refused character written as its code point, so echoing a refused value back cannot reorder the page.</summary>
    public static string Revealed(string text)
    {
        if (FirstRefused(text) is null) return text;
        var shown = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsRefused(c)) shown.Append('[').Append(CodePoint(c)).Append(']');
            else shown.Append(c);
        }
        return shown.ToString();
    }

    /// <summary>
    /// The text as a reader sees it, for comparing names and identifiers: refused characters and the zero-width
    /// non-joiner removed. ZWNJ changes how letters join, not which name it is: عبدالله written with or without it is one name.
    /// </summary>
    public static string WithoutInvisible(string text)
    {
        if (text.IndexOf(ZeroWidthNonJoiner) < 0 && FirstRefused(text) is null) return text;
        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c != ZeroWidthNonJoiner && !IsRefused(c)) kept.Append(c);
        }
        return kept.ToString();
    }
}
