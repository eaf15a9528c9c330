using System.Diagnostics;
using SivTracker.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Background;

/// <summary>Sweep settings (DOMAIN.md §5); bound from the "Sweep" configuration section.</summary>
public sealed record SweepSettings
{
    public bool Enabled { get; init; } = true;
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(15);
    public int AppealWindowDays { get; init; } = 120;
    public int AppealWarningDays { get; init; } = 30;
    public int MedicalValidMonths { get; init; } = 6;
    public int MedicalWarningDays { get; init; } = 30;
    public int PassportWarningMonths { get; init; } = 6;
    public int Refusal221gDays { get; init; } = 365;
    public int Refusal221gWarningDays { get; init; } = 60;
    public int InactivityDays { get; init; } = 60;
    public int NoContactDays { get; init; } = 90;
}

/// <summary>
/// Raises and clears deadline flags for the cases that are due: those whose inputs changed since the last sweep and
/// those reaching a day on which a condition changes by itself (<see cref="CaseSweepDue"/>). Clocks are never
/// advanced: their figures are read for the day (<see cref="CaseClock"/>), so a day's work follows what changed, not
/// the caseload. A few set-based statements per organisation, "today" (in the organisation's time zone) a parameter,
/// never the database clock. One sweeper at a time across instances: a transaction-level advisory lock, released if
/// the instance dies.
/// </summary>
public sealed class DeadlineSweep(AppDbContext db, ClockSettings clock, SweepSettings settings, TimeProvider time, WebhookSignal webhooks, ILogger<DeadlineSweep> logger)
{
    public sealed record Result(bool Ran, int Raised, int Cleared, int CasesDue, int Notifications);

    /// <summary>An arbitrary constant naming the sweep's advisory lock.</summary>
    internal const long LockKey = 0x5157_5745_4550;

    /// <summary>The limit flags whose raising notifies reviewers, admins and the case's caseworker.</summary>
    private static readonly FlagType[] NotifiedFlags =
        [FlagType.StatutoryOverdue, FlagType.StatutoryApproaching90, FlagType.StatutoryApproaching30, FlagType.InternalTargetOverdue];

    /// <summary>
    /// Review queue groups: 1 past the statutory limit, 2 within 30 days, 3 within 90 days, 4 any other deadline (an
    /// S1059 case past its internal target among them: it is never counted as a statutory breach).
    /// </summary>
    internal static readonly string QueueUrgencySql =
        $"case when type = {CaseStatus.Sql(FlagType.StatutoryOverdue)} then 1 when type = {CaseStatus.Sql(FlagType.StatutoryApproaching30)} then 2 " +
        $"when type = {CaseStatus.Sql(FlagType.StatutoryApproaching90)} then 3 else 4 end";

    /// <param name="slot">
    /// The start of the sweep interval this run is for, when the timer runs it: an interval already swept (by another
    /// instance) is skipped. Without it (the CLI, tests) the sweep always runs.
    /// </param>
    public async Task<Result> RunAsync(DateOnly? today = null, CancellationToken ct = default, DateTimeOffset? slot = null)
    {
        using var span = Telemetry.Source.StartActivity("deadline sweep");
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await SweepAsync(today, slot, ct);
            Telemetry.SweepRuns.Add(1, Telemetry.Tag("outcome", result.Ran ? "ran" : "skipped"));
            if (result.Ran)
            {
                Telemetry.SweepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                Telemetry.SweepFlags.Add(result.Raised, Telemetry.Tag("change", "raised"));
                Telemetry.SweepFlags.Add(result.Cleared, Telemetry.Tag("change", "cleared"));
            }
            span?.SetTag("sivtracker.ran", result.Ran);
            return result;
        }
        catch (Exception exception)
        {
            Telemetry.SweepRuns.Add(1, Telemetry.Tag("outcome", "failed"));
            span?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }

