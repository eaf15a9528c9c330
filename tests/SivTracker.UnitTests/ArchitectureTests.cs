using System.Text.RegularExpressions;

namespace SivTracker.UnitTests;

/// <summary>
/// Namespaces depend one way: Domain ← Data ← Infrastructure ← features ← Pages ← Hosting (the composition that
/// Program.cs calls). A rule or a service placed below what it uses fails here, with the file and the reference.
/// </summary>
public partial class ArchitectureTests
{
    private static readonly string[] Features = ["Background", "Backlog", "Cli", "Demo", "Evidence", "Exports", "Imports"];

    /// <summary>What each folder may use besides itself.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Domain"] = [],
        ["Data"] = ["Domain"],
        ["Infrastructure"] = ["Domain", "Data"],
        ["Pages"] = ["Domain", "Data", "Infrastructure", .. Features],
        // The API answers through the pages' handlers, as another face of them.
        ["Api"] = ["Domain", "Data", "Infrastructure", "Pages", .. Features],
        ["Hosting"] = ["Domain", "Data", "Infrastructure", "Pages", "Api", .. Features],
    }.Concat(Features.Select(f => KeyValuePair.Create(f, (string[])["Domain", "Data", "Infrastructure", .. Features]))).ToDictionary();

    [Fact]
    public void EveryFolder_UsesOnlyTheLayersBelowIt()
    {
        var source = Path.Combine(Repository.Root(), "src", "SivTracker.Web");
        var offenders = new List<string>();
        foreach (var (folder, allowed) in Allowed)
        {
            var files = Directory.Exists(Path.Combine(source, folder))
                ? Directory.GetFiles(Path.Combine(source, folder), "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("Migrations")).ToList()
                : [];
            Assert.True(files.Count > 0 || folder == "Demo", $"no sources in {folder}");
            foreach (var file in files)
            {
                var code = Repository.Comment().Replace(File.ReadAllText(file), "");
                foreach (Match used in Reference().Matches(code))
                {
                    var layer = used.Groups["layer"].Value;
                    if (layer != folder && Allowed.ContainsKey(layer) && !allowed.Contains(layer))
                    {
                        offenders.Add($"{Path.GetRelativePath(source, file)} uses {layer} ({used.Value})");
                    }
                }
            }
        }

        Assert.Empty(offenders.Distinct());
    }

    [Fact]
    public void TheRuleItselfCatchesAReferenceUpwards()
    {
        var code = "using SivTracker.Web.Pages.Applicants;\nvar x = Pages.Applicants.PersonForm.From(p);";

        Assert.Equal(["Pages", "Pages"], Reference().Matches(code).Select(m => m.Groups["layer"].Value));
    }

    [GeneratedRegex(@"SivTracker\.Web\.(?<layer>Api|Background|Backlog|Cli|Data|Demo|Domain|Evidence|Exports|Hosting|Imports|Infrastructure|Pages)\b|(?<![\w.])(?<layer>Api|Background|Backlog|Cli|Data|Demo|Domain|Evidence|Exports|Hosting|Imports|Infrastructure|Pages)\.[A-Z]")]
    private static partial Regex Reference();
}
