using System.Collections.Frozen;
using System.Globalization;
using System.Xml.Linq;

namespace SivTracker.Web.Domain;

/// <summary>A language SivTracker speaks: its culture code, its name in itself, and which way its script runs.</summary>
public sealed record Language(string Code, string NativeName, bool RightToLeft);

/// <summary>
/// How a user likes dates and numbers shown: Persian digits (۱۲۳) rather than Western ones, and dates in the Solar
/// Hijri calendar of Afghan documents rather than the Gregorian one. Stored values are always Gregorian and Western.
/// </summary>
public sealed record Display(bool PersianDigits, bool SolarHijri)
{
    public static readonly Display Default = new(false, false);

    /// <summary>"digits=persian&amp;calendar=sh", as the cookie and the sign-in claim carry it.</summary>
    public override string ToString() => $"digits={(PersianDigits ? "persian" : "western")}&calendar={(SolarHijri ? "sh" : "gregorian")}";

    public static Display Parse(string? value) =>
        value is null ? Default : new(value.Contains("digits=persian", StringComparison.Ordinal), value.Contains("calendar=sh", StringComparison.Ordinal));
}

/// <summary>
/// What a person reads, in their language. The English text is the key: Resources/Text.resx lists every one, and
/// Text.fa-AF.resx and Text.ps-AF.resx give each in Dari and Pashto. The language is the current UI culture (a request's
/// is chosen by LanguageChoice); dates and numbers keep one format, so every input parses the same in any language.
/// </summary>
public static class Text
{
    public static readonly Language English = new("en", "English", false);

    public static readonly IReadOnlyList<Language> Languages = [English, new("fa-AF", "دری", true), new("ps-AF", "پښتو", true)];

    /// <summary>
    /// Each language's texts, read once from its .resx file embedded as it is: keys are compared exactly, so "Case"
    /// and "case" (a heading and a word inside a sentence) are two texts, which compiled resources would refuse.
    /// </summary>
    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> Texts = Languages.ToFrozenDictionary(l => l.Code, Load);

    private static FrozenDictionary<string, string> Load(Language language)
    {
        var name = language == English ? "SivTracker.Web.Resources.Text.resx" : $"SivTracker.Web.Resources.Text.{language.Code}.resx";
        using var stream = typeof(Text).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"{name} is not embedded.");
        return XDocument.Load(stream).Root!.Elements("data")
            .ToFrozenDictionary(data => (string)data.Attribute("name")!, data => (string?)data.Element("value") ?? "", StringComparer.Ordinal);
    }

    private static readonly AsyncLocal<Display?> CurrentDisplay = new();

    /// <summary>The current request's choice of digits and calendar (set once per request, like its language).</summary>
    public static Display Shown
    {
        get => CurrentDisplay.Value ?? Display.Default;
        set => CurrentDisplay.Value = value;
    }

    /// <summary>The language of the current request (or command).</summary>
    public static Language Current => Find(CultureInfo.CurrentUICulture.Name) ?? English;

    public static Language? Find(string? code) => Languages.FirstOrDefault(l => string.Equals(l.Code, code, StringComparison.OrdinalIgnoreCase));

    private static readonly AsyncLocal<IReadOnlyDictionary<string, string>?> CurrentWritten = new();

    /// <summary>
    /// Texts people wrote in the reader's language for names they gave (a stage the system administrator renamed and
    /// named in Dari and Pashto), set once per request; they win over the resource files.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Written
    {
        get => CurrentWritten.Value;
        set => CurrentWritten.Value = value;
    }

    /// <summary>"Dashboard" in the reader's language; English where a translation is missing (a test fails on that).</summary>
    /// <summary>Hebrew and Arabic script, Dari and Pashto included, with their presentation forms: written right to left.</summary>
    public static bool IsRightToLeftScript(char c) =>
        c is >= '\u0590' and <= '\u08FF' or >= '\uFB1D' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF';

    public static string T(string english) =>
        Current is var language && language == English ? english
        : Written?.GetValueOrDefault(english) ?? Texts[language.Code].GetValueOrDefault(english, english);

    /// <summary>"{0} days" in the reader's language, its placeholders filled.</summary>
    public static string T(string english, params object?[] values) => string.Format(CultureInfo.InvariantCulture, T(english), values);

    /// <summary>
    /// A Latin-script value (a phone or passport number, an email) kept left to right inside right-to-left text: wrapped
    /// in Unicode's left-to-right isolate, so "+93 70 123 4567" does not come out as "93 70 123 4567+" in Dari.
    /// </summary>
    public static string? Ltr(string? value) => value is null || !Current.RightToLeft ? value : $"\u2066{value}\u2069";

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>The Solar Hijri months by their Afghan names, Hamal (from 21 March) to Hut.</summary>
    private static readonly string[] SolarHijriMonths = ["Hamal", "Sawr", "Jawza", "Saratan", "Asad", "Sunbula", "Mizan", "Aqrab", "Qaws", "Jadi", "Dalw", "Hut"];

    /// <summary>"12 Mar 2024" (or "23 Hut 1402" to a user who reads Solar Hijri dates), its month named in the reader's language.</summary>
    public static string Day(DateOnly date)
    {
        if (!Shown.SolarHijri) return $"{date.Day} {T(Months[date.Month - 1])} {date.Year}";
        var (year, month, day) = SolarHijri.FromGregorian(date);
        return $"{day} {T(SolarHijriMonths[month - 1])} {year}";
    }

    /// <summary>"Mar 2024" (or "Hamal 1403"), its month named in the reader's language.</summary>
    public static string Month(DateOnly date)
    {
        if (!Shown.SolarHijri) return $"{T(Months[date.Month - 1])} {date.Year}";
        var (year, month, _) = SolarHijri.FromGregorian(date);
        return $"{T(SolarHijriMonths[month - 1])} {year}";
    }

    /// <summary>The day, or nothing when there is none.</summary>
    public static string Day(DateOnly? date) => date is { } d ? Day(d) : "";

    /// <summary>The day of a moment, as its own offset has it.</summary>
    public static string Day(DateTimeOffset moment) => Day(DateOnly.FromDateTime(moment.DateTime));

    public static string Day(DateTimeOffset? moment) => moment is { } m ? Day(m) : "";

    /// <summary>"3 Mar 2024 14:05", as the moment's own offset has it.</summary>
    public static string Moment(DateTimeOffset moment, bool seconds = false) => $"{Day(moment)} {moment.ToString(seconds ? "HH:mm:ss" : "HH:mm", CultureInfo.InvariantCulture)}";

    /// <summary>Every key and its text in one language, for the tests that look for gaps.</summary>
    public static IReadOnlyDictionary<string, string> All(Language language) => Texts[language.Code];
}