    private async Task<Result> SweepAsync(DateOnly? today, DateTimeOffset? slot, CancellationToken ct)
    {
        db.Database.SetCommandTimeout(AppDbContext.BatchCommandTimeoutSeconds);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            if (!(bool)(await Command(connection, "select pg_try_advisory_xact_lock(@key)", ("key", LockKey)).ExecuteScalarAsync(ct))!)
            {
                logger.LogInformation("Deadline sweep skipped: another instance is sweeping");
                return new Result(false, 0, 0, 0, 0);
            }
            // Claimed in the sweep's own transaction: a sweep that fails gives its interval back for a retry.
            if (slot is { } interval)
            {
                if (await Command(connection, "insert into sweep_slots (starts_at) values (@slot) on conflict do nothing", ("slot", interval)).ExecuteNonQueryAsync(ct) == 0)
                {
                    logger.LogInformation("Deadline sweep skipped: this interval was swept already");
                    return new Result(false, 0, 0, 0, 0);
                }
                await Command(connection, "delete from sweep_slots where starts_at < @slot - interval '7 days'", ("slot", interval)).ExecuteNonQueryAsync(ct);
            }
            // Read on the sweep's own connection, as everything after: a LINQ query here would be compiled by EF Core on a
            // process's first sweep, costing more than reading the two lists.
            var organisations = new List<(Guid Id, string TimeZone)>();
            await using (var reader = await Command(connection, "select id, time_zone from organisations").ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) organisations.Add((reader.GetGuid(0), reader.GetString(1)));
            }
            // Open and closed come from the catalog an admin keeps, never from a list of codes typed here.
            var clockStopped = new List<string>();
            await using (var reader = await Command(connection, $"select code from stages where clock_owner = {CaseStatus.Sql(ClockOwner.Stopped)}").ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) clockStopped.Add(reader.GetString(0));
            }
            await DueOnNewSettingsAsync(connection, ct);
            int raised = 0, cleared = 0, due = 0, notifications = 0;
            foreach (var organisation in organisations)
            {
                var day = today ?? StatutoryClock.Today(time, StatutoryClock.ZoneOrUtc(organisation.TimeZone));
                var (d, r, c, n) = await SweepFlagsAsync(connection, organisation.Id, day, clockStopped.ToArray(), ct);
                due += d;
                raised += r;
                cleared += c;
                notifications += n;
            }
            await transaction.CommitAsync(ct);
            if (raised + cleared > 0) webhooks.Wake();
            logger.LogInformation("Deadline sweep: {Due} cases due, {Raised} flags raised, {Cleared} cleared", due, raised, cleared);
            return new Result(true, raised, cleared, due, notifications);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The due days were worked out with the settings of the sweep that set them: when an operator changes a deadline
    /// setting, every case is due again.
    /// </summary>
    private async Task DueOnNewSettingsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var fingerprint = $"{clock} {settings with { Enabled = true, Interval = TimeSpan.Zero }}";
        var stored = (string?)await Command(connection, "select fingerprint from sweep_settings").ExecuteScalarAsync(ct);
        if (stored == fingerprint) return;
        await Command(connection, "update sweep_due_cases set due_on = null where due_on is not null").ExecuteNonQueryAsync(ct);
        await Command(connection, "delete from sweep_settings; insert into sweep_settings (fingerprint) values (@fingerprint)", ("fingerprint", fingerprint)).ExecuteNonQueryAsync(ct);
    }

    private async Task<(int Due, int Raised, int Cleared, int Notifications)> SweepFlagsAsync(NpgsqlConnection connection, Guid organisationId, DateOnly today,
        string[] clockStopped, CancellationToken ct)
    {
        (string, object)[] parameters =
        [
            ("org", organisationId), ("today", today), ("warn1", clock.FirstWarningDays), ("warn2", clock.SecondWarningDays),
            ("appealDays", settings.AppealWindowDays), ("appealWarn", settings.AppealWarningDays),
            ("medicalMonths", settings.MedicalValidMonths), ("medicalWarn", settings.MedicalWarningDays),
            ("passportMonths", settings.PassportWarningMonths), ("refusalDays", settings.Refusal221gDays), ("refusalWarn", settings.Refusal221gWarningDays),
            ("inactivityDays", settings.InactivityDays), ("noContactDays", settings.NoContactDays), ("clockStopped", clockStopped),
            ("now", time.GetUtcNow()),
        ];
        await Command(connection, """
            create temp table if not exists sweep_due (case_id uuid primary key) on commit drop;
            create temp table if not exists sweep_cases (id uuid, principal_id uuid, program varchar(40), current_stage_code varchar(40),
                current_stage_entered_on date, clock_state varchar(40), government_days int, limit_days int, clock_computed_for date,
                past_limit_since date, high_risk boolean, limit_reached_on date, is_open boolean, medical_expires_on date,
                passport_expires_on date, last_activity_on date, last_contact_on date) on commit drop;
            create temp table if not exists sweep_conditions (case_id uuid, type text, days_over int, deadline_on date, past_limit_since date) on commit drop;
            create temp table if not exists sweep_raised (id uuid, case_id uuid, type text, raised_on date) on commit drop;
            create temp table if not exists sweep_cleared (id uuid, case_id uuid, type text, raised_on date) on commit drop;
            truncate sweep_due, sweep_cases, sweep_conditions, sweep_raised, sweep_cleared;
            """).ExecuteNonQueryAsync(ct);
        var due = await Command(connection, """
            insert into sweep_due
            select case_id from sweep_due_cases where organisation_id = @org and due_on is null
            union all
            select case_id from sweep_due_cases where organisation_id = @org and due_on <= @today
            """, parameters).ExecuteNonQueryAsync(ct);
        if (due == 0) return (0, 0, 0, 0);
        await Command(connection, "analyze sweep_due").ExecuteNonQueryAsync(ct);
        // Each due case read once, with the dates its other conditions hang on (the newest medical's expiry, the family's
        // soonest passport expiry, the last activity and contact): the conditions and the next due day both work from
        // this one row, rather than each looking the case and its records up again.
        await Command(connection, $"""
            insert into sweep_cases
            select c.id, c.principal_id, c.program, c.current_stage_code, c.current_stage_entered_on, c.clock_state, c.government_days,
                c.limit_days, c.clock_computed_for, c.past_limit_since, c.high_risk, c.limit_reached_on, {CaseStatus.OpenCaseSql("c")},
                (select (min(d.status_on) + make_interval(months => @medicalMonths))::date from document_items d
                 where d.case_id = c.id and d.kind = 'Medical' and d.status in ('Received', 'Verified') and d.status_on is not null),
                -- Each family member's newest passport counts: renewing it clears the flag. The principal and the family
                -- are two index lookups (one "or" would be a bitmap per case); a principal is never a merged record (a
                -- merge moves the cases to the record that survives), so its passports need no lookup of the person.
                (select min(p.newest) from (
                     select c.principal_id as id
                     union all
                     select m.id from persons m where m.principal_id = c.principal_id and m.merged_into_id is null) m
                 cross join lateral (select max(expires_on) as newest from passports where person_id = m.id) p),
                greatest((select max(effective_on) from stage_events e where e.case_id = c.id and e.voided_at is null),
                         (select max(created_at)::date from case_notes n where n.case_id = c.id)),
                (select max(last_successful_contact_on) from contact_channels where person_id = c.principal_id)
            from sweep_due w join cases c on c.id = w.case_id
            """, parameters).ExecuteNonQueryAsync(ct);
        await Command(connection, $"""
            insert into sweep_conditions (case_id, type, days_over, deadline_on, past_limit_since)
            select c.id, {CaseStatus.Sql(FlagType.StatutoryOverdue)}, {CaseStatus.DaysOverSql("c", "@today")}, null::date, {CaseStatus.PastLimitSinceSql("c", "@today")}
            from sweep_cases c where {CaseStatus.PastStatutoryLimitSql("c", "@today")}
            union all
            select c.id, {CaseStatus.Sql(FlagType.InternalTargetOverdue)}, {CaseStatus.DaysOverSql("c", "@today")}, null, {CaseStatus.PastLimitSinceSql("c", "@today")}
            from sweep_cases c where {CaseStatus.PastInternalTargetSql("c", "@today")}
            union all
            select c.id, case when c.limit_days - g.days <= @warn2 then 'StatutoryApproaching30' else 'StatutoryApproaching90' end,
                null, @today + (c.limit_days - g.days), null
            from sweep_cases c cross join lateral (select {CaseStatus.GovernmentDaysSql("c", "@today")} as days) g
            where {CaseStatus.OpenClockSql("c")} and c.program in ({string.Join(", ", CaseStatus.StatutoryPrograms.Select(CaseStatus.Sql))})
                and g.days <= c.limit_days and c.limit_days - g.days <= @warn1
            union all
            select id, 'ComAppealWindow', null, current_stage_entered_on + @appealDays, null
            from sweep_cases where current_stage_code = '{StageCatalog.ComDenied}'
                and @today >= current_stage_entered_on + (@appealDays - @appealWarn)
            union all
            select id, 'Refusal221gDeadline', null, current_stage_entered_on + @refusalDays, null
            from sweep_cases where current_stage_code = '{StageCatalog.AdminProcessing}'
                and @today >= current_stage_entered_on + (@refusalDays - @refusalWarn)
            union all
            select id, 'MedicalExpiry', null, medical_expires_on, null
            from sweep_cases where not (current_stage_code = any(@clockStopped)) and @today >= medical_expires_on - @medicalWarn
            union all
            select id, 'PassportExpiry', null, passport_expires_on, null
            from sweep_cases where is_open and passport_expires_on <= (@today + make_interval(months => @passportMonths))::date
            union all
            select id, 'Inactivity', null, last_activity_on + @inactivityDays, null
            from sweep_cases where is_open and last_activity_on <= @today - @inactivityDays
            union all
            select id, 'NoContact', null, coalesce(last_contact_on + @noContactDays, @today), null
            from sweep_cases where is_open and (last_contact_on is null or last_contact_on <= @today - @noContactDays)
            """, parameters).ExecuteNonQueryAsync(ct);

        var raised = await Command(connection, """
            with raised as (
                insert into case_flags (id, organisation_id, case_id, type, raised_on, days_over, deadline_on, past_limit_since)
                select uuid_v7(), @org, case_id, type, @today, days_over, deadline_on, past_limit_since from sweep_conditions
                on conflict (case_id, type) where cleared_on is null do nothing
                returning id, case_id, type, raised_on)
            insert into sweep_raised select * from raised
            """, parameters).ExecuteNonQueryAsync(ct);
        await Command(connection, """
            update case_flags f set deadline_on = s.deadline_on, past_limit_since = s.past_limit_since
            from sweep_conditions s
            where f.cleared_on is null and f.case_id = s.case_id and f.type = s.type
                and (f.deadline_on is distinct from s.deadline_on or f.past_limit_since is distinct from s.past_limit_since)
            """, parameters).ExecuteNonQueryAsync(ct);
        var cleared = await Command(connection, """
            with cleared as (
                update case_flags f set cleared_on = @today
                from sweep_due w
                where f.case_id = w.case_id and f.cleared_on is null
                    and not exists (select 1 from sweep_conditions s where s.case_id = f.case_id and s.type = f.type)
                returning f.id, f.case_id, f.type, f.raised_on)
            insert into sweep_cleared select * from cleared
            """, parameters).ExecuteNonQueryAsync(ct);
        // Webhook messages for the flags raised and cleared, in the sweep's transaction (the outbox's rule, in SQL for a set).
        await Command(connection, $"""
            insert into webhook_messages (id, organisation_id, subscription_id, type, data, created_at, status, attempts, next_attempt_at)
            select uuid_v7(), @org, s.id, e.event, e.data, @now, 'Pending', 0, @now
            from (select '{Webhooks.CaseFlagRaised}' as event, jsonb_build_object('caseId', case_id, 'flagId', id, 'flag', type, 'raisedOn', raised_on) as data
                  from sweep_raised
                  union all
                  select '{Webhooks.CaseFlagCleared}', jsonb_build_object('caseId', case_id, 'flagId', id, 'flag', type, 'raisedOn', raised_on, 'clearedOn', @today)
                  from sweep_cleared) e
            join webhook_subscriptions s on s.organisation_id = @org and e.event = any(s.events)
            """, parameters).ExecuteNonQueryAsync(ct);
        // Reviewers and admins hear of every newly overdue or approaching case; caseworkers of their own.
        var notified = await Command(connection, $"""
            insert into notifications (id, organisation_id, user_id, case_id, flag_id, type, raised_on)
            select uuid_v7(), @org, u.id, r.case_id, r.id, r.type, r.raised_on
            from sweep_raised r
            join cases c on c.id = r.case_id
            join users u on u.organisation_id = @org and not u.is_disabled
            where r.type in ({string.Join(", ", NotifiedFlags.Select(CaseStatus.Sql))})
                and (exists (select 1 from user_roles ur join roles ro on ro.id = ur.role_id where ur.user_id = u.id and ro.name in ('Reviewer', 'Admin'))
                     or c.caseworker_id = u.id)
            on conflict do nothing
            """, parameters).ExecuteNonQueryAsync(ct);
        // The review queue's urgency group, kept on the case so the queue is an index range scan, not a scan of every flag;
        // and the queue's counts moved by the cases that changed group, in the same transaction: a view of the queue
        // reads four numbers instead of counting every flagged case, and they are never out of step with the rows.
        // Only the sweep sets a group and cases are never deleted, so what it moves is all that ever changes them.
        await Command(connection, $"""
            with changed as (
                update cases c set review_urgency = u.urgency
                from (select w.case_id, k.review_urgency as was,
                          (select min({QueueUrgencySql}) from case_flags f where f.case_id = w.case_id and f.cleared_on is null) as urgency
                      from sweep_due w join cases k on k.id = w.case_id) u
                where c.id = u.case_id and c.review_urgency is distinct from u.urgency
                returning u.was, u.urgency),
            moves as (
                select was as urgency, -1 as cases from changed where was is not null
                union all
                select urgency, 1 from changed where urgency is not null)
            insert into review_queue_counts (organisation_id, urgency, cases)
            select @org, urgency, sum(cases)::int from moves group by urgency
            on conflict (organisation_id, urgency) do update set cases = review_queue_counts.cases + excluded.cases
            """, parameters).ExecuteNonQueryAsync(ct);
        await Command(connection, NextDueSql, parameters).ExecuteNonQueryAsync(ct);
        return (due, raised, cleared, notified);
    }

    /// <summary>
    /// Each due case's next due day: the earliest day after today on which one of the conditions above can change with
    /// nothing edited. Each condition holds from a day on, so its day is exact: a day later would miss a flag, and a
    /// day earlier would be dropped as past while the condition does not hold yet.
    /// </summary>
    private static readonly string NextDueSql = $"""
        update sweep_due_cases s set due_on = coalesce(n.next, date '9999-12-31')
        from (
            select c.id, (select min(d) from unnest(array[
                    -- The limit: 90 and 30 days before the day it is reached, and the day after.
                    c.limit_reached_on - @warn1, c.limit_reached_on - @warn2, c.limit_reached_on + 1,
                    case when c.current_stage_code = '{StageCatalog.ComDenied}' then c.current_stage_entered_on + (@appealDays - @appealWarn) end,
                    case when c.current_stage_code = '{StageCatalog.AdminProcessing}' then c.current_stage_entered_on + (@refusalDays - @refusalWarn) end,
                    c.medical_expires_on - @medicalWarn,
                    -- The first day whose date months ahead reaches the passport's expiry (month ends clamp, hence the check).
                    case when (x.back + make_interval(months => @passportMonths))::date >= c.passport_expires_on then x.back else x.back + 1 end,
                    c.last_activity_on + @inactivityDays,
                    c.last_contact_on + @noContactDays
                ]) d where d > @today) as next
            from sweep_cases c cross join lateral (select (c.passport_expires_on - make_interval(months => @passportMonths))::date as back) x
        ) n
        where s.case_id = n.id
        """;

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = AppDbContext.BatchCommandTimeoutSeconds };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value));
        }
        return command;
    }
}
