namespace SivTracker.Web.Domain;

public enum LimitMode { CalendarMonths, FixedDays }

public enum ClockWarning { None, Approaching90, Approaching30, PastLimit }

/// <summary>Clock settings (DOMAIN.md §4); bound from the "Clock" configuration section.</summary>
public sealed record ClockSettings
{
    public LimitMode LimitMode { get; init; } = LimitMode.CalendarMonths;
    public int LimitMonths { get; init; } = 9;
    public int FixedLimitDays { get; init; } = 270;
    public int FirstWarningDays { get; init; } = 90;
    public int SecondWarningDays { get; init; } = 30;

    /// <summary>S1059 has no statutory limit; its clock is shown against this internal target.</summary>
    public int InternalTargetMonths { get; init; } = 9;
}

/// <summary>One stage event as the clock sees it; Sequence is its position in the history (see StatutoryClock.InOrder).</summary>
public readonly record struct ClockEvent(string ToStageCode, DateOnly EffectiveOn, long Sequence = 0, bool Voided = false);

/// <summary>A stretch of the history after the clock started: one stage, who held it, and the days it counted.</summary>
public sealed record ClockSegment(string StageCode, DateOnly From, DateOnly Until, ClockOwner Owner, int Days)
{
    public int GovernmentDays => Owner == ClockOwner.Government ? Days : 0;
    public int ApplicantDays => Owner is ClockOwner.Applicant or ClockOwner.None ? Days : 0;
}

public sealed record ClockStatus
{
    public ClockState State { get; init; }
    public DateOnly? StartedOn { get; init; }
    public int GovernmentDays { get; init; }
    public int PausedDays { get; init; }
    public int? LimitDays { get; init; }

    /// <summary>False for S1059, whose limit is an internal target and never a statutory breach.</summary>
    public bool IsStatutory { get; init; }

    public bool HighRisk { get; init; }
    public DateOnly? PausedSince { get; init; }
    public DateOnly? ProjectedBreachOn { get; init; }
    public DateOnly? StoppedOn { get; init; }

    public int? DaysRemaining => LimitDays is { } limit ? Math.Max(0, limit - GovernmentDays) : null;
    public int? DaysOver => LimitDays is { } limit && GovernmentDays > limit ? GovernmentDays - limit : null;
    public bool IsOpen => State is ClockState.Running or ClockState.Paused;

    /// <summary>Past the limit while still open, whatever the high-risk flag says.</summary>
    public bool IsPastLimit => IsOpen && DaysOver is > 0;

    /// <summary>A statutory breach to flag: high-risk cases are counted and shown but the statute lets them take longer.</summary>
    public bool IsStatutoryBreach => IsPastLimit && !HighRisk && IsStatutory;

    /// <summary>Past an internal target (S1059): flagged for the NGO, never called a statutory breach.</summary>
    public bool IsPastInternalTarget => IsPastLimit && !HighRisk && !IsStatutory;

    /// <summary>The first day the government days exceeded the limit, wherever in the history that happened.</summary>
    public DateOnly? PastLimitSince { get; init; }

    public ClockWarning Warning { get; init; }

    /// <summary>The history from the start on, as the clock counted it; government and paused days sum to the totals above.</summary>
    public IReadOnlyList<ClockSegment> Segments { get; init; } = [];
}

/// <summary>
/// The statutory clock of DOMAIN.md §4, derived from the stage history alone so it can always be recomputed.
/// Days are whole calendar dates in the organisation's time zone; the day a stage is entered belongs to that stage.
/// </summary>
public static class StatutoryClock
{
    /// <summary>
    /// The one order of a case's history. The event that opened the case (no from-stage) comes first whatever its
    /// date, because caseworkers log history that happened before they opened the case in SivTracker; then by
    /// effective date, by when it was recorded, and by catalog order (an import records a day's events at one instant).
    /// </summary>
    public static List<StageEvent> InOrder(IEnumerable<StageEvent> events, IReadOnlyDictionary<string, Stage> catalog) =>
        events.OrderBy(e => e.FromStageCode is null ? 0 : 1).ThenBy(e => e.EffectiveOn).ThenBy(e => e.RecordedAt)
            .ThenBy(e => catalog.TryGetValue(e.ToStageCode, out var stage) ? stage.SortOrder : int.MaxValue).ThenBy(e => e.Id)
            .ToList();

    /// <summary>The clock's view of a history already put <see cref="InOrder"/>.</summary>
    public static IEnumerable<ClockEvent> ClockEvents(IReadOnlyList<StageEvent> ordered) =>
        ordered.Select((e, i) => new ClockEvent(e.ToStageCode, e.EffectiveOn, i, e.IsVoided));

    /// <summary>The law behind a program's limit (DOMAIN.md §1, §2): its citation and its words; S1059 has none.</summary>
    public static (string Citation, string? Words) Statute(SivProgram program) => program switch
    {
        SivProgram.AF602B => ("Afghan Allies Protection Act of 2009, §602(b)(4)", LimitWords),
        SivProgram.IQ1244 => ("Refugee Crisis in Iraq Act of 2007, §1242(c)", LimitWords),
        _ => ("National Defense Authorization Act for Fiscal Year 2006, §1059", null),
    };

