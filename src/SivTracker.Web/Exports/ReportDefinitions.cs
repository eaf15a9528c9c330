using System.Data.Common;
using System.Runtime.CompilerServices;
using Npgsql;

namespace SivTracker.Web.Exports;

public sealed record ReportFilter
{
    public Domain.SivProgram? Program { get; init; }
    public Domain.StepModel? StepModel { get; init; }
    public Guid? CaseworkerId { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }

    /// <summary>Adds principal_name to the cases report (admins only).</summary>
    public bool IncludeNames { get; init; }

    public override string ToString() =>
        string.Join(", ", new[]
        {
            Program is null ? null : $"program={Program}", StepModel is null ? null : $"step_model={StepModel}",
            CaseworkerId is null ? null : $"caseworker={CaseworkerId}", From is null ? null : $"from={From:yyyy-MM-dd}",
            To is null ? null : $"to={To:yyyy-MM-dd}", IncludeNames ? "include_names" : null,
        }.Where(s => s is not null));
}

/// <summary>
/// One report: its columns and the one SQL query that produces its rows, streamed from the database. The page,
/// the CSV, the XLSX and the CLI all read these rows, so they always show the same numbers.
/// </summary>
public sealed class Report
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }

    /// <summary>Reports with one row per case are for admins; the aggregate ones for reviewers too.</summary>
    public required bool CaseLevel { get; init; }

    public required Func<ReportFilter, string[]> Columns { get; init; }
    public required Func<ReportFilter, string> Sql { get; init; }

    /// <summary>Turns a row as the database returns it into the row written: sealed values are decrypted here, in the stream.</summary>
    public Func<ReportFilter, object?[], object?[]>? Finish { get; init; }

    /// <summary>The rows, streamed: never a list of all of them in memory. Clock figures are those of <paramref name="today"/>.</summary>
    public async IAsyncEnumerable<object?[]> RowsAsync(NpgsqlConnection connection, Guid organisationId, DateOnly today, ReportFilter filter,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        // Streams for as long as the export takes to write; a command timeout would cut a large export short.
        await using var command = new NpgsqlCommand(Sql(filter), connection) { CommandTimeout = Data.AppDbContext.BatchCommandTimeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter("org", organisationId));
        command.Parameters.Add(new NpgsqlParameter("today", today));
        command.Parameters.Add(new NpgsqlParameter("program", (object?)filter.Program?.ToString() ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter("model", (object?)filter.StepModel?.ToString() ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter("caseworker", (object?)filter.CaseworkerId ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter("from", (object?)filter.From ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter("to", (object?)filter.To ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        await using DbDataReader reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i, ct) ? null : reader.GetFieldValue<object>(i) switch
                {
                    DateTime date => DateOnly.FromDateTime(date),
                    var value => value,
                };
            }
            yield return Finish is null ? row : Finish(filter, row);
        }
    }

    /// <summary>The case filters every report shares, against a cases table aliased c.</summary>
    private const string CaseFilter = """
        c.organisation_id = @org
        and (@program is null or c.program = @program)
        and (@model is null or c.step_model = @model)
        and (@caseworker is null or c.caseworker_id = @caseworker)
        """;

    public static readonly IReadOnlyList<Report> All =
    [
        new()
        {
            Name = "backlog", Title = "Backlog by stage", CaseLevel = false,
            Description = "For each stage in catalog order: open cases at it and the people in them; completed visits (exits, within the date range) with their mean and median length in days. Voided events do not count.",
            Columns = _ => ["stage_code", "stage", "open_cases", "principals", "family_members", "exits", "mean_days_in_stage", "median_days_in_stage"],
            Sql = _ => $"""
                with visits as (
                    select e.to_stage_code as code, e.effective_on as entered,
                           lead(e.effective_on) over (partition by e.case_id order by (e.from_stage_code is null) desc, e.effective_on, e.recorded_at, s.sort_order) as left_on
                    from stage_events e join stages s on s.code = e.to_stage_code join cases c on c.id = e.case_id
                    where e.voided_at is null and {CaseFilter}),
                exits as (
                    select code, count(*)::int as exits, round(avg(left_on - entered)::numeric, 1)::float8 as mean_days,
                           round((percentile_cont(0.5) within group (order by left_on - entered))::numeric, 1)::float8 as median_days
                    from visits where left_on is not null and (@from is null or left_on >= @from) and (@to is null or left_on <= @to)
                    group by code),
                open_cases as (
                    select c.current_stage_code as code, count(*)::int as cases,
                           coalesce(sum((select count(*) from persons p where p.principal_id = c.principal_id and p.merged_into_id is null)), 0)::int as family
                    from cases c
                    where {Domain.CaseStatus.OpenCaseSql("c")} and {CaseFilter}
                    group by c.current_stage_code)
                select s.code, s.name, coalesce(o.cases, 0), coalesce(o.cases, 0), coalesce(o.family, 0), coalesce(x.exits, 0), x.mean_days, x.median_days
                from stages s left join open_cases o on o.code = s.code left join exits x on x.code = s.code
                order by s.sort_order
                """,
        },
        new()
        {
            Name = "aging", Title = "Aging of open cases", CaseLevel = false,
            Description = "Open cases whose clock has started, by program and government-days bucket (clock start within the date range).",
            Columns = _ => ["program", "bucket", "open_cases"],
            Sql = _ => $"""
                with buckets(bucket, low, high, ord) as (values {Domain.CaseStatus.AgingBucketsSql()}),
                programs(program, ord) as (values {string.Join(", ", Enum.GetValues<Domain.SivProgram>().Select((p, i) => $"('{p}', {i + 1})"))})
                select p.program, b.bucket,
                    (select count(*)::int from cases c where {CaseFilter} and c.program = p.program and {Domain.CaseStatus.OpenClockSql("c")}
                        and {Domain.CaseStatus.GovernmentDaysSql("c", "@today")} between b.low and b.high
                        and (@from is null or c.clock_started_on >= @from) and (@to is null or c.clock_started_on <= @to))
                from programs p cross join buckets b
                where @program is null or p.program = @program
                order by p.ord, b.ord
                """,
        },
        new()
        {
            Name = "overdue", Title = "Overdue cases", CaseLevel = true,
            Description = "Open cases past the statutory limit (high-risk and S1059 cases excepted), most days over first; past_limit_since is the day the clock passed the limit, flagged_on the day the sweep first saw it.",
            Columns = _ => ["case_ref", "program", "stage_code", "clock_start", "government_days", "limit_days", "days_over", "past_limit_since", "flagged_on", "caseworker", "last_review"],
            Sql = _ => $"""
                select c.reference, c.program, c.current_stage_code, c.clock_started_on, {Domain.CaseStatus.GovernmentDaysSql("c", "@today")}, c.limit_days,
                    {Domain.CaseStatus.DaysOverSql("c", "@today")}, {Domain.CaseStatus.PastLimitSinceSql("c", "@today")},
                    (select f.raised_on from case_flags f where f.case_id = c.id and f.type = {Domain.CaseStatus.Sql(Domain.FlagType.StatutoryOverdue)} and f.cleared_on is null),
                    (select u.display_name from users u where u.id = c.caseworker_id),
                    (select max(a.at)::date from review_actions a where a.case_id = c.id)
                from cases c
                where {CaseFilter} and {Domain.CaseStatus.PastStatutoryLimitSql("c", "@today")}
                    and (@from is null or c.clock_started_on >= @from) and (@to is null or c.clock_started_on <= @to)
                order by 7 desc, c.reference
                """,
        },
        new()
        {
            Name = "throughput", Title = "Throughput", CaseLevel = false,
            Description = "Per month: stage transitions into each stage (effective dates within the range), and visas issued to principals and family members.",
            Columns = _ => ["month", "stage_code", "transitions", "visa_principals", "visa_family_members"],
            Sql = _ => $"""
                select to_char(date_trunc('month', e.effective_on), 'YYYY-MM') as month, e.to_stage_code, count(*)::int,
                    case when e.to_stage_code = 'VISA_ISSUED' then count(*)::int else 0 end,
                    case when e.to_stage_code = 'VISA_ISSUED' then coalesce(sum((select count(*) from persons p where p.principal_id = c.principal_id and p.merged_into_id is null)), 0)::int else 0 end
                from stage_events e join cases c on c.id = e.case_id join stages s on s.code = e.to_stage_code
                where e.voided_at is null and e.from_stage_code is not null and {CaseFilter}
                    and (@from is null or e.effective_on >= @from) and (@to is null or e.effective_on <= @to)
                group by 1, e.to_stage_code, s.sort_order
                order by 1, s.sort_order
                """,
        },
        new()
        {
            Name = "cases", Title = "All cases", CaseLevel = true,
            Description = "One row per case with its clock (clock start within the date range). Names only with \"include names\".",
            Columns = filter => ["case_ref", "program", "step_model", "stage_code", "stage_entered_on", "clock_state", "clock_start", "government_days",
                "paused_days", "limit_days", "days_over", "high_risk", "caseworker", "family_members", .. (filter.IncludeNames ? new[] { "principal_name" } : [])],
            Sql = filter => $"""
                select c.reference, c.program, c.step_model, c.current_stage_code, c.current_stage_entered_on, c.clock_state, c.clock_started_on,
                    {Domain.CaseStatus.GovernmentDaysSql("c", "@today")}, {Domain.CaseStatus.PausedDaysSql("c", "@today")}, c.limit_days,
                    {Domain.CaseStatus.DaysOverSql("c", "@today")}, c.high_risk,
                    (select u.display_name from users u where u.id = c.caseworker_id),
                    (select count(*)::int from persons p where p.principal_id = c.principal_id and p.merged_into_id is null)
                    {(filter.IncludeNames ? ", p.given_names, p.family_name" : "")}
                from cases c
                {(filter.IncludeNames ? "join persons p on p.id = c.principal_id" : "")}
                where {CaseFilter} and (@from is null or c.clock_started_on >= @from) and (@to is null or c.clock_started_on <= @to)
                order by c.reference
                """,
            // The principal's name is sealed: its two parts arrive encrypted and leave as one decrypted name.
            Finish = (filter, row) => filter.IncludeNames
                ? [.. row[..^2], Domain.Person.FormatName(Data.FieldProtection.Unprotect((string)row[^2]!), row[^1] is string family ? Data.FieldProtection.Unprotect(family) : null)]
                : row,
        },
        new()
        {
            Name = "referrals", Title = "Referrals in and out", CaseLevel = false,
            Description = "Per month (sent within the date range): cases this organisation referred or transferred to others and how many they accepted, and cases others sent here and how many this organisation accepted.",
            Columns = _ => ["month", "sent_out", "accepted_by_receivers", "received", "accepted_here"],
            Sql = _ => """
                select month, sum(sent_out)::int, sum(accepted_out)::int, sum(received)::int, sum(accepted_in)::int
                from (
                    select to_char(date_trunc('month', r.sent_at at time zone 'UTC'), 'YYYY-MM') as month, 1 as sent_out,
                        (r.status = 'Accepted')::int as accepted_out, 0 as received, 0 as accepted_in, r.sent_at
                    from referrals r where r.from_organisation_id = @org
                    union all
                    select to_char(date_trunc('month', r.sent_at at time zone 'UTC'), 'YYYY-MM'), 0, 0, 1, (r.status = 'Accepted')::int, r.sent_at
                    from referrals r where r.to_organisation_id = @org
                ) x
                where (@from is null or (x.sent_at at time zone 'UTC')::date >= @from) and (@to is null or (x.sent_at at time zone 'UTC')::date <= @to)
                group by month
                order by month
                """,
        },
    ];

    public static Report? Find(string? name) => All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
