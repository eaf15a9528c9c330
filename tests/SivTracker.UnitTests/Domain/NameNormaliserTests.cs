using SivTracker.Web.Domain;

namespace SivTracker.UnitTests.Domain;

public class NameNormaliserTests
{
    [Theory]
    [InlineData("\u0639\u0628\u062F\u0627\u0644\u0644\u0647", "\u0639\u0628\u062F\u200C\u0627\u0644\u0644\u0647")] // with and without ZWNJ
    [InlineData("\u0639\u0628\u062F\u0627\u0644\u0644\u0647", "\u0639\u0628\u062F\u200B\u0627\u0644\u0644\u0647")] // a zero-width space inside
    [InlineData("\u0645\u062D\u0645\u062F \u06A9\u0631\u06CC\u0645\u06CC", "\u202B\u0645\u062D\u0645\u062F \u06A9\u0631\u06CC\u0645\u06CC\u202C")] // wrapped in an embedding
    [InlineData("Mohammad Karimi", "Moham\u200Bmad Karimi")]
    [InlineData("Mohammad Karimi", "\u202EMohammad\u200D Karimi\uFEFF")]
    [InlineData("Abdullah", "Abdul\u200Clah")]
    public void SpellingsDifferingOnlyByInvisibleCharacters_FoldTheSame(string plain, string withInvisible)
    {
        var folded = NameNormaliser.Normalise(plain);

        Assert.NotEmpty(folded);
        Assert.Equal(folded, NameNormaliser.Normalise(withInvisible));
    }
}
