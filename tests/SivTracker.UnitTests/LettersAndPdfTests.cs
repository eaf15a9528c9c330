using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.UnitTests;

public class LettersAndPdfTests
{
    [Fact]
    public void AMerge_PutsValuesInAsTheyAre_AndLeavesAGapWhereThereIsNone()
    {
        var merged = Letters.Merge("Dear {{ service.supervisor_name }}, re {{case.reference}} ({{case.nvc_case_number}})",
            new Dictionary<string, string?> { ["service.supervisor_name"] = "<b>Ruiz</b> & {{case.reference}}", ["case.reference"] = "A-1" });

        Assert.Equal($"Dear <b>Ruiz</b> & {{{{case.reference}}}}, re A-1 ({Letters.Gap})", merged);
    }

    [Fact]
    public void UnknownFields_AreNamed_AndEveryBuiltInTextUsesOnlyKnownOnes()
    {
        Assert.Equal(["person.phone", "Case.Reference"], Letters.UnknownFields("{{person.phone}} {{case.reference}} {{Case.Reference}} {{person.phone}}"));
        Assert.All(Enum.GetValues<LetterKind>(), kind => Assert.Empty(Letters.UnknownFields(Letters.BuiltIn(kind))));
    }

    [Fact]
    public void Paragraphs_AreSplitByBlankLines_AndLetterDirectionFollowsItsFirstLetter()
    {
        Assert.Equal([["one", "two"], ["three"]], Letters.Paragraphs("one\r\ntwo\r\n  \r\n\r\nthree\n"));
        Assert.True(Letters.IsRightToLeft("12 جنوری: محترم"));
        Assert.False(Letters.IsRightToLeft("Dear محترم"));
    }

    [Theory]
    // A Dari sentence with a Latin case number and a date inside it: the number reads left to right, the rest right to left.
    [InlineData("شماره KBL2017456789 تاریخ 2024-01-20", true, "R:شماره |L:KBL2017456789|R: تاریخ |L:2024-01-20")]
    // English with a Dari name: the spaces between two Dari words stay in the Dari run.
    [InlineData("Name: احمد ښکلی (AF)", false, "L:Name: |R:احمد ښکلی|L: (AF)")]
    [InlineData("", false, "")]
    public void DirectionalRuns_SplitTextWhereItsDirectionChanges(string text, bool rightToLeft, string expected)
    {
        var runs = PdfComposer.DirectionalRuns(text, rightToLeft).Select(r => (r.RightToLeft ? "R:" : "L:") + r.Text);
        Assert.Equal(expected, string.Join("|", runs));
    }
}
