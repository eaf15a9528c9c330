using SivTracker.Web.Domain;

namespace SivTracker.UnitTests.Domain;

public class StatutoryClockTests
{
    private static readonly IReadOnlyDictionary<string, Stage> Catalog = StageCatalog.Defaults().ToDictionary(s => s.Code);
    private static readonly ClockSettings Settings = new();

    private static ClockStatus Clock(string today, params (string Stage, string On)[] history) =>
        Clock(today, SivProgram.AF602B, StepModel.DS157, highRisk: false, Settings, history);

    private static ClockStatus Clock(string today, SivProgram program, StepModel model, bool highRisk, ClockSettings settings, params (string Stage, string On)[] history) =>
        StatutoryClock.Compute(
            history.Select((h, i) => new ClockEvent(h.Stage, D(h.On), i)),
            Catalog, program, model, highRisk, D(today), settings);

    private static DateOnly D(string iso) => DateOnly.Parse(iso);

    [Fact]
    public void TheSegments_SayWhichStageHeldTheDays_AndAddUpToTheTotals()
    {
        var clock = Clock("2024-09-01", ("PRE_COM", "2023-12-01"), ("COM_SUBMITTED", "2024-01-01"), ("COM_RFI", "2024-02-01"),
            ("COM_REVIEW", "2024-03-01"), ("COM_DENIED", "2024-05-01"), ("COM_APPEAL", "2024-06-15"));

        Assert.Equal(
            [("COM_SUBMITTED", 31, 0), ("COM_RFI", 0, 29), ("COM_REVIEW", 61, 0), ("COM_DENIED", 0, 45), ("COM_APPEAL", 78, 0)],
            clock.Segments.Select(s => (s.StageCode, s.GovernmentDays, s.ApplicantDays)));
        Assert.Equal(clock.GovernmentDays, clock.Segments.Sum(s => s.GovernmentDays));
        Assert.Equal(clock.PausedDays, clock.Segments.Sum(s => s.ApplicantDays));
        Assert.Equal(D("2024-09-01"), clock.Segments[^1].Until);
    }

    [Fact]
    public void BeforeComSubmitted_ClockHasNotStarted()
    {
        var clock = Clock("2024-06-01", ("PRE_COM", "2024-01-01"));

        Assert.Equal(ClockState.NotStarted, clock.State);
        Assert.Null(clock.StartedOn);
        Assert.Equal(0, clock.GovernmentDays);
        Assert.False(clock.IsStatutoryBreach);
    }

    [Fact]
    public void GovernmentDays_AccrueAcrossSeveralGovernmentStages()
    {
        var clock = Clock("2024-04-01", ("PRE_COM", "2024-01-01"), ("COM_SUBMITTED", "2024-02-01"), ("COM_REVIEW", "2024-03-01"));

        Assert.Equal(ClockState.Running, clock.State);
        Assert.Equal(D("2024-02-01"), clock.StartedOn);
        Assert.Equal(60, clock.GovernmentDays); // 29 days of February 2024 + 31 of March
        Assert.Equal(0, clock.PausedDays);
    }

    [Fact]
    public void RequestForInformation_PausesTheClockThenItResumes()
    {
        var paused = Clock("2024-02-11", ("COM_SUBMITTED", "2024-01-01"), ("COM_RFI", "2024-02-01"));
        Assert.Equal(ClockState.Paused, paused.State);
        Assert.Equal(31, paused.GovernmentDays);
        Assert.Equal(10, paused.PausedDays);
        Assert.Equal(D("2024-02-01"), paused.PausedSince);
        Assert.Null(paused.ProjectedBreachOn);

        var resumed = Clock("2024-03-11", ("COM_SUBMITTED", "2024-01-01"), ("COM_RFI", "2024-02-01"), ("COM_REVIEW", "2024-03-01"));
        Assert.Equal(ClockState.Running, resumed.State);
        Assert.Equal(41, resumed.GovernmentDays);
        Assert.Equal(29, resumed.PausedDays);
    }

    [Theory]
    [InlineData("COM_RFI")]
    [InlineData("COM_DENIED")]
    [InlineData("DS260_PREP")]
    [InlineData("MEDICAL")]
    [InlineData("I360_PREP")]
    public void ApplicantStages_PauseTheClock(string applicantStage)
    {
        var clock = Clock("2024-03-01", ("COM_SUBMITTED", "2024-01-01"), (applicantStage, "2024-02-01"));

        Assert.Equal(ClockState.Paused, clock.State);
        Assert.Equal(31, clock.GovernmentDays);
        Assert.Equal(29, clock.PausedDays);
    }

