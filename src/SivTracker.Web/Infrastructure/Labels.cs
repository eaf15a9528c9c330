using SivTracker.Web.Domain;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Infrastructure;

/// <summary>What people read for stored codes.</summary>
public static class Labels
{
    public static string For(SafetyStatus value) => value switch
    {
        SafetyStatus.InHiding => T("In hiding"),
        SafetyStatus.Displaced => T("Displaced"),
        SafetyStatus.ThirdCountry => T("In a third country"),
        SafetyStatus.DeportationRisk => T("Third country, deportation risk"),
        SafetyStatus.Safe => T("Safe"),
        _ => T("Unknown"),
    };

    public static string For(ConsentKind value) => value switch
    {
        ConsentKind.ShareWithOrganisation => T("Share the case with a named organisation"),
        ConsentKind.ShareWithPartners => T("Share the case with partner organisations"),
        ConsentKind.ContactByMessage => T("Be contacted by message"),
        _ => T("Keep data past the retention period"),
    };

    public static string For(ConsentMethod value) => value switch
    {
        ConsentMethod.SignedForm => T("Signed form"),
        ConsentMethod.Verbal => T("Verbally, recorded by a caseworker"),
        _ => T("In the applicant portal"),
    };

    public static string For(ReferralMode value) => value == ReferralMode.Transfer ? T("Transfer") : T("Referral");

    public static string For(ReferralStatus value) => value switch
    {
        ReferralStatus.Pending => T("Waiting for a decision"),
        ReferralStatus.Accepted => T("Accepted"),
        ReferralStatus.Declined => T("Declined"),
        _ => T("Cancelled"),
    };

    public static string For(EmployerType value) => value switch
    {
        EmployerType.UsMilitary => T("U.S. military unit"),
        EmployerType.UsEmbassyOrAgency => T("U.S. embassy or agency"),
        EmployerType.Contractor => T("Contractor"),
        _ => T("ISAF / Resolute Support"),
    };

    public static string For(PersonFileKind value) => value switch
    {
        PersonFileKind.Tazkira => T("Tazkira"),
        PersonFileKind.Passport => T("Passport"),
        PersonFileKind.Photo => T("Photo"),
        _ => T("Other document"),
    };

    public static string For(ServiceRole value) => value == ServiceRole.Interpreter ? T("Interpreter / translator") : T(value.ToString());

    public static string For(DatePrecision value) => value switch
    {
        DatePrecision.YearOnly => T("year only"),
        DatePrecision.Estimated => T("estimated"),
        DatePrecision.SolarHijriYear => T("Solar Hijri year only"),
        _ => T("exact"),
    };

    public static string For(ClockState value) => value switch
    {
        ClockState.Running => T("Running"),
        ClockState.Paused => T("Paused"),
        ClockState.Stopped => T("Stopped"),
        _ => T("Not started"),
    };

    public static string For(ClockOwner value) => value switch
    {
        ClockOwner.Government => T("Government"),
        ClockOwner.Applicant => T("Applicant"),
        ClockOwner.Stopped => T("Stopped"),
        _ => T("Nobody yet"),
    };

    public static string For(Sex? value) => value switch
    {
        Sex.F => T("Female"),
        Sex.M => T("Male"),
        Sex.X => T("Other / unspecified"),
        _ => "—",
    };

    public static string For(EscalationReason? value) => value switch
    {
        EscalationReason.RequestExpedite => T("Request expedite"),
        EscalationReason.CongressionalInquiry => T("Congressional inquiry"),
        EscalationReason.LitigationCounsel => T("Refer to litigation counsel"),
        EscalationReason.SafetyConcern => T("Safety concern"),
        _ => T("Other"),
    };

    /// <summary>What a review action reads as, in the case timeline and in an evidence packet; each passes its own date and reason text.</summary>
    public static string Describe(ReviewActionKind kind, string date, string? reason, string? assignee) => kind switch
    {
        ReviewActionKind.Acknowledged => T("Reviewed and acknowledged"),
        ReviewActionKind.NextReviewSet => T("Next review set for {0}", date),
        ReviewActionKind.Escalated => assignee is not null ? T("Escalated: {0}, assigned to {1}", reason, assignee) : T("Escalated: {0}", reason),
        _ => T("Flag snoozed until {0}", date),
    };

    public static string For(CaseNumberKind value) => value == CaseNumberKind.NvcCase ? T("NVC/COM case number") : T("USCIS receipt number");

    public static string DateOfBirth(DateOnly? date, DatePrecision precision) => date switch
    {
        null => T("unknown"),
        { } d when precision == DatePrecision.YearOnly => d.Year.ToString(),
        // A reader of Solar Hijri dates needs no Gregorian span to know what the year covers.
        { } d when precision == DatePrecision.SolarHijriYear && Shown.SolarHijri => T("{0} SH", SolarHijri.FromGregorian(d).Year),
        { } d when precision == DatePrecision.SolarHijriYear && Person.BirthSpan(d, precision) is var (first, last) =>
            T("{0} SH ({1} to {2})", SolarHijri.FromGregorian(d).Year, Day(first), Day(last)),
        { } d when precision == DatePrecision.Estimated => T("about {0}", Day(d)),
        { } d => Day(d),
    };

    /// <summary>
    /// A full date of birth in the calendar the page does not show, for a tooltip: the Solar Hijri of the tazkira
    /// ("1370/02/22 SH"), or the Gregorian ("1991-05-12") to a reader of Solar Hijri dates; else nothing.
    /// </summary>
    public static string? OtherCalendar(DateOnly? date, DatePrecision precision) =>
        date is { } d && precision is DatePrecision.Exact or DatePrecision.Estimated
            ? Shown.SolarHijri ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : T("{0} SH", SolarHijri.Format(d))
            : null;

    /// <summary>"12 Mar 2024 (2 years ago)".</summary>
    public static string Date(DateOnly? date, DateOnly today)
    {
        if (date is not { } d) return "—";
        var days = today.DayNumber - d.DayNumber;
        var span = Math.Abs(days) switch
        {
            < 45 => T("{0} days", Math.Abs(days)),
            < 365 => T("{0} months", Math.Abs(days) / 30),
            _ => Math.Abs(days) / 365 == 1 ? T("1 year") : T("{0} years", Math.Abs(days) / 365),
        };
        return days == 0 ? T("{0} (today)", Day(d)) : days > 0 ? T("{0} ({1} ago)", Day(d), span) : T("{0} (in {1})", Day(d), span);
    }
}