    private const string LimitWords =
        "\"should be completed not later than 9 months after the date on which an eligible alien submits all required materials\"";

    public static DateOnly Today(TimeProvider time, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    public static TimeZoneInfo ZoneOrUtc(string? timeZoneId) =>
        !string.IsNullOrWhiteSpace(timeZoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone) ? zone : TimeZoneInfo.Utc;

    public static ClockStatus Compute(
        IEnumerable<ClockEvent> history,
        IReadOnlyDictionary<string, Stage> catalog,
        SivProgram program,
        StepModel stepModel,
        bool highRisk,
        DateOnly today,
        ClockSettings settings)
    {
        // Callers pass the history in order (see InOrder); the sequence keeps it, and date order decides otherwise.
        var events = history.Where(e => !e.Voided && e.EffectiveOn <= today)
            .OrderBy(e => e.Sequence).ThenBy(e => e.EffectiveOn).ToList();

        // A case may skip the start stage when the NGO learns of a step late: entering any stage at or after it starts the clock.
        var startOrder = catalog.TryGetValue(StageCatalog.ClockStartStage(stepModel), out var startStage) ? startStage.SortOrder : int.MaxValue;
        var startIndex = events.FindIndex(e => catalog.TryGetValue(e.ToStageCode, out var s)
            && s.SortOrder >= startOrder && s.ClockOwner != ClockOwner.Stopped);
        var isStatutory = program != SivProgram.S1059;
        if (startIndex < 0)
        {
            return new ClockStatus { State = ClockState.NotStarted, IsStatutory = isStatutory, HighRisk = highRisk };
        }

        var startedOn = events[startIndex].EffectiveOn;
        var limitDays = LimitDays(startedOn, isStatutory, settings);
        int government = 0, paused = 0;
        DateOnly? pastLimitSince = null;
        ClockOwner currentOwner = ClockOwner.Government;
        DateOnly currentSince = startedOn;
        var segments = new List<ClockSegment>();
        for (var i = startIndex; i < events.Count; i++)
        {
            currentOwner = OwnerOf(events[i].ToStageCode, catalog);
            currentSince = events[i].EffectiveOn;
            var until = i + 1 < events.Count ? events[i + 1].EffectiveOn : today;
            // Never negative: only the opening event may be out of date order, and it precedes the start.
            var days = Math.Max(0, until.DayNumber - currentSince.DayNumber);
            segments.Add(new ClockSegment(events[i].ToStageCode, currentSince, until, currentOwner, currentOwner == ClockOwner.Stopped ? 0 : days));
            switch (currentOwner)
            {
                case ClockOwner.Government:
                    if (pastLimitSince is null && government + days > limitDays)
                    {
                        pastLimitSince = currentSince.AddDays(limitDays + 1 - government);
                    }
                    government += days;
                    break;
                // A backward move to a stage that owns no clock after the start still waits on the applicant.
                case ClockOwner.Applicant or ClockOwner.None: paused += days; break;
                // Days while closed or after issuance count for nobody; a reopened case resumes the same clock.
                case ClockOwner.Stopped: break;
            }
        }

        var state = currentOwner switch
        {
            ClockOwner.Government => ClockState.Running,
            ClockOwner.Stopped => ClockState.Stopped,
            _ => ClockState.Paused,
        };
        var remaining = limitDays - government;
        var status = new ClockStatus
        {
            State = state,
            StartedOn = startedOn,
            GovernmentDays = government,
            PausedDays = paused,
            LimitDays = limitDays,
            IsStatutory = isStatutory,
            HighRisk = highRisk,
            PausedSince = state == ClockState.Paused ? currentSince : null,
            StoppedOn = state == ClockState.Stopped ? currentSince : null,
            ProjectedBreachOn = state == ClockState.Running && remaining >= 0 ? today.AddDays(remaining) : null,
            PastLimitSince = pastLimitSince,
            Segments = segments,
        };
        return status with { Warning = WarningFor(status, remaining, settings) };
    }

    public static int LimitDays(DateOnly startedOn, bool isStatutory, ClockSettings settings)
    {
        if (!isStatutory)
        {
            return startedOn.AddMonths(settings.InternalTargetMonths).DayNumber - startedOn.DayNumber;
        }
        return settings.LimitMode == LimitMode.FixedDays
            ? settings.FixedLimitDays
            // DateOnly.AddMonths clamps to the month's last day: 31 January + 9 months is 31 October, 31 May is 28/29 February.
            : startedOn.AddMonths(settings.LimitMonths).DayNumber - startedOn.DayNumber;
    }

    private static ClockWarning WarningFor(ClockStatus status, int remaining, ClockSettings settings)
    {
        if (!status.IsOpen) return ClockWarning.None;
        if (remaining < 0) return ClockWarning.PastLimit;
        if (remaining <= settings.SecondWarningDays) return ClockWarning.Approaching30;
        if (remaining <= settings.FirstWarningDays) return ClockWarning.Approaching90;
        return ClockWarning.None;
    }

    private static ClockOwner OwnerOf(string code, IReadOnlyDictionary<string, Stage> catalog) =>
        catalog.TryGetValue(code, out var stage) ? stage.ClockOwner : ClockOwner.None;
}
