using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>What people read for stored codes.</summary>
public static class Labels
{
    public static string For(SafetyStatus value) => value switch
    {
        SafetyStatus.InHiding => "In hiding",
        SafetyStatus.Displaced => "Displaced",
        SafetyStatus.ThirdCountry => "In a third country",
        SafetyStatus.DeportationRisk => "Third country, deportation risk",
        SafetyStatus.Safe => "Safe",
        _ => "Unknown",
    };

    public static string For(EmployerType value) => value switch
    {
        EmployerType.UsMilitary => "U.S. military unit",
        EmployerType.UsEmbassyOrAgency => "U.S. embassy or agency",
        EmployerType.Contractor => "Contractor",
        _ => "ISAF / Resolute Support",
    };

    public static string For(PersonFileKind value) => value switch
    {
        PersonFileKind.Tazkira => "Tazkira",
        PersonFileKind.Passport => "Passport",
        PersonFileKind.Photo => "Photo",
        _ => "Other document",
    };

    public static string For(ServiceRole value) => value == ServiceRole.Interpreter ? "Interpreter / translator" : value.ToString();

    public static string For(DatePrecision value) => value switch
    {
        DatePrecision.YearOnly => "year only",
        DatePrecision.Estimated => "estimated",
        DatePrecision.SolarHijriYear => "Solar Hijri year only",
        _ => "exact",
    };

    public static string DateOfBirth(DateOnly? date, DatePrecision precision) => date switch
    {
        null => "unknown",
        { } d when precision == DatePrecision.YearOnly => d.Year.ToString(),
        { } d when precision == DatePrecision.SolarHijriYear && Person.BirthSpan(d, precision) is var (first, last) =>
            $"{SolarHijri.FromGregorian(d).Year} SH ({first:d MMM yyyy} to {last:d MMM yyyy})",
        { } d when precision == DatePrecision.Estimated => $"about {d:d MMM yyyy}",
        { } d => d.ToString("d MMM yyyy"),
    };

    /// <summary>A full date of birth in the Solar Hijri calendar of the tazkira ("1370/02/22 SH"), for a tooltip; else nothing.</summary>
    public static string? OtherCalendar(DateOnly? date, DatePrecision precision) =>
        date is { } d && precision is DatePrecision.Exact or DatePrecision.Estimated ? $"{SolarHijri.Format(d)} SH" : null;

    /// <summary>"12 Mar 2024 (2 years ago)".</summary>
    public static string Date(DateOnly? date, DateOnly today)
    {
        if (date is not { } d) return "—";
        var days = today.DayNumber - d.DayNumber;
        var ago = Math.Abs(days) switch
        {
            0 => "today",
            < 45 => $"{Math.Abs(days)} days",
            < 365 => $"{Math.Abs(days) / 30} months",
            _ => Math.Abs(days) / 365 == 1 ? "1 year" : $"{Math.Abs(days) / 365} years",
        };
        return days == 0 ? $"{d:d MMM yyyy} (today)" : days > 0 ? $"{d:d MMM yyyy} ({ago} ago)" : $"{d:d MMM yyyy} (in {ago})";
    }
}
