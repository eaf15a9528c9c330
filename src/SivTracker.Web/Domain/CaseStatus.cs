using System.Linq.Expressions;

namespace SivTracker.Web.Domain;

/// <summary>
/// The one definition of where a case stands against its limit (DOMAIN.md §4), over the stored clock. Pages and
/// reports filter with the expressions, the sweep and SQL reports with the fragments; both are built here from the same
/// enums, so "past the nine-month limit" means one thing on the dashboard, in the queue, the overdue report and the digest.
/// </summary>
public static class CaseStatus
{
    /// <summary>S1059 has no statutory limit: its clock runs against an internal target.</summary>
    public static bool HasStatutoryLimit(SivProgram program) => program != SivProgram.S1059;

    public static readonly SivProgram[] StatutoryPrograms = Enum.GetValues<SivProgram>().Where(HasStatutoryLimit).ToArray();

    public static readonly ClockState[] OpenClock = [ClockState.Running, ClockState.Paused];

    /// <summary>A statutory breach on the given day: an open clock past the nine-month limit, not high-risk (the statute lets those take longer).</summary>
    public static Expression<Func<Case, bool>> PastStatutoryLimit(DateOnly today) => c =>
        OpenClock.Contains(c.ClockState) && CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today) > 0 && !c.HighRisk && StatutoryPrograms.Contains(c.Program);

    /// <summary>
    /// The same as <see cref="PastStatutoryLimit"/> for SQL, over a cases table under the given alias, with the day as
    /// the named parameter.
    /// </summary>
    public static string PastStatutoryLimitSql(string alias, string today) =>
        $"{OpenClockSql(alias)} and {DaysOverSql(alias, today)} > 0 and not {alias}.high_risk and {alias}.program in ({List(StatutoryPrograms)})";

    /// <summary>An S1059 case past its internal target: flagged for the NGO, never counted as a statutory breach.</summary>
    public static string PastInternalTargetSql(string alias, string today) =>
        $"{OpenClockSql(alias)} and {DaysOverSql(alias, today)} > 0 and not {alias}.high_risk and {alias}.program not in ({List(StatutoryPrograms)})";

    /// <summary>Today's clock figures in SQL: the functions twinned with <see cref="CaseClock"/>'s rules.</summary>
    public static string GovernmentDaysSql(string alias, string today) =>
        $"clock_government_days({alias}.clock_state, {alias}.government_days, {alias}.clock_computed_for, {today})";

    public static string PausedDaysSql(string alias, string today) =>
        $"clock_paused_days({alias}.clock_state, {alias}.paused_days, {alias}.clock_computed_for, {today})";

    public static string DaysOverSql(string alias, string today) =>
        $"clock_days_over({alias}.clock_state, {alias}.government_days, {alias}.limit_days, {alias}.clock_computed_for, {today})";

    public static string PastLimitSinceSql(string alias, string today) =>
        $"clock_past_limit_since({alias}.clock_state, {alias}.government_days, {alias}.limit_days, {alias}.clock_computed_for, {alias}.past_limit_since, {today})";

    /// <summary>An open case: its current stage is not terminal in the catalog an admin keeps.</summary>
    public static string OpenCaseSql(string alias) => $"not exists (select 1 from stages t where t.code = {alias}.current_stage_code and t.is_terminal)";

    public static string OpenClockSql(string alias) => $"{alias}.clock_state in ({List(OpenClock)})";

    /// <summary>The aging buckets of DOMAIN.md §7, in government days, for the dashboard and the aging report alike.</summary>
    public static readonly (string Label, int From, int To)[] AgingBuckets =
    [
        ("0-90", 0, 90), ("91-180", 91, 180), ("181-270", 181, 270), ("271-365", 271, 365), ("1-2 years", 366, 730), ("over 2 years", 731, int.MaxValue),
    ];

    /// <summary>The buckets as a SQL VALUES list: (bucket, low, high, ord).</summary>
    public static string AgingBucketsSql() =>
        string.Join(", ", AgingBuckets.Select((b, i) => $"('{b.Label}', {b.From}, {b.To}, {i + 1})"));

    /// <summary>A quoted SQL literal of an enum stored by name.</summary>
    public static string Sql<T>(T value) where T : struct, Enum => $"'{value}'";

    private static string List<T>(IEnumerable<T> values) where T : struct, Enum => string.Join(", ", values.Select(Sql));
}
