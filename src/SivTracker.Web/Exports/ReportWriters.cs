using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

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

    /// <summary>RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes.</summary>
    public static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    public static string Escape(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    public static async Task<int> WriteCsvAsync(Stream output, IReadOnlyList<string> columns, IAsyncEnumerable<object?[]> rows, CancellationToken ct)
    {
        // UTF-8 with a byte order mark, so spreadsheet programs read Dari and Pashto correctly.
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', columns.Select(Quote)) + "\r\n");
        var count = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            await writer.WriteAsync(string.Join(',', row.Select(value => Quote(Text(value)))) + "\r\n");
            count++;
        }
        await writer.FlushAsync(ct);
        return count;
    }

    /// <summary>
    /// A minimal XLSX written straight into a zip stream, row by row, with inline strings: nothing is buffered, so an
    /// export of any size holds one row in memory. Opens in Excel, LibreOffice and the Open XML SDK.
    /// </summary>
    public static async Task<int> WriteXlsxAsync(Stream output, string sheetName, IReadOnlyList<string> columns, IAsyncEnumerable<object?[]> rows, CancellationToken ct,
        params (string Name, IReadOnlyList<string> Columns, IAsyncEnumerable<object?[]> Rows)[] moreSheets)
    {
        var sheets = new List<(string Name, IReadOnlyList<string> Columns, IAsyncEnumerable<object?[]> Rows)> { (sheetName, columns, rows) };
        sheets.AddRange(moreSheets);
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        await WritePartAsync(zip, "[Content_Types].xml", $$"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{{string.Concat(sheets.Select((_, i) => $"<Override PartName=\"/xl/worksheets/sheet{i + 1}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"))}}</Types>
            """);
        await WritePartAsync(zip, "_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """);
        await WritePartAsync(zip, "xl/workbook.xml", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{string.Concat(sheets.Select((s, i) => $"<sheet name=\"{s.Name}\" sheetId=\"{i + 1}\" r:id=\"rId{i + 1}\"/>"))}</sheets></workbook>
            """);
        await WritePartAsync(zip, "xl/_rels/workbook.xml.rels", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{string.Concat(sheets.Select((_, i) => $"<Relationship Id=\"rId{i + 1}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i + 1}.xml\"/>"))}</Relationships>
            """);

        var count = 0;
        for (var i = 0; i < sheets.Count; i++)
        {
            var written = await WriteSheetAsync(zip, i + 1, sheets[i].Columns, sheets[i].Rows, ct);
            if (i == 0) count = written;
        }
        return count;
    }

    private static async Task<int> WriteSheetAsync(ZipArchive zip, int number, IReadOnlyList<string> columns, IAsyncEnumerable<object?[]> rows, CancellationToken ct)
    {
        var entry = zip.CreateEntry($"xl/worksheets/sheet{number}.xml", CompressionLevel.Fastest);
        await using var stream = entry.Open();
        await using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Async = true, Encoding = new UTF8Encoding(false) });
        const string ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        await xml.WriteStartDocumentAsync(true);
        await xml.WriteStartElementAsync(null, "worksheet", ns);
        await xml.WriteStartElementAsync(null, "sheetData", ns);
        await WriteRowAsync(xml, columns.Cast<object?>().ToArray(), ns);
        var count = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            await WriteRowAsync(xml, row, ns);
            count++;
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
        await xml.FlushAsync();
        return count;
    }

    private static async Task WriteRowAsync(XmlWriter xml, object?[] values, string ns)
    {
        await xml.WriteStartElementAsync(null, "row", ns);
        foreach (var value in values)
        {
            await xml.WriteStartElementAsync(null, "c", ns);
            if (value is int or long or double or decimal)
            {
                await xml.WriteElementStringAsync(null, "v", ns, Text(value));
            }
            else
            {
                await xml.WriteAttributeStringAsync(null, "t", null, "inlineStr");
                await xml.WriteStartElementAsync(null, "is", ns);
                await xml.WriteElementStringAsync(null, "t", ns, Text(value));
                await xml.WriteEndElementAsync();
            }
            await xml.WriteEndElementAsync();
        }
        await xml.WriteEndElementAsync();
    }

    private static async Task WritePartAsync(ZipArchive zip, string name, string content)
    {
        await using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(content.Trim()));
    }
}
