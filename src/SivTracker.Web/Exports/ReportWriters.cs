using System.Globalization;
using System.Text;
using SpreadCheetah;
using SpreadCheetah.Styling;

namespace SivTracker.Web.Exports;

/// <summary>Writes report rows as they arrive, to CSV or XLSX; returns how many rows it wrote.</summary>
public static class ReportWriters
{
    /// <summary>
    /// A cell that starts with = + - @ tab or carriage return would run as a formula in a spreadsheet: prefix it with '.
    /// Numbers are written as numbers, so a negative figure stays a number.
    /// </summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool flag => flag ? "yes" : "no",
        double number => number.ToString("0.0", CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Escape(value.ToString() ?? ""),
    };

    /// <summary>One CSV line, RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled.</summary>
    private static void AppendCsvLine(StringBuilder line, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first) line.Append(',');
            first = false;
            if (field.AsSpan().IndexOfAny(",\"\r\n") < 0) line.Append(field);
            else line.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
        }
        line.Append("\r\n");
    }

    public static string Escape(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    public static async Task<int> WriteCsvAsync(Stream output, IReadOnlyList<string> columns, IAsyncEnumerable<object?[]> rows, CancellationToken ct)
    {
        // UTF-8 with a byte order mark, so spreadsheet programs read Dari and Pashto correctly.
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024, leaveOpen: true);
        // Rows gather in one buffer handed to the writer every 16 KB: no string per row, no asynchronous write per row.
        var buffer = new StringBuilder(20 * 1024);
        AppendCsvLine(buffer, columns);
        var count = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            AppendCsvLine(buffer, row.Select(Text));
            count++;
            if (buffer.Length < 16 * 1024) continue;
            await writer.WriteAsync(buffer, ct);
            buffer.Clear();
        }
        await writer.WriteAsync(buffer, ct);
        await writer.FlushAsync(ct);
        return count;
    }

    /// <summary>
    /// JSON for the API: an array of objects keyed by the report's columns, written row by row as they stream in. Dates
    /// are ISO 8601 dates; figures stay numbers.
    /// </summary>
    public static async Task<int> WriteJsonAsync(Stream output, IReadOnlyList<string> columns, IAsyncEnumerable<object?[]> rows, CancellationToken ct)
    {
        await using var json = new System.Text.Json.Utf8JsonWriter(output);
        json.WriteStartArray();
        var count = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            json.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                json.WritePropertyName(columns[i]);
                switch (row[i])
                {
                    case null: json.WriteNullValue(); break;
                    case int or long or short or decimal or double or float: json.WriteRawValue(Convert.ToString(row[i], System.Globalization.CultureInfo.InvariantCulture)!); break;
                    case bool b: json.WriteBooleanValue(b); break;
                    case DateOnly d: json.WriteStringValue(d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)); break;
                    case DateTime d: json.WriteStringValue(DateOnly.FromDateTime(d).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)); break;
                    default: json.WriteStringValue(Text(row[i])); break;
                }
            }
            json.WriteEndObject();
            count++;
            // A few kilobytes at a time to the client, never the whole report in memory.
            if (json.BytesPending > 16 * 1024) await json.FlushAsync(ct);
        }
        json.WriteEndArray();
        await json.FlushAsync(ct);
        return count;
    }

    /// <summary>
    /// XLSX through SpreadCheetah, which streams rows straight into the zip: an export of any size holds one row in
    /// memory. Dates are date cells and figures are numbers; text goes in as text, which a spreadsheet never runs as a
    /// formula, so it needs no apostrophe (only CSV does).
    /// </summary>
    public static async Task<int> WriteXlsxAsync(Stream output, string sheetName, IReadOnlyList<string> columns, IAsyncEnumerable<object?[]> rows, CancellationToken ct,
        params (string Name, IReadOnlyList<string> Columns, IAsyncEnumerable<object?[]> Rows)[] moreSheets)
    {
        await using var spreadsheet = await Spreadsheet.CreateNewAsync(output, new SpreadCheetahOptions { DefaultDateTimeFormat = NumberFormat.Custom("yyyy-mm-dd") }, ct);
        var count = 0;
        foreach (var (name, sheetColumns, sheetRows, index) in new[] { (sheetName, columns, rows) }.Concat(moreSheets).Select((s, i) => (s.Item1, s.Item2, s.Item3, i)))
        {
            await spreadsheet.StartWorksheetAsync(name, token: ct);
            await spreadsheet.AddRowAsync(sheetColumns.Select(c => new DataCell(c)).ToArray(), ct);
            var written = 0;
            await foreach (var row in sheetRows.WithCancellation(ct))
            {
                await spreadsheet.AddRowAsync(row.Select(Cell).ToArray(), ct);
                written++;
            }
            if (index == 0) count = written;
        }
        await spreadsheet.FinishAsync(ct);
        return count;
    }

    private static DataCell Cell(object? value) => value switch
    {
        null => new DataCell(),
        DateOnly date => new DataCell(date.ToDateTime(TimeOnly.MinValue)),
        DateTime date => new DataCell(date.Date),
        int number => new DataCell(number),
        long number => new DataCell(number),
        double number => new DataCell(number),
        decimal number => new DataCell(number),
        bool flag => new DataCell(flag ? "yes" : "no"),
        _ => new DataCell(value.ToString() ?? ""),
    };
}