    [Fact]
    public void AppealAfterDenial_ResumesTheSameClock()
    {
        var clock = Clock("2024-04-11",
            ("COM_SUBMITTED", "2024-01-01"), ("COM_REVIEW", "2024-01-11"), ("COM_DENIED", "2024-03-01"), ("COM_APPEAL", "2024-04-01"));

        Assert.Equal(ClockState.Running, clock.State);
        Assert.Equal(D("2024-01-01"), clock.StartedOn);
        Assert.Equal(70, clock.GovernmentDays);
        Assert.Equal(31, clock.PausedDays);
    }

    [Theory]
    [InlineData("VISA_ISSUED")]
    [InlineData("ARRIVED")]
    [InlineData("CLOSED")]
    public void StopStages_StopTheClock(string stopStage)
    {
        var clock = Clock("2026-01-01", ("COM_SUBMITTED", "2024-01-01"), ("INTERVIEW_PENDING", "2024-06-01"), (stopStage, "2024-12-01"));

        Assert.Equal(ClockState.Stopped, clock.State);
        Assert.Equal(D("2024-12-01"), clock.StoppedOn);
        Assert.Equal(335, clock.GovernmentDays);
        Assert.False(clock.IsStatutoryBreach);
        Assert.Equal(ClockWarning.None, clock.Warning);
    }

    [Theory]
    [InlineData("2025-01-31", 273)] // 31 January + 9 months = 31 October
    [InlineData("2025-05-31", 273)] // clamps to 28 February 2026
    [InlineData("2024-02-29", 274)] // leap day + 9 months = 29 November
    [InlineData("2023-05-31", 274)] // clamps to 29 February 2024, a leap year
    public void LimitDays_AreNineCalendarMonthsFromTheStart(string start, int expectedLimit)
    {
        var clock = Clock("2026-06-01", ("COM_SUBMITTED", start), ("CLOSED", start));

        Assert.Equal(expectedLimit, clock.LimitDays);
    }

    [Fact]
    public void FixedDaysMode_UsesTheConfiguredNumberOfDays()
    {
        var settings = Settings with { LimitMode = LimitMode.FixedDays, FixedLimitDays = 270 };

        var clock = Clock("2025-10-30", SivProgram.AF602B, StepModel.DS157, false, settings, ("COM_SUBMITTED", "2025-01-31"));

        Assert.Equal(270, clock.LimitDays);
        Assert.Equal(2, clock.DaysOver);
        Assert.True(clock.IsStatutoryBreach);
    }

    [Fact]
    public void ExactlyOnTheLastDay_IsNotOverdue()
    {
        var clock = Clock("2025-10-31", ("COM_SUBMITTED", "2025-01-31"));

        Assert.Equal(273, clock.GovernmentDays);
        Assert.Equal(0, clock.DaysRemaining);
        Assert.Null(clock.DaysOver);
        Assert.False(clock.IsStatutoryBreach);
        Assert.Equal(ClockWarning.Approaching30, clock.Warning);
    }

    [Fact]
    public void TheDayAfterTheLastDay_IsOverdue()
    {
        var clock = Clock("2025-11-01", ("COM_SUBMITTED", "2025-01-31"));

        Assert.Equal(274, clock.GovernmentDays);
        Assert.Equal(1, clock.DaysOver);
        Assert.True(clock.IsStatutoryBreach);
        Assert.Equal(ClockWarning.PastLimit, clock.Warning);
    }

    [Fact]
    public void CaseTenMonthsOnGovernmentClock_IsFlagged()
    {
        var clock = Clock("2025-12-01", ("COM_SUBMITTED", "2025-02-01"), ("COM_REVIEW", "2025-03-01"));

        Assert.True(clock.IsStatutoryBreach);
        Assert.True(clock.IsStatutory);
    }

