using System.Globalization;

namespace SivTracker.Web.Domain;

/// <summary>
/// The Solar Hijri calendar of tazkiras and Afghan documents, and the Persian (۰–۹) and Arabic-Indic (٠–٩) digits they
/// are written and typed in. Dates are stored Gregorian; these convert on the way in and out.
/// </summary>
public static class SolarHijri
{
    private static readonly PersianCalendar Calendar = new();

    /// <summary>
    /// Years no Gregorian date SivTracker records can have (births start at 1900), and every Solar Hijri one it can
    /// (1279 began in March 1900): a year in this range is Solar Hijri, so no calendar has to be named to type one.
    /// </summary>
    public const int FirstYear = 1279;

    public const int LastYear = 1499;

    public static bool IsSolarHijriYear(int year) => year is >= FirstYear and <= LastYear;

    /// <summary>The text with Persian and Arabic-Indic digits as Western ones; anything else as it was.</summary>
    public static string WesternDigits(string value)
    {
        if (!value.Any(c => c is >= '\u06F0' and <= '\u06F9' or >= '\u0660' and <= '\u0669')) return value;
        return string.Create(value.Length, value, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c switch
                {
                    >= '\u06F0' and <= '\u06F9' => (char)('0' + (c - '\u06F0')),
                    >= '\u0660' and <= '\u0669' => (char)('0' + (c - '\u0660')),
                    _ => c,
                };
            }
        });
    }

    /// <summary>The Gregorian day of a Solar Hijri date, or null when there is no such day (month 12 has 29 days outside leap years).</summary>
    public static DateOnly? ToGregorian(int year, int month, int day)
    {
        if (!IsSolarHijriYear(year) || month is < 1 or > 12 || day < 1 || day > Calendar.GetDaysInMonth(year, month)) return null;
        return DateOnly.FromDateTime(Calendar.ToDateTime(year, month, day, 0, 0, 0, 0));
    }

    public static (int Year, int Month, int Day) FromGregorian(DateOnly date)
    {
        var time = date.ToDateTime(TimeOnly.MinValue);
        return (Calendar.GetYear(time), Calendar.GetMonth(time), Calendar.GetDayOfMonth(time));
    }

    /// <summary>
    /// The Gregorian day of a Solar Hijri date typed as a tazkira writes it (1370/02/22, 1370-2-22, in any digits); null
    /// when the text is not one (a Gregorian date, say) or names no day.
    /// </summary>
    public static DateOnly? ParseDate(string value)
    {
        var invariant = CultureInfo.InvariantCulture;
        return WesternDigits(value.Trim()).Split('-', '/') is [var y, var m, var d] && y.Length == 4
            && int.TryParse(y, NumberStyles.None, invariant, out var year) && IsSolarHijriYear(year)
            && int.TryParse(m, NumberStyles.None, invariant, out var month) && int.TryParse(d, NumberStyles.None, invariant, out var day)
            ? ToGregorian(year, month, day)
            : null;
    }

    /// <summary>The Gregorian days a Solar Hijri year spans: 1370 is 21 March 1991 to 20 March 1992.</summary>
    public static (DateOnly First, DateOnly Last) YearSpan(int year) =>
        (ToGregorian(year, 1, 1)!.Value, ToGregorian(year + 1, 1, 1)!.Value.AddDays(-1));

    /// <summary>"1370/02/22", as a tazkira writes it.</summary>
    public static string Format(DateOnly date)
    {
        var (year, month, day) = FromGregorian(date);
        return $"{year:D4}/{month:D2}/{day:D2}";
    }
}
