using System.Text.RegularExpressions;

namespace SivTracker.Web.Domain;

/// <summary>Normal forms of the identifiers people type with spaces, dashes and mixed case.</summary>
public static partial class Identifiers
{
    /// <summary>
    /// Upper case without spaces, dashes, dots or slashes: "kbl-2017 4567 890" becomes "KBL20174567890". Invisible
    /// characters go too (TextSafety), so they cannot hide a duplicate.
    /// </summary>
    /// <summary>Without separators, in upper case and Western digits: a number typed in Persian digits finds the same record.</summary>
    public static string Compact(string? value) =>
        value is null ? "" : Separators().Replace(SolarHijri.WesternDigits(TextSafety.WithoutInvisible(value)), "").ToUpperInvariant();

    /// <summary>NVC/COM case numbers and USCIS receipt numbers: 3 letters then 10 digits.</summary>
    public static bool IsCaseNumber(string? value) => CaseNumberPattern().IsMatch(Compact(value));

    /// <summary>A phone number in international form: + and 7 to 15 digits once spaces and dashes are gone.</summary>
    public static string CompactPhone(string? value) => value is null ? "" : PhoneSeparators().Replace(SolarHijri.WesternDigits(TextSafety.WithoutInvisible(value)), "");

    public static bool IsInternationalPhone(string? value) => PhonePattern().IsMatch(CompactPhone(value));

    /// <summary>
    /// What a blind index is computed over: the organisation and the value in lookup form. Two NGOs holding the same
    /// passport number store unrelated index values, so a dump does not show which NGOs share a person.
    /// </summary>
    public static string Lookup(Guid organisationId, string value) => $"{organisationId:N}|{value}";

    public static string TazkiraLookup(Guid organisationId, string? tazkira) => Lookup(organisationId, Compact(tazkira));

    public static string PassportLookup(Guid organisationId, string? number) => Lookup(organisationId, Compact(number));

    /// <summary>Emails compare in lower case; phone and messaging numbers by their digits.</summary>
    public static string ContactLookup(Guid organisationId, ContactChannelKind kind, string? value) =>
        Lookup(organisationId, kind == ContactChannelKind.Email ? (value ?? "").Trim().ToLowerInvariant() : CompactPhone(value));

    [GeneratedRegex(@"[\s\-./]")]
    private static partial Regex Separators();

    [GeneratedRegex(@"[\s\-().]")]
    private static partial Regex PhoneSeparators();

    [GeneratedRegex(@"^[A-Z]{3}[0-9]{10}$")]
    private static partial Regex CaseNumberPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhonePattern();
}