    [Fact]
    public void TenCalendarMonthsWithAMonthInRfi_IsNotYetOverdue()
    {
        var clock = Clock("2025-12-01", ("COM_SUBMITTED", "2025-02-01"), ("COM_RFI", "2025-03-01"), ("COM_REVIEW", "2025-04-01"));

        Assert.Equal(ClockState.Running, clock.State);
        Assert.Equal(31, clock.PausedDays);
        Assert.Equal(272, clock.GovernmentDays); // 303 calendar days less the 31 of March in RFI; the limit is 273
        Assert.False(clock.IsStatutoryBreach);
    }

    [Fact]
    public void WhileRunning_ProjectedBreachIsTodayPlusRemainingDays()
    {
        var clock = Clock("2025-03-01", ("COM_SUBMITTED", "2025-01-31"));

        Assert.Equal(29, clock.GovernmentDays);
        Assert.Equal(244, clock.DaysRemaining);
        Assert.Equal(D("2025-10-31"), clock.ProjectedBreachOn);
    }

    [Theory]
    [InlineData("2025-08-02", ClockWarning.Approaching90)] // 90 days remaining
    [InlineData("2025-08-01", ClockWarning.None)] // 91 days remaining
    [InlineData("2025-10-01", ClockWarning.Approaching30)] // 30 days remaining
    public void Warnings_ComeAtNinetyAndThirtyRemainingDays(string today, ClockWarning expected)
    {
        Assert.Equal(expected, Clock(today, ("COM_SUBMITTED", "2025-01-31")).Warning);
    }

    [Fact]
    public void BackwardMove_CountsTheReturnedStageByItsOwner()
    {
        var clock = Clock("2024-04-11",
            ("COM_SUBMITTED", "2024-01-01"), ("COM_REVIEW", "2024-02-01"), ("PRE_COM", "2024-03-01"), ("COM_SUBMITTED", "2024-04-01"));

        Assert.Equal(D("2024-01-01"), clock.StartedOn);
        Assert.Equal(60 + 10, clock.GovernmentDays);
        Assert.Equal(31, clock.PausedDays);
    }

    [Fact]
    public void VoidedEvents_AreIgnored()
    {
        var events = new[]
        {
            new ClockEvent("COM_SUBMITTED", D("2024-01-01"), 1, Voided: true),
            new ClockEvent("COM_SUBMITTED", D("2024-02-01"), 2),
        };

        var clock = StatutoryClock.Compute(events, Catalog, SivProgram.AF602B, StepModel.DS157, false, D("2024-03-01"), Settings);

        Assert.Equal(D("2024-02-01"), clock.StartedOn);
        Assert.Equal(29, clock.GovernmentDays);
    }

    [Fact]
    public void ReopeningAClosedCase_ResumesTheSameClockWithoutCountingClosedDays()
    {
        var clock = Clock("2024-06-11", ("COM_SUBMITTED", "2024-01-01"), ("CLOSED", "2024-02-01"), ("COM_REVIEW", "2024-06-01"));

        Assert.Equal(ClockState.Running, clock.State);
        Assert.Equal(D("2024-01-01"), clock.StartedOn);
        Assert.Equal(41, clock.GovernmentDays);
        Assert.Equal(0, clock.PausedDays);
    }

    [Fact]
    public void HighRiskCase_PastTheLimit_IsCountedButNeverOverdue()
    {
        var clock = Clock("2025-12-01", SivProgram.AF602B, StepModel.DS157, highRisk: true, Settings, ("COM_SUBMITTED", "2025-01-31"));

        Assert.True(clock.IsPastLimit);
        Assert.Equal(304, clock.GovernmentDays);
        Assert.Equal(31, clock.DaysOver);
        Assert.False(clock.IsStatutoryBreach);
    }

    [Fact]
    public void S1059_StartsAtI360PendingAgainstAnInternalTarget()
    {
        var settings = Settings with { InternalTargetMonths = 6 };

        var clock = Clock("2025-09-01", SivProgram.S1059, StepModel.S1059, false, settings,
            ("I360_PREP", "2025-01-01"), ("I360_PENDING", "2025-02-01"));

        Assert.Equal(D("2025-02-01"), clock.StartedOn);
        Assert.False(clock.IsStatutory);
        Assert.Equal(181, clock.LimitDays); // 1 February to 1 August
        Assert.Equal(212, clock.GovernmentDays);
        Assert.True(clock.IsPastLimit);
    }

