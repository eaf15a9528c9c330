using System.Net;
using System.Text.RegularExpressions;
using SivTracker.Web.Domain;

namespace SivTracker.UnitTests.Domain;

/// <summary>Every text the code shows exists in English, Dari and Pashto, and each translation is one.</summary>
public partial class TextTests
{
    private static readonly Language[] Translated = Text.Languages.Where(l => l != Text.English).ToArray();

    /// <summary>The keys the code names: T("...") calls and the label, hint and empty choice of every &lt;field&gt;.</summary>
    private static HashSet<string> KeysInTheCode()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var source = Path.Combine(Repository.Root(), "src", "SivTracker.Web");
        foreach (var path in Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(p => (p.EndsWith(".cs") || p.EndsWith(".cshtml")) && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains("Migrations")))
        {
            var text = File.ReadAllText(path);
            foreach (Match call in Call().Matches(text))
            {
                keys.Add(call.Groups[1].Value.Replace("\\\"", "\"").Replace("\\\\", "\\").Replace("\\n", "\n"));
            }
            if (!path.EndsWith(".cshtml")) continue;
            foreach (Match field in Field().Matches(text))
            {
                foreach (Match attribute in FieldText().Matches(field.Value))
                {
                    if (attribute.Groups[1].Value.Length > 0) keys.Add(WebUtility.HtmlDecode(attribute.Groups[1].Value));
                }
            }
        }
        return keys;
    }

    /// <summary>
    /// Texts looked up by value rather than written in a call: the catalog's default stage names, the reports' titles
    /// and descriptions, the import's columns and their notes, and the enum names shown as they are.
    /// </summary>
    private static IEnumerable<string> KeysByValue() =>
        StageCatalog.Defaults().Select(s => s.Name)
            .Concat(SivTracker.Web.Exports.Report.All.SelectMany(r => new[] { r.Title, r.Description }))
            .Concat(Enum.GetNames<CasePriority>())
            .Concat(SivTracker.Web.Imports.SpreadsheetImport.Columns.SelectMany(c => new[] { c.Name, c.Description }))
            .Concat(Enum.GetNames<TazkiraType>()).Concat(Enum.GetNames<ContactChannelKind>())
            .Concat(Enum.GetNames<ServiceRole>().Where(n => n != nameof(ServiceRole.Interpreter)));

    [Fact]
    public void EveryTextTheCodeShows_IsInEveryLanguage()
    {
        var keys = KeysInTheCode();
        Assert.True(keys.Count > 300, $"Only {keys.Count} texts found: is the pattern still finding the calls?");
        keys.UnionWith(KeysByValue());
        var missing = Text.Languages
            .SelectMany(language => keys.Where(key => !Text.All(language).TryGetValue(key, out var text) || string.IsNullOrWhiteSpace(text))
                .Select(key => $"{language.Code}: {key}"))
            .ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} texts missing (add them with scripts/texts.py add):\n" + string.Join("\n", missing.Take(50)));
    }

    [Fact]
    public void EveryTranslation_KeepsItsPlaceholders_AndIsWrittenInItsScript()
    {
        var english = Text.All(Text.English);
        var problems = new List<string>();
        foreach (var language in Translated)
        {
            foreach (var (key, text) in Text.All(language))
            {
                if (!english.ContainsKey(key)) problems.Add($"{language.Code}: {key} is not an English key");
                var wanted = Placeholder().Matches(key).Select(m => m.Value).Order().ToList();
                var found = Placeholder().Matches(text).Select(m => m.Value).Order().ToList();
                if (!wanted.SequenceEqual(found)) problems.Add($"{language.Code}: {key} → {text} (placeholders {string.Join(",", found)}, not {string.Join(",", wanted)})");
                // A text with an English word in it (not a form number or an acronym) has to come out in Arabic script.
                if (EnglishWord().IsMatch(Placeholder().Replace(key, "")) && !ArabicLetter().IsMatch(text)) problems.Add($"{language.Code}: {key} → {text} is not translated");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(50)));
    }

    [Fact]
    public void Lookup_FollowsTheCurrentLanguage_AndFallsBackToEnglish()
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fa-AF");
            Assert.Equal(Text.All(Translated[0])["Dashboard"], Text.T("Dashboard"));
            Assert.NotEqual("Dashboard", Text.T("Dashboard"));
            Assert.Equal("no such text, shown as written", Text.T("no such text, shown as written"));
            Assert.Equal(Text.All(Translated[0])["{0} days"].Replace("{0}", "12"), Text.T("{0} days", 12));
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("en");
            Assert.Equal("Dashboard", Text.T("Dashboard"));
            Assert.Equal("3 Mar 2024", Text.Day(new DateOnly(2024, 3, 3)));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = before;
        }
    }

    [Theory]
    [InlineData("fa-AF", false)]
    [InlineData("fa-AF", true)]
    [InlineData("ps-AF", false)]
    [InlineData("ps-AF", true)]
    public void EveryMonth_IsNamedInTheLanguage_InEitherCalendar(string code, bool solarHijri)
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo(code);
            Text.Shown = new Display(PersianDigits: false, SolarHijri: solarHijri);
            // Mid-month, so each date falls in a different month of either calendar.
            var days = Enumerable.Range(0, 12).Select(i => new DateOnly(2025, 1, 10).AddMonths(i)).ToList();
            var shown = days.Select(Text.Day).ToList();
            Assert.All(shown, day => Assert.DoesNotMatch("[A-Za-z]", day));
            Assert.Equal(12, shown.Select(day => day.Split(' ')[1]).Distinct().Count());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = before;
            Text.Shown = Display.Default;
        }
    }

    [Fact]
    public void ASolarHijriReader_SeesTheTazkirasCalendar()
    {
        Text.Shown = new Display(PersianDigits: false, SolarHijri: true);
        try
        {
            // Nowruz 1403 fell on 20 March 2024; 12 May 1991 is 22 Sawr 1370.
            Assert.Equal("1 Hamal 1403", Text.Day(new DateOnly(2024, 3, 20)));
            Assert.Equal("22 Sawr 1370", Text.Day(new DateOnly(1991, 5, 12)));
            Assert.Equal("Hut 1402", Text.Month(new DateOnly(2024, 3, 19)));
        }
        finally
        {
            Text.Shown = Display.Default;
        }
        Assert.Equal("20 Mar 2024", Text.Day(new DateOnly(2024, 3, 20)));
    }

    [GeneratedRegex(@"(?<![\w.])(?:Text\.)?T\(""((?:[^""\\\n]|\\.)*)""")]
    private static partial Regex Call();

    [GeneratedRegex(@"<field\b[^>]*>", RegexOptions.Singleline)]
    private static partial Regex Field();

    [GeneratedRegex(@"\b(?:label|hint|empty-option)=""([^""@]*)""")]
    private static partial Regex FieldText();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\b[a-z]{3,}\b")]
    private static partial Regex EnglishWord();

    [GeneratedRegex(@"[\u0600-\u06FF]")]
    private static partial Regex ArabicLetter();
}
