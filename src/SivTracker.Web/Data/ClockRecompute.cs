using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data;

/// <summary>
/// Keeps each case's stored clock and current stage equal to what StatutoryClock derives from its history. One case
/// inside the transaction that changed its history; all cases in batches for the CLI, catalog changes and the sweep.
/// </summary>
public sealed class ClockRecompute(AppDbContext db, ClockSettings settings, TimeProvider time)
{
    public const int BatchSize = 2_000;

    /// <summary>Recomputes a tracked case from its (saved or pending) events; call before SaveChanges.</summary>
    public async Task ApplyAsync(Case @case, CancellationToken ct)
    {
        var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
        var events = await db.StageEvents.Where(e => e.CaseId == @case.Id).ToListAsync(ct);
        // Events added in this unit of work are tracked but not yet in the database.
        events = events.Union(db.ChangeTracker.Entries<StageEvent>().Where(e => e.Entity.CaseId == @case.Id).Select(e => e.Entity)).Distinct().ToList();
        var today = await TodayForAsync(@case.OrganisationId, ct);
        Apply(@case, events, catalog, today);
    }

    public void Apply(Case @case, IEnumerable<StageEvent> events, IReadOnlyDictionary<string, Stage> catalog, DateOnly today)
    {
        var live = StatutoryClock.InOrder(events.Where(e => !e.IsVoided), catalog);
        if (live.Count > 0)
        {
            @case.CurrentStageCode = live[^1].ToStageCode;
            @case.CurrentStageEnteredOn = live[^1].EffectiveOn;
        }
        else
        {
            @case.CurrentStageCode = StageCatalog.FirstStage(@case.StepModel);
            @case.CurrentStageEnteredOn = null;
        }
        var clock = StatutoryClock.Compute(StatutoryClock.ClockEvents(live),
            catalog, @case.Program, @case.StepModel, @case.HighRisk, today, settings);
        CaseClock.Apply(@case, clock, today);
    }

    public async Task<DateOnly> TodayForAsync(Guid organisationId, CancellationToken ct)
    {
        var zone = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.TimeZone).FirstOrDefaultAsync(ct);
        return StatutoryClock.Today(time, StatutoryClock.ZoneOrUtc(zone));
    }

    /// <summary>
    /// Recomputes every case (of one organisation, or all) in keyset batches: read a batch with its events, compute in
    /// memory, write back with one UPDATE ... FROM unnest(...). Memory stays flat; returns how many cases changed.
    /// The total for progress is counted through the context's filter, so the caller names the organisation on the
    /// context or opens it to all of them.
    /// </summary>
    public async Task<int> RecomputeAllAsync(Guid? organisationId = null, Action<int, int>? progress = null, CancellationToken ct = default)
    {
        db.Database.SetCommandTimeout(AppDbContext.BatchCommandTimeoutSeconds);
        var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
        var organisations = await db.Organisations.AsNoTracking().Where(o => organisationId == null || o.Id == organisationId)
            .Select(o => new { o.Id, o.TimeZone }).ToListAsync(ct);
        var total = await db.Cases.CountAsync(c => organisationId == null || c.OrganisationId == organisationId, ct);
        int done = 0, changed = 0;
        foreach (var organisation in organisations)
        {
            var today = StatutoryClock.Today(time, StatutoryClock.ZoneOrUtc(organisation.TimeZone));
            Guid? after = null;
            while (true)
            {
                var batch = await db.Cases.AsNoTracking().IgnoreQueryFilters()
                    .Where(c => c.OrganisationId == organisation.Id && (after == null || c.Id > after))
                    .OrderBy(c => c.Id).Take(BatchSize).ToListAsync(ct);
                if (batch.Count == 0) break;
                var ids = batch.Select(c => c.Id).ToList();
                var events = (await db.StageEvents.AsNoTracking().IgnoreQueryFilters().Where(e => ids.Contains(e.CaseId)).ToListAsync(ct))
                    .ToLookup(e => e.CaseId);
                var updates = new List<Case>();
                foreach (var @case in batch)
                {
                    // A stored clock is as of its last change: compare it as it reads today, so only real changes are written.
                    var before = (@case.CurrentStageCode, @case.ClockState, @case.LimitDays, @case.ClockStartedOn, CaseClock.On(@case, today));
                    Apply(@case, events[@case.Id], catalog, today);
                    if (before != (@case.CurrentStageCode, @case.ClockState, @case.LimitDays, @case.ClockStartedOn, CaseClock.On(@case, today)))
                    {
                        updates.Add(@case);
                    }
                }
                changed += await WriteAsync(updates, today, ct);
                done += batch.Count;
                after = batch[^1].Id;
                progress?.Invoke(done, total);
            }
        }
        return changed;
    }

    private async Task<int> WriteAsync(IReadOnlyList<Case> cases, DateOnly today, CancellationToken ct)
    {
        if (cases.Count == 0) return 0;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            update cases c set
                current_stage_code = v.stage, current_stage_entered_on = v.entered, clock_state = v.state, clock_started_on = v.started,
                government_days = v.government, paused_days = v.paused, limit_days = v.limit_days, days_over = v.over,
                projected_breach_on = v.breach, past_limit_since = v.past_limit, clock_computed_for = @today
            from unnest(@ids, @stages, @entered, @states, @started, @government, @paused, @limits, @over, @breach, @pastLimit)
                as v(id, stage, entered, state, started, government, paused, limit_days, over, breach, past_limit)
            where c.id = v.id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("today", today));
        command.Parameters.Add(new NpgsqlParameter("ids", cases.Select(c => c.Id).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("stages", cases.Select(c => c.CurrentStageCode).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("entered", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = cases.Select(c => (object?)c.CurrentStageEnteredOn ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("states", cases.Select(c => c.ClockState.ToString()).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("started", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = cases.Select(c => (object?)c.ClockStartedOn ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("government", cases.Select(c => c.GovernmentDays).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("paused", cases.Select(c => c.PausedDays).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("limits", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = cases.Select(c => (object?)c.LimitDays ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("over", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = cases.Select(c => (object?)c.DaysOver ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("breach", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = cases.Select(c => (object?)c.ProjectedBreachOn ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("pastLimit", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = cases.Select(c => (object?)c.PastLimitSince ?? DBNull.Value).ToArray() });
        return await command.ExecuteNonQueryAsync(ct);
    }
}