    [Fact]
    public void SkippedStartStage_StartsTheClockAtTheFirstLaterStage()
    {
        var clock = Clock("2024-03-01", ("PRE_COM", "2023-12-01"), ("COM_REVIEW", "2024-02-01"));

        Assert.Equal(D("2024-02-01"), clock.StartedOn);
        Assert.Equal(29, clock.GovernmentDays);
    }

    [Theory]
    [InlineData("2024-03-01T03:00:00Z", "America/New_York", "2024-02-29")] // still the evening before in New York
    [InlineData("2024-02-29T20:00:00Z", "Asia/Kabul", "2024-03-01")] // already past midnight in Kabul (UTC+4:30)
    [InlineData("2024-02-29T23:59:59Z", "UTC", "2024-02-29")]
    public void Today_IsTheDateInTheOrganisationsTimeZone(string utcNow, string zone, string expected)
    {
        var time = new FixedTime(DateTimeOffset.Parse(utcNow));

        var today = StatutoryClock.Today(time, StatutoryClock.ZoneOrUtc(zone));

        Assert.Equal(D(expected), today);
    }

    [Fact]
    public void AroundMidnight_TheOrganisationsDateDecidesOverdue()
    {
        // 02:00 UTC on 1 November is still 31 October in New York: the last allowed day, not yet overdue.
        var time = new FixedTime(DateTimeOffset.Parse("2025-11-01T02:00:00Z"));
        var newYork = StatutoryClock.Today(time, StatutoryClock.ZoneOrUtc("America/New_York"));
        var utc = StatutoryClock.Today(time, TimeZoneInfo.Utc);

        Assert.False(Clock(newYork.ToString("yyyy-MM-dd"), ("COM_SUBMITTED", "2025-01-31")).IsStatutoryBreach);
        Assert.True(Clock(utc.ToString("yyyy-MM-dd"), ("COM_SUBMITTED", "2025-01-31")).IsStatutoryBreach);
    }

    [Fact]
    public void UnknownTimeZone_FallsBackToUtc()
    {
        Assert.Equal(TimeZoneInfo.Utc, StatutoryClock.ZoneOrUtc("Mars/Olympus_Mons"));
    }

    [Fact]
    public void HistoryLoggedAfterTheCaseWasOpened_CountsFromItsOwnDates()
    {
        var catalog = Catalog;
        var events = new[]
        {
            new StageEvent { ToStageCode = "PRE_COM", EffectiveOn = D("2026-11-26"), RecordedAt = DateTimeOffset.Parse("2026-11-26T10:00Z") },
            new StageEvent { FromStageCode = "PRE_COM", ToStageCode = "COM_SUBMITTED", EffectiveOn = D("2026-01-26"), RecordedAt = DateTimeOffset.Parse("2026-11-26T10:05Z") },
            new StageEvent { FromStageCode = "COM_SUBMITTED", ToStageCode = "COM_REVIEW", EffectiveOn = D("2026-03-01"), RecordedAt = DateTimeOffset.Parse("2026-11-26T10:06Z") },
        };

        var ordered = StatutoryClock.InOrder(events, catalog);
        var clock = StatutoryClock.Compute(StatutoryClock.ClockEvents(ordered), catalog, SivProgram.AF602B, StepModel.DS157, false, D("2026-11-26"), Settings);

        Assert.Equal(["PRE_COM", "COM_SUBMITTED", "COM_REVIEW"], ordered.Select(e => e.ToStageCode));
        Assert.Equal(D("2026-01-26"), clock.StartedOn);
        Assert.Equal(304, clock.GovernmentDays);
        Assert.Equal(0, clock.PausedDays);
    }

    [Fact]
    public void SameDayEvents_FollowRecordingOrderThenCatalogOrder()
    {
        var at = DateTimeOffset.Parse("2026-01-01T00:00Z");
        var events = new[]
        {
            new StageEvent { FromStageCode = "COM_SUBMITTED", ToStageCode = "COM_REVIEW", EffectiveOn = D("2026-02-01"), RecordedAt = at },
            new StageEvent { FromStageCode = "PRE_COM", ToStageCode = "COM_SUBMITTED", EffectiveOn = D("2026-02-01"), RecordedAt = at },
        };

        Assert.Equal(["COM_SUBMITTED", "COM_REVIEW"], StatutoryClock.InOrder(events, Catalog).Select(e => e.ToStageCode));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
