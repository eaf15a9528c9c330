using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Exports;

public enum ExportFormat { Csv, Xlsx, Json }

/// <summary>
/// Where reports read from: a read-only replica when ConnectionStrings:Reports is set, so long exports never load the
/// primary; otherwise the primary itself.
/// </summary>
public sealed class ReportsDatabase(NpgsqlDataSource? replica, ILogger<ReportsDatabase> logger)
{
    public bool UsesReplica => replica is not null;

    /// <summary>An open connection for report queries; dispose it, or for the primary close it through the context.</summary>
    public async Task<NpgsqlConnection> OpenAsync(AppDbContext db, CancellationToken ct)
    {
        if (replica is not null)
        {
            try
            {
                return await OpenReplicaAsync(replica, ct);
            }
            catch (NpgsqlException exception) when (!ct.IsCancellationRequested)
            {
                // A replica that is down or restarting must not take reports with it: the primary answers meanwhile
                // (counted, so an operator sees how often), and the primary being down too still ends in the 503 page.
                Telemetry.ReplicaFallbacks.Add(1);
                logger.LogWarning("Reports replica unreachable ({Error}); reading from the primary", exception.GetType().Name);
            }
        }
        await db.Database.OpenConnectionAsync(ct);
        return (NpgsqlConnection)db.Database.GetDbConnection();
    }

    /// <summary>
    /// A pooled connection to a replica that restarted since is open only in name: one round trip proves it, and on
    /// failure the pool's other idle connections, as stale, go too.
    /// </summary>
    private static async Task<NpgsqlConnection> OpenReplicaAsync(NpgsqlDataSource replica, CancellationToken ct)
    {
        var connection = await replica.OpenConnectionAsync(ct);
        try
        {
            await using var ping = new NpgsqlCommand("select 1", connection);
            await ping.ExecuteScalarAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            replica.Clear();
            throw;
        }
    }

    public async Task CloseAsync(AppDbContext db, NpgsqlConnection connection)
    {
        if (connection != db.Database.GetDbConnection()) await connection.DisposeAsync();
        else await db.Database.CloseConnectionAsync();
    }

