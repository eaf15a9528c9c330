using System.Text.RegularExpressions;

namespace SivTracker.UnitTests;

/// <summary>The repository's own files, for the tests that read the code as text.</summary>
internal static partial class Repository
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SivTracker.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("SivTracker.sln not found above the test binaries.");
    }

    /// <summary>Line and block comments, so a rule is checked against the code and not against what is said about it.</summary>
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    public static partial Regex Comment();
}
