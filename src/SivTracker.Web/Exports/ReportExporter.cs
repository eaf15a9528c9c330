using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Exports;

public enum ExportFormat { Csv, Xlsx }

/// <summary>
/// Where reports read from: a read-only replica when ConnectionStrings:Reports is set, so long exports never load the
/// primary; otherwise the primary itself.
/// </summary>
public sealed class ReportsDatabase(NpgsqlDataSource? replica)
{
    public bool UsesReplica => replica is not null;

    /// <summary>An open connection for report queries; dispose it, or for the primary close it through the context.</summary>
    public async Task<NpgsqlConnection> OpenAsync(AppDbContext db, CancellationToken ct)
    {
        if (replica is not null) return await replica.OpenConnectionAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        return (NpgsqlConnection)db.Database.GetDbConnection();
    }

    public async Task CloseAsync(AppDbContext db, NpgsqlConnection connection)
    {
        if (replica is not null) await connection.DisposeAsync();
        else await db.Database.CloseConnectionAsync();
    }
}

/// <summary>Streams a report to a file format and writes the audit row: who, which report, the filters, the row count.</summary>
public sealed class ReportExporter(AppDbContext db, ReportsDatabase reports, TimeProvider time, ILogger<ReportExporter> logger)
{
    public static string ContentType(ExportFormat format) =>
        format == ExportFormat.Csv ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string FileName(Report report, ExportFormat format, DateOnly today) =>
        $"sivtracker-{report.Name}-{today:yyyy-MM-dd}.{format.ToString().ToLowerInvariant()}";

    public async Task<int> ExportAsync(Report report, ReportFilter filter, Guid organisationId, ExportFormat format, Stream output, Guid? userId, CancellationToken ct)
    {
        var connection = await reports.OpenAsync(db, ct);
        int rows;
        try
        {
            var data = report.RowsAsync(connection, organisationId, filter, ct);
            rows = format == ExportFormat.Csv
                ? await ReportWriters.WriteCsvAsync(output, report.Columns(filter), data, ct)
                : await ReportWriters.WriteXlsxAsync(output, report.Name, report.Columns(filter), data, ct);
        }
        finally
        {
            await reports.CloseAsync(db, connection);
        }
        db.AuditEvents.Add(new AuditEvent
        {
            OrganisationId = organisationId, At = time.GetUtcNow(), UserId = userId, Action = "report.exported", EntityType = "report", EntityId = report.Name,
            Details = $"format={format.ToString().ToLowerInvariant()}; filters: {(filter.ToString() is { Length: > 0 } f ? f : "none")}; rows={rows}",
        });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Report {Report} exported as {Format} by {UserId}: {Rows} rows", report.Name, format, userId, rows);
        return rows;
    }

    /// <summary>The rows for the page, at most <paramref name="limit"/>.</summary>
    public async Task<(IReadOnlyList<object?[]> Rows, bool More)> PreviewAsync(Report report, ReportFilter filter, Guid organisationId, int limit, CancellationToken ct)
    {
        var connection = await reports.OpenAsync(db, ct);
        try
        {
            var rows = new List<object?[]>();
            await foreach (var row in report.RowsAsync(connection, organisationId, filter, ct))
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
}