    /// <summary>
    /// How far the replica's replay is behind the primary, in seconds (0 when it has replayed all it received); null
    /// without a replica. Throws when the replica cannot be reached.
    /// </summary>
    public async Task<double?> LagSecondsAsync(CancellationToken ct)
    {
        if (replica is null) return null;
        await using var connection = await replica.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            select case when pg_last_wal_receive_lsn() is not distinct from pg_last_wal_replay_lsn() then 0
                        else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0) end::float8
            """, connection);
        return (double)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>
/// Streams a report to a file format and records it: an audit row when it starts (who, which report, the filters) and
/// another when it finishes or is aborted, with the rows sent. The page and the CLI both come through here.
/// </summary>
public sealed class ReportExporter(AppDbContext db, ReportsDatabase reports, Audit audit, ClockRecompute clocks, ILogger<ReportExporter> logger)
{
    public static string ContentType(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "text/csv; charset=utf-8",
        ExportFormat.Json => "application/json; charset=utf-8",
        _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };

    public static string FileName(Report report, ExportFormat format, DateOnly today) =>
        $"sivtracker-{report.Name}-{today:yyyy-MM-dd}.{format.ToString().ToLowerInvariant()}";

    public Task<int> ExportAsync(Report report, ReportFilter filter, Guid organisationId, ExportFormat format, Stream output, Guid? userId, CancellationToken ct) =>
        AuditedAsync(report.Name, filter, organisationId, format.ToString().ToLowerInvariant(), userId, async sent =>
        {
            var today = await clocks.TodayForAsync(organisationId, ct);
            var connection = await reports.OpenAsync(db, ct);
            try
            {
                var data = CountedAsync(report.RowsAsync(connection, organisationId, today, filter, ct), sent);
                return format switch
                {
                    ExportFormat.Csv => await ReportWriters.WriteCsvAsync(output, report.Columns(filter), data, ct),
                    ExportFormat.Json => await ReportWriters.WriteJsonAsync(output, report.Columns(filter), data, ct),
                    _ => await ReportWriters.WriteXlsxAsync(output, report.Name, report.Columns(filter), data, ct),
                };
            }
            finally
            {
                await reports.CloseAsync(db, connection);
            }
        }, ct);

    /// <summary>
    /// Runs an export of a report's rows in whatever form <paramref name="write"/> gives them, between its audit rows:
    /// the start before anything leaves, then the finish with the rows written or the abort with how many left before it.
    /// </summary>
    public async Task<int> AuditedAsync(string reportName, ReportFilter filter, Guid organisationId, string format, Guid? userId,
        Func<RowCount, Task<int>> write, CancellationToken ct)
    {
        // One id on the start and on its end, so a start with neither (a killed process) stands out in the log.
        var export = $"export={Guid.CreateVersion7()}; format={format}; filters: {(filter.ToString() is { Length: > 0 } f ? f : "none")}";
        // Saved before the first row leaves, whatever happens to the rest.
        await audit.RecordNowAsync(AuditActions.ExportStarted, "report", reportName, export, organisationId, userId, ct);
        var sent = new RowCount();
        int rows;
        using var span = Telemetry.Source.StartActivity("export");
        span?.SetTag("sivtracker.report", reportName);
        span?.SetTag("sivtracker.format", format);
        try
        {
            rows = await write(sent);
        }
        catch (Exception exception)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            Telemetry.ExportedRows.Add(sent.Rows, Telemetry.Tag("report", reportName), Telemetry.Tag("format", format));
            var reason = exception is OperationCanceledException ? "cancelled" : exception.GetType().Name;
            try
            {
                // Not the request's token: a dropped connection cancels it, and that is when this row matters most.
                await audit.RecordNowAsync(AuditActions.ExportAborted, "report", reportName, $"{export}; rows={sent.Rows}; {reason}", organisationId, userId, CancellationToken.None);
            }
            catch (Exception recording) when (recording is not OperationCanceledException)
            {
                // The failure that stopped the export is the one to report; the start row already says it began.
                logger.LogError("The abort of an export of {Report} was not recorded: {Error}", reportName, recording.GetType().Name);
            }
            throw;
        }
        await audit.RecordNowAsync(AuditActions.ExportFinished, "report", reportName, $"{export}; rows={rows}", organisationId, userId, CancellationToken.None);
        Telemetry.ExportedRows.Add(rows, Telemetry.Tag("report", reportName), Telemetry.Tag("format", format));
        span?.SetTag("sivtracker.rows", rows);
        logger.LogInformation("Report {Report} exported as {Format} by {UserId}: {Rows} rows", reportName, format, userId, rows);
        return rows;
    }

    /// <summary>The rows for the page, at most <paramref name="limit"/>.</summary>
    public async Task<(IReadOnlyList<object?[]> Rows, bool More)> PreviewAsync(Report report, ReportFilter filter, Guid organisationId, int limit, CancellationToken ct)
    {
        var today = await clocks.TodayForAsync(organisationId, ct);
        var connection = await reports.OpenAsync(db, ct);
        try
        {
            var rows = new List<object?[]>();
            await foreach (var row in report.RowsAsync(connection, organisationId, today, filter, ct))
            {
                if (rows.Count == limit) return (rows, true);
                rows.Add(row);
            }
            return (rows, false);
        }
        finally
        {
            await reports.CloseAsync(db, connection);
        }
    }

    public sealed class RowCount
    {
        public int Rows { get; set; }
    }

    /// <summary>Counts the rows the writer has taken and written, so an abort can say how many left before it.</summary>
    private static async IAsyncEnumerable<object?[]> CountedAsync(IAsyncEnumerable<object?[]> rows, RowCount count,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var row in rows.WithCancellation(ct))
        {
            yield return row;
            // Runs when the writer asks for the next row, so only after it has written this one.
            count.Rows++;
        }
    }
}
