using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Backlog;

/// <summary>
/// The backlog at a glance, computed in the database from the stored clocks and the stage histories: a handful of
/// queries whatever the number of cases.
/// </summary>
public sealed class BacklogFigures(AppDbContext db, TimeProvider time)
{
    /// <summary>The organisation-wide figures of the dashboard, computed together.</summary>
    public sealed record Figures(IReadOnlyList<ProgramRow> Programs, IReadOnlyList<StageRow> ByStage, IReadOnlyList<AgingRow> Aging,
        IReadOnlyList<MonthRow> PastLimitByMonth, IReadOnlyList<StageDaysRow> DaysInStage, IReadOnlyList<CaseworkerRow> ByCaseworker,
        int PastStatutoryLimit, DateTimeOffset At);

    public sealed record ProgramRow(SivProgram Program, int Applicants, int OpenCases);

    public sealed record StageRow(string Code, string Name, int SortOrder, int OpenCases, int FamilyMembers);

    public sealed record AgingRow(SivProgram Program, string Bucket, int Cases);

    public sealed record MonthRow(DateOnly MonthEnd, int Overdue);

    public sealed record StageDaysRow(string Code, string Name, int SortOrder, int Exits, double? MeanDays, double? MedianDays);

    /// <summary>Name null: the cases nobody is assigned to, named in each reader's language (the figures are shared).</summary>
    public sealed record CaseworkerRow(string? Name, int OpenCases);

    public async Task<Figures> ComputeAsync(DateOnly today, CancellationToken ct)
    {
        var programs = await db.Cases.AsNoTracking().GroupBy(c => c.Program).OrderBy(g => g.Key)
            .Select(g => new ProgramRow(g.Key, g.Count(), g.Count(c => !db.Stages.Any(s => s.Code == c.CurrentStageCode && s.IsTerminal))))
            .ToListAsync(ct);
        return new Figures(programs, await OpenByStageAsync(ct), await AgingAsync(today, ct), await PastLimitByMonthAsync(today, ct),
            await DaysInStageAsync(today, ct), await ByCaseworkerAsync(ct), await db.Cases.CountAsync(CaseStatus.PastStatutoryLimit(today), ct), time.GetUtcNow());
    }

    public async Task<IReadOnlyList<StageRow>> OpenByStageAsync(CancellationToken ct)
    {
        var counts = await db.OpenCases.AsNoTracking()
            .GroupBy(c => c.CurrentStageCode)
            .Select(g => new { Code = g.Key, Cases = g.Count(), Family = g.Sum(c => db.Persons.Count(p => p.PrincipalId == c.PrincipalId && p.MergedIntoId == null)) })
            .ToListAsync(ct);
        var stages = await db.Stages.AsNoTracking().OrderBy(s => s.SortOrder).ToListAsync(ct);
        return stages.Where(s => !s.IsTerminal)
            .Select(s => counts.FirstOrDefault(c => c.Code == s.Code) is { } c
                ? new StageRow(s.Code, s.Name, s.SortOrder, c.Cases, c.Family)
                : new StageRow(s.Code, s.Name, s.SortOrder, 0, 0))
            .ToList();
    }

    /// <summary>Open cases by program and government-days bucket: the aging report's own rows.</summary>
    public async Task<IReadOnlyList<AgingRow>> AgingAsync(DateOnly today, CancellationToken ct) =>
        await ReportRowsAsync("aging", today, row => new AgingRow(Enum.Parse<SivProgram>((string)row[0]!), (string)row[1]!, (int)row[2]!), ct);

    /// <summary>
    /// Cases past the statutory limit at the end of each of the last twelve months, from the histories themselves: a case
    /// counts from the day its clock passed the limit while its latest stage by then had not stopped the clock. An
    /// imported backlog shows its real past, not the day SivTracker first saw it.
    /// </summary>
    public async Task<IReadOnlyList<MonthRow>> PastLimitByMonthAsync(DateOnly today, CancellationToken ct)
    {
        var firstMonthEnd = new DateOnly(today.Year, today.Month, 1).AddMonths(-11).AddDays(-1);
        var sql = $"""
            with months as (
                select least((date_trunc('month', d) + interval '1 month - 1 day')::date, @today) as month_end
                from generate_series(@firstMonth::date, @today::date, interval '1 month') d),
            breached as (
                select c.id, {CaseStatus.PastLimitSinceSql("c", "@today")} as past_limit_since
                from cases c
                where c.organisation_id = @org and not c.high_risk and c.program = any(@programs))
            select m.month_end as month_end, count(b.id)::int as overdue
            from months m
            left join breached b on b.past_limit_since <= m.month_end
                and coalesce((select s.clock_owner from stage_events e join stages s on s.code = e.to_stage_code
                              where e.case_id = b.id and e.voided_at is null and e.from_stage_code is not null and e.effective_on <= m.month_end
                              order by e.effective_on desc, e.recorded_at desc, s.sort_order desc limit 1), '') <> @stopped
            group by m.month_end
            order by m.month_end
            """;
        return await db.Database.SqlQueryRaw<MonthRow>(sql, new Npgsql.NpgsqlParameter("today", today), new Npgsql.NpgsqlParameter("firstMonth", firstMonthEnd.AddDays(1)),
            new Npgsql.NpgsqlParameter("org", db.OrganisationId!.Value), new Npgsql.NpgsqlParameter("programs", CaseStatus.StatutoryPrograms.Select(p => p.ToString()).ToArray()),
            new Npgsql.NpgsqlParameter("stopped", ClockOwner.Stopped.ToString())).ToListAsync(ct);
    }

    /// <summary>Completed visits to each stage and their mean and median length: the backlog report's own rows.</summary>
    public async Task<IReadOnlyList<StageDaysRow>> DaysInStageAsync(DateOnly today, CancellationToken ct)
    {
        var order = 0;
        return await ReportRowsAsync("backlog", today, row => new StageDaysRow((string)row[0]!, (string)row[1]!, order++, (int)row[5]!, (double?)row[6], (double?)row[7]), ct);
    }

    /// <summary>A report's rows, read through the same query its page and exports use, so the dashboard cannot disagree with them.</summary>
    private async Task<IReadOnlyList<T>> ReportRowsAsync<T>(string report, DateOnly today, Func<object?[], T> row, CancellationToken ct)
    {
        var rows = new List<T>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
            await foreach (var values in Exports.Report.Find(report)!.RowsAsync(connection, db.OrganisationId!.Value, today, new Exports.ReportFilter(), ct))
            {
                rows.Add(row(values));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return rows;
    }

    public async Task<IReadOnlyList<CaseworkerRow>> ByCaseworkerAsync(CancellationToken ct)
    {
        var rows = await db.OpenCases.AsNoTracking()
            .GroupBy(c => c.CaseworkerId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(ct);
        var ids = rows.Where(r => r.Key != null).Select(r => r.Key!.Value).ToList();
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return rows.Select(r => new CaseworkerRow(r.Key is { } id && names.TryGetValue(id, out var name) ? name : null, r.Count))
            .OrderByDescending(r => r.OpenCases).ToList();
    }
}
