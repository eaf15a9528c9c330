using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace SivTracker.Web.Data;

/// <summary>
/// Writes entities with PostgreSQL binary COPY, taking table and column names and value conversions from the EF model,
/// so bulk loads can never drift from the schema that migrations create.
/// </summary>
public static class BulkCopy
{
    public static async Task<ulong> WriteAsync<T>(AppDbContext db, NpgsqlConnection connection, IEnumerable<T> rows, CancellationToken ct = default)
        where T : class
    {
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties()
            // xmin and computed columns belong to the database.
            .Where(p => p.GetColumnName(table) is { } name && name != "xmin" && p.PropertyInfo is not null && p.GetComputedColumnSql() is null)
            .Select(p => (Property: p, Name: p.GetColumnName(table)!, Getter: p.GetGetter(), Converter: p.GetTypeMapping().Converter))
            .ToList();
        var columnList = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY \"{table.Name}\" ({columnList}) FROM STDIN (FORMAT BINARY)", ct);
        writer.Timeout = TimeSpan.FromSeconds(Data.AppDbContext.BatchCommandTimeoutSeconds);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            foreach (var column in columns)
            {
                var value = column.Getter.GetClrValue(row);
                if (value is not null && column.Converter is not null)
                {
                    value = column.Converter.ConvertToProvider(value);
                }
                await WriteValueAsync(writer, value, ct);
            }
        }
        return await writer.CompleteAsync(ct);
    }

    private static Task WriteValueAsync(NpgsqlBinaryImporter writer, object? value, CancellationToken ct) => value switch
    {
        null => writer.WriteNullAsync(ct),
        Guid v => writer.WriteAsync(v, NpgsqlDbType.Uuid, ct),
        string v => writer.WriteAsync(v, NpgsqlDbType.Text, ct),
        DateOnly v => writer.WriteAsync(v, NpgsqlDbType.Date, ct),
        DateTimeOffset v => writer.WriteAsync(v.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct),
        int v => writer.WriteAsync(v, NpgsqlDbType.Integer, ct),
        long v => writer.WriteAsync(v, NpgsqlDbType.Bigint, ct),
        bool v => writer.WriteAsync(v, NpgsqlDbType.Boolean, ct),
        int[] v => writer.WriteAsync(v, NpgsqlDbType.Array | NpgsqlDbType.Integer, ct),
        _ => throw new NotSupportedException($"No COPY mapping for {value.GetType().Name}."),
    };
}
