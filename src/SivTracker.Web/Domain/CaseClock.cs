namespace SivTracker.Web.Domain;

/// <summary>A stored clock's figures on a given day.</summary>
public readonly record struct ClockOnDay(int GovernmentDays, int PausedDays, int? DaysOver, DateOnly? ProjectedBreachOn, DateOnly? PastLimitSince);

/// <summary>
/// The stored clock and its figures on any later day. The stored figures hold as of <see cref="Case.ClockComputedFor"/>:
/// any change to the history recomputes them on the spot, so since that day a running clock has gained one government
/// day a day and a paused one an applicant day. Readers ask for a day's figures here (in C#) or through the SQL
/// functions of the same names (migration ClocksOnRead, mapped in AppDbContext), which ClockOnReadTests holds equal.
/// </summary>
public static class CaseClock
{
    /// <summary>Copies a computed clock onto the case's stored fields; the only writer of those fields.</summary>
    public static void Apply(Case @case, ClockStatus clock, DateOnly computedFor)
    {
        @case.ClockState = clock.State;
        @case.ClockStartedOn = clock.StartedOn;
        @case.GovernmentDays = clock.GovernmentDays;
        @case.PausedDays = clock.PausedDays;
        @case.LimitDays = clock.LimitDays;
        @case.DaysOver = clock.DaysOver;
        @case.ProjectedBreachOn = clock.ProjectedBreachOn;
        @case.PastLimitSince = clock.PastLimitSince;
        @case.ClockComputedFor = computedFor;
    }

    public static ClockOnDay On(Case c, DateOnly today) =>
        new(GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today),
            PausedDaysOn(c.ClockState, c.PausedDays, c.ClockComputedFor, today),
            DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today),
            ProjectedBreachOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today),
            PastLimitSinceOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, c.PastLimitSince, today));

    /// <summary>SQL: clock_government_days.</summary>
    public static int GovernmentDaysOn(ClockState state, int governmentDays, DateOnly? computedFor, DateOnly today) =>
        governmentDays + (state == ClockState.Running ? DaysSince(computedFor, today) : 0);

    /// <summary>SQL: clock_paused_days.</summary>
    public static int PausedDaysOn(ClockState state, int pausedDays, DateOnly? computedFor, DateOnly today) =>
        pausedDays + (state == ClockState.Paused ? DaysSince(computedFor, today) : 0);

    /// <summary>SQL: clock_days_over. Null while within the limit; a stopped clock keeps the days over it stopped with.</summary>
    public static int? DaysOverOn(ClockState state, int governmentDays, int? limitDays, DateOnly? computedFor, DateOnly today) =>
        limitDays is { } limit && GovernmentDaysOn(state, governmentDays, computedFor, today) is var government && government > limit
            ? government - limit
            : null;

    /// <summary>SQL: clock_projected_breach_on. The day a running clock reaches its limit, while it has not passed it.</summary>
    public static DateOnly? ProjectedBreachOn(ClockState state, int governmentDays, int? limitDays, DateOnly? computedFor, DateOnly today) =>
        state == ClockState.Running && limitDays is { } limit && computedFor is { } asOf
            && limit >= GovernmentDaysOn(state, governmentDays, computedFor, today)
            ? asOf.AddDays(limit - governmentDays)
            : null;

    /// <summary>SQL: clock_past_limit_since. A running clock passes its limit the day after it reaches it.</summary>
    public static DateOnly? PastLimitSinceOn(ClockState state, int governmentDays, int? limitDays, DateOnly? computedFor, DateOnly? pastLimitSince, DateOnly today) =>
        pastLimitSince ?? (state == ClockState.Running && limitDays is { } limit && computedFor is { } asOf
            && GovernmentDaysOn(state, governmentDays, computedFor, today) > limit
            ? asOf.AddDays(limit + 1 - governmentDays)
            : null);

    private static int DaysSince(DateOnly? computedFor, DateOnly today) =>
        computedFor is { } asOf && today > asOf ? today.DayNumber - asOf.DayNumber : 0;
}
