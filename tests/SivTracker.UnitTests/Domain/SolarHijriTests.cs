using SivTracker.Web.Domain;

namespace SivTracker.UnitTests.Domain;

public class SolarHijriTests
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    // Nowruz, the first day of the year, and the last day of the year before it.
    [InlineData(1370, 1, 1, "1991-03-21")]
    [InlineData(1369, 12, 29, "1991-03-20")]
    // A leap year's 30 Esfand, and the year after it starting the next day.
    [InlineData(1370, 12, 30, "1992-03-20")]
    [InlineData(1371, 1, 1, "1992-03-21")]
    [InlineData(1399, 12, 30, "2021-03-20")]
    [InlineData(1400, 1, 1, "2021-03-21")]
    [InlineData(1403, 12, 30, "2025-03-20")]
    // The six 31-day months, then the 30-day ones.
    [InlineData(1370, 6, 31, "1991-09-22")]
    [InlineData(1370, 7, 1, "1991-09-23")]
    [InlineData(1370, 7, 30, "1991-10-22")]
    [InlineData(1279, 1, 1, "1900-03-21")]
    public void KnownDays_ConvertBothWays(int year, int month, int day, string gregorian)
    {
        Assert.Equal(D(gregorian), SolarHijri.ToGregorian(year, month, day));
        Assert.Equal((year, month, day), SolarHijri.FromGregorian(D(gregorian)));
    }

    [Theory]
    [InlineData(1369, 12, 30)] // 1369 is not a leap year
    [InlineData(1400, 12, 30)]
    [InlineData(1370, 7, 31)]
    [InlineData(1370, 13, 1)]
    [InlineData(1370, 0, 10)]
    [InlineData(1991, 5, 12)] // a Gregorian year is not a Solar Hijri one
    public void DaysThatDoNotExist_AreNull(int year, int month, int day) => Assert.Null(SolarHijri.ToGregorian(year, month, day));

    [Fact]
    public void AYear_SpansTheGregorianDaysFromOneNowruzToTheNext()
    {
        Assert.Equal((D("1991-03-21"), D("1992-03-20")), SolarHijri.YearSpan(1370));
        Assert.Equal((D("1988-03-21"), D("1989-03-20")), SolarHijri.YearSpan(1367));
    }

    [Theory]
    [InlineData("۱۳۷۰/۰۲/۲۲", "1370/02/22")]
    [InlineData("١٣٧٠-٠٢-٢٢", "1370-02-22")]
    [InlineData("P۰۱۲۳", "P0123")]
    [InlineData("Hamid", "Hamid")]
    public void PersianAndArabicIndicDigits_BecomeWestern(string typed, string western) => Assert.Equal(western, SolarHijri.WesternDigits(typed));

    [Theory]
    [InlineData("1991-05-12", "1991-05-12", DatePrecision.Exact)]
    [InlineData("1991", "1991-01-01", DatePrecision.YearOnly)]
    [InlineData("۱۹۹۱-۰۵-۱۲", "1991-05-12", DatePrecision.Exact)]
    [InlineData("۱۳۷۰", "1991-03-21", DatePrecision.SolarHijriYear)]
    [InlineData("١٣٧٠", "1991-03-21", DatePrecision.SolarHijriYear)]
    [InlineData("1370", "1991-03-21", DatePrecision.SolarHijriYear)]
    [InlineData("۱۳۷۰/۰۲/۲۲", "1991-05-12", DatePrecision.Exact)]
    [InlineData("1370-2-22", "1991-05-12", DatePrecision.Exact)]
    public void DatesOfBirth_AreReadInEitherCalendar_AndAnyDigits(string typed, string stored, DatePrecision precision) =>
        Assert.Equal((D(stored), precision), Person.ParseDateOfBirth(typed));

    [Theory]
    [InlineData("1370/12/31")]
    [InlineData("12/05/1991")]
    [InlineData("1991/05/12")]
    [InlineData("۱۳۷۰/۱۳/۰۱")]
    public void DatesThatAreNeither_AreRefused(string typed) => Assert.Null(Person.ParseDateOfBirth(typed));

    [Fact]
    public void ASolarHijriYear_OverlapsBothGregorianBirthYears_ForTheDuplicateRule()
    {
        var solar = Person.BirthYearSpan(D("1991-03-21"), DatePrecision.SolarHijriYear)!.Value;
        bool Overlaps((DateOnly First, DateOnly Last) a, (DateOnly First, DateOnly Last) b) => a.First <= b.Last && a.Last >= b.First;

        Assert.True(Overlaps(solar, Person.BirthYearSpan(D("1991-07-01"), DatePrecision.Exact)!.Value));
        Assert.True(Overlaps(solar, Person.BirthYearSpan(D("1992-01-01"), DatePrecision.YearOnly)!.Value));
        Assert.False(Overlaps(solar, Person.BirthYearSpan(D("1990-12-31"), DatePrecision.Exact)!.Value));
        Assert.False(Overlaps(solar, Person.BirthYearSpan(D("1993-01-01"), DatePrecision.YearOnly)!.Value));
    }

    [Theory]
    // Born in 1384 SH (21 Mar 2005 to 20 Mar 2006): the 21st birthday may be any day from 21 Mar 2026 to 20 Mar 2027.
    [InlineData("2025-03-20", false)]
    [InlineData("2025-03-21", true)]
    [InlineData("2027-03-20", true)]
    [InlineData("2027-03-21", false)]
    public void TurningTwentyOne_IsWarnedOfAcrossTheWholeSolarHijriYear(string today, bool warned) =>
        Assert.Equal(warned, ServiceHistory.TurnsTwentyOneWithinAYear(D("2005-03-21"), DatePrecision.SolarHijriYear, D(today)));

    [Fact]
    public void AnExactDate_IsWarnedOfOnlyInTheYearBeforeIt()
    {
        Assert.True(ServiceHistory.TurnsTwentyOneWithinAYear(D("2005-06-01"), DatePrecision.Exact, D("2025-06-01")));
        Assert.False(ServiceHistory.TurnsTwentyOneWithinAYear(D("2005-06-01"), DatePrecision.Exact, D("2026-06-02")));
        Assert.False(ServiceHistory.TurnsTwentyOneWithinAYear(D("2005-06-01"), DatePrecision.Exact, D("2025-05-31")));
    }
}
