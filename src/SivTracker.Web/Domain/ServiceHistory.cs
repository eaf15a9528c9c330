namespace SivTracker.Web.Domain;

public static class ServiceHistory
{
    /// <summary>Whole months of service, overlapping records counted once; an open record runs to today.</summary>
    public static int QualifyingMonths(IEnumerable<(DateOnly Start, DateOnly? End)> records, DateOnly today)
    {
        var days = 0;
        DateOnly? coveredUntil = null;
        foreach (var (start, end) in records.OrderBy(r => r.Start))
        {
            var stop = end is { } e && e < today ? e : today;
            var from = coveredUntil is { } covered && covered > start ? covered : start;
            if (stop > from)
            {
                days += stop.DayNumber - from.DayNumber;
                coveredUntil = stop;
            }
        }
        // An average month, so twelve calendar months of service always make twelve.
        return (int)Math.Floor(days / 30.436875 + 0.0001);
    }

    /// <summary>
    /// The program minimum of DOMAIN.md §2: 12 months, or 24 for AF602B Chief of Mission applications filed from
    /// October 2015 to July 2021. Shown as a hint, never a block.
    /// </summary>
    public static int MinimumMonths(SivProgram program, DateOnly? comSubmittedOn) =>
        program == SivProgram.AF602B && comSubmittedOn is { } submitted && submitted >= new DateOnly(2015, 10, 1) && submitted <= new DateOnly(2021, 7, 31)
            ? 24
            : 12;

    /// <summary>
    /// Children whose 21st birthday may fall within the coming year: the NGO must act before they age out. When only
    /// a Solar Hijri year is known, any day of it may be the birthday, so the warning starts a year before the earliest
    /// and lasts until the latest has passed.
    /// </summary>
    public static bool TurnsTwentyOneWithinAYear(DateOnly? dateOfBirth, DatePrecision precision, DateOnly today) =>
        Person.BirthSpan(dateOfBirth, precision) is var (first, last) && last.AddYears(21) >= today && first.AddYears(21) <= today.AddYears(1);
}
