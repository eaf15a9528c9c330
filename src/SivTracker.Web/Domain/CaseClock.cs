namespace SivTracker.Web.Domain;

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
}
