using System.Reflection;
using System.Text.RegularExpressions;
using SivTracker.Web.Infrastructure;

namespace SivTracker.UnitTests;

/// <summary>
/// One way to write an audit row: through <see cref="Audit"/>, named by a constant of <see cref="AuditActions"/>. An
/// action spelled out at a call site drifts from the list (a typo is a new action nobody searches the log for), so the
/// sources are read for one.
/// </summary>
public partial class AuditActionsTests
{
    [Fact]
    public void EveryAuditRow_IsNamedByAConstant_AndWrittenThroughAudit()
    {
        var source = Path.Combine(Repository.Root(), "src", "SivTracker.Web");
        var offenders = new List<string>();
        foreach (var file in Sources(source))
        {
            var code = Repository.Comment().Replace(File.ReadAllText(file), "");
            var name = Path.GetRelativePath(source, file);
            offenders.AddRange(LiteralActions(code).Select(call => $"{name}: {call}"));
            if (name != Path.Combine("Infrastructure", "Audit.cs"))
            {
                offenders.AddRange(DirectWrite().Matches(code).Select(m => $"{name}: {m.Value} (write it through Audit)"));
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void TheScanItselfCatchesALiteralAction()
    {
        const string code = """
            audit.Record("person.viewed", "person", id);
            await audit.RecordNowAsync(ok ? "sign-in.succeeded" : AuditActions.SignInFailed, "user", id);
            audit.Record(AuditActions.PersonEdited, "person", id, $"fields: {string.Join(", ", changed)}");
            await audit.RecordNowAsync(AuditActions.ReportViewed, "report", report.Name, "rows=3", ct: ct);
            error = @case.Record(catalog, "COM_REVIEW", on, today, actor);
            db.AuditEvents.Add(new AuditEvent { Action = "stage-catalog.changed" });
            """;

        Assert.Equal(2, LiteralActions(code).Count);
        Assert.Equal(2, DirectWrite().Matches(code).Count);
    }

    [Fact]
    public void EveryAction_IsDistinct_AndFitsTheColumn()
    {
        var values = Actions().Select(a => a.Value).ToList();

        Assert.NotEmpty(values);
        Assert.Equal(values.Count, values.Distinct().Count());
        Assert.All(values, value => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*$", value));
        // audit_events.action is varchar(80).
        Assert.All(values, value => Assert.True(value.Length <= 80, value));
    }

    [Fact]
    public void EveryAction_HasASummary_AndIsRecordedSomewhere()
    {
        var source = Path.Combine(Repository.Root(), "src", "SivTracker.Web");
        var list = Path.Combine(source, "Infrastructure", "AuditActions.cs");
        var lines = File.ReadAllLines(list);
        // Every use but the declarations themselves and the [Audited] claims, which record nothing.
        var uses = string.Join('\n', Sources(source).Where(f => f != list)
            .SelectMany(file => File.ReadAllLines(file)).Where(line => !line.TrimStart().StartsWith("[Audited(", StringComparison.Ordinal)));
        var problems = new List<string>();

        foreach (var (name, _) in Actions())
        {
            var at = Array.FindIndex(lines, line => line.Contains($" const string {name} ", StringComparison.Ordinal));
            if (at < 1 || !lines[at - 1].TrimStart().StartsWith("/// <summary>", StringComparison.Ordinal) || !lines[at - 1].TrimEnd().EndsWith("</summary>", StringComparison.Ordinal))
            {
                problems.Add($"{name} has no one-line summary above it");
            }
            if (!Regex.IsMatch(uses, $@"\bAuditActions\.{name}\b"))
            {
                problems.Add($"{name} is recorded nowhere");
            }
        }

        Assert.Empty(problems);
    }

    /// <summary>Calls of Record or RecordNowAsync whose first argument holds a string literal, however it is built.</summary>
    private static List<string> LiteralActions(string code)
    {
        var found = new List<string>();
        foreach (Match call in AuditCall().Matches(code))
        {
            var first = FirstArgument(code, call.Index + call.Length);
            if (first.Contains('"')) found.Add($"{call.Value}{first}");
        }
        return found;
    }

    /// <summary>The text up to the first comma or closing parenthesis outside any brackets or string.</summary>
    private static string FirstArgument(string code, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < code.Length; i++)
        {
            var c = code[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}' when depth == 0:
                    return code[start..i];
                case ')' or ']' or '}':
                    depth--;
                    break;
                case ',' when depth == 0:
                    return code[start..i];
            }
        }
        return code[start..];
    }

    private static IEnumerable<(string Name, string Value)> Actions() =>
        typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!));

    private static IEnumerable<string> Sources(string source) =>
        Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(source, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "Migrations"));

    [GeneratedRegex(@"\b(Record|RecordNowAsync)\s*\(")]
    private static partial Regex AuditCall();

    [GeneratedRegex(@"\bnew\s+AuditEvent\b|\bAction\s*=\s*[$@]*""")]
    private static partial Regex DirectWrite();
}
