using FluentValidation;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.UnitTests.Domain;

public class TextSafetyTests
{
    private sealed record Field(string? Text);

    private static readonly InlineValidator<Field> NameRule = new() { v => v.RuleFor(f => f.Text).PlainText(200) };

    [Theory]
    [InlineData(0x202A)] // left-to-right embedding
    [InlineData(0x202B)] // right-to-left embedding
    [InlineData(0x202C)] // pop directional formatting
    [InlineData(0x202D)] // left-to-right override
    [InlineData(0x202E)] // right-to-left override
    [InlineData(0x2066)] // left-to-right isolate
    [InlineData(0x2067)] // right-to-left isolate
    [InlineData(0x2068)] // first strong isolate
    [InlineData(0x2069)] // pop directional isolate
    [InlineData(0x200B)] // zero-width space
    [InlineData(0x200D)] // zero-width joiner
    [InlineData(0xFEFF)] // byte order mark
    [InlineData(0x200E)] // left-to-right mark
    [InlineData(0x200F)] // right-to-left mark
    [InlineData(0x061C)] // Arabic letter mark
    [InlineData(0x2060)] // word joiner
    public void EachInvisibleOrDirectionChangingCharacter_IsRefused_AndTheMessageNamesIt(int codePoint)
    {
        var name = $"Hamid{(char)codePoint}Karimi";

        var found = TextSafety.FirstRefused(name);
        var errors = NameRule.Validate(new Field(name)).Errors;

        Assert.Equal((char)codePoint, found);
        var error = Assert.Single(errors);
        Assert.Equal($"Remove the invisible or direction-changing character (U+{codePoint:X4}) from this field.", error.ErrorMessage);
    }

    [Theory]
    [InlineData("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645")] // Dari: the zero-width non-joiner keeps the prefix apart
    [InlineData("\u0639\u0628\u062F\u200C\u0627\u0644\u0644\u0647 \u06A9\u0631\u06CC\u0645\u06CC")]
    [InlineData("Mohammad Karimi")]
    [InlineData("Maryam\u00A0Karimi\u202Fx\u200Ay\u2010z\u0640")] // spaces, a hyphen and the tatweel all show
    public void TextWithoutThem_IsAccepted_TheZeroWidthNonJoinerIncluded(string text)
    {
        Assert.Null(TextSafety.FirstRefused(text));
        Assert.Empty(NameRule.Validate(new Field(text)).Errors);
    }

    [Fact]
    public void ARefusedValue_IsEchoedWithItsCodePointsWritten()
    {
        Assert.Equal("Hamid[U+202E]exe.pdf", TextSafety.Revealed("Hamid\u202Eexe.pdf"));
        Assert.Equal("Hamid", TextSafety.Revealed("Hamid"));
    }

    [Fact]
    public void ForComparison_InvisibleCharactersAndTheNonJoinerGo()
    {
        Assert.Equal("\u0639\u0628\u062F\u0627\u0644\u0644\u0647", TextSafety.WithoutInvisible("\u0639\u0628\u062F\u200C\u0627\u0644\u0644\u0647"));
        Assert.Equal("HamidKarimi", TextSafety.WithoutInvisible("\u202BHamid\u200B\u200DKarimi\uFEFF"));
    }

    [Fact]
    public void IdentifierLookups_IgnoreInvisibleCharacters()
    {
        Assert.Equal(Identifiers.Compact("1234567"), Identifiers.Compact("123\u200B45\u2066" + "67"));
        Assert.Equal(Identifiers.CompactPhone("+93 70 123 4567"), Identifiers.CompactPhone("+93\u200E 70 123 4567"));
    }
}
