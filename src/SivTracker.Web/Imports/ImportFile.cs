using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace SivTracker.Web.Imports;

/// <summary>
/// Reads an uploaded spreadsheet into rows of text: XLSX, or CSV in UTF-8, UTF-16 or Windows-1256 (common for Dari).
/// An encoding it cannot tell for sure is refused with a message rather than read as mojibake.
/// </summary>
public static class ImportFile
{
    public sealed record Sheet(IReadOnlyList<string> Headers, IReadOnlyList<string[]> Rows, string? Notice);

    public sealed class FileProblem(string message) : Exception(message);

    static ImportFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Sheet Read(byte[] bytes, string fileName)
    {
        if (bytes.Length == 0) throw new FileProblem("The file is empty.");
        var isZip = bytes.Length > 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
        if (isZip) return ReadXlsx(bytes);
        if (fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".xls", StringComparison.OrdinalIgnoreCase))
        {
            throw new FileProblem("The file is not a valid XLSX workbook. Save it again as .xlsx or as CSV (UTF-8).");
        }
        var (text, notice) = Decode(bytes);
        if (text.Contains('\0') && !text.Contains(','))
        {
            throw new FileProblem("This is not a CSV or XLSX file.");
        }
        return ToSheet(ParseCsv(text), notice);
    }

    private static (string Text, string? Notice) Decode(byte[] bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) return (Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3), null);
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) return (Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2), "Read as UTF-16.");
        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) return (Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2), "Read as UTF-16.");
        // UTF-16 without a byte order mark: ASCII headers leave every other byte zero.
        var sample = bytes.AsSpan(0, Math.Min(bytes.Length, 400));
        var zerosOdd = 0;
        var zerosEven = 0;
        for (var i = 0; i < sample.Length; i++)
        {
            if (sample[i] == 0) { if (i % 2 == 1) zerosOdd++; else zerosEven++; }
        }
        if (zerosOdd > sample.Length / 4) return (Encoding.Unicode.GetString(bytes), "Read as UTF-16.");
        if (zerosEven > sample.Length / 4) return (Encoding.BigEndianUnicode.GetString(bytes), "Read as UTF-16.");
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes), null);
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8. Windows-1256 is what Excel on Dari and Pashto systems saves; accept it only if it yields Arabic script.
            var arabic = Encoding.GetEncoding(1256).GetString(bytes);
            if (arabic.Count(c => c is >= '\u0600' and <= '\u06FF') >= 2)
            {
                return (arabic, "Read as Windows-1256 (Arabic script). Check the names below look right before importing.");
            }
            throw new FileProblem("The file is not UTF-8 and its encoding could not be recognised. In your spreadsheet program choose \"CSV UTF-8\" when saving, and upload it again.");
        }
    }

    /// <summary>RFC 4180; lines starting with # before the header are the template's column notes.</summary>
    public static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var atLineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (atLineStart && !quoted && rows.Count == 0 && fields.Count == 0 && c == '#')
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            atLineStart = false;
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { fields.Add(field.ToString()); field.Clear(); rows.Add(fields.ToArray()); fields.Clear(); atLineStart = true; }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            rows.Add(fields.ToArray());
        }
        return rows.Where(r => r.Any(f => f.Length > 0)).ToList();
    }

    private static Sheet ReadXlsx(byte[] bytes)
    {
        try
        {
            using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
            var workbook = document.WorkbookPart ?? throw new FileProblem("The workbook has no sheets.");
            var first = workbook.Workbook.Sheets?.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().FirstOrDefault() ?? throw new FileProblem("The workbook has no sheets.");
            var part = (WorksheetPart)workbook.GetPartById(first.Id!);
            var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
            var dateStyles = DateStyles(workbook.WorkbookStylesPart?.Stylesheet);
            var rows = new List<string[]>();
            foreach (var row in part.Worksheet.Descendants<Row>())
            {
                var cells = new List<string>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = ColumnIndex(cell.CellReference?.Value) ?? cells.Count;
                    while (cells.Count < column) cells.Add("");
                    cells.Add(CellText(cell, shared, dateStyles));
                }
                rows.Add(cells.ToArray());
            }
            return ToSheet(rows.Where(r => r.Any(f => f.Length > 0)).ToList(), null);
        }
        catch (Exception exception) when (exception is not FileProblem)
        {
            throw new FileProblem("The file could not be read as an XLSX workbook. Save it again as .xlsx or as CSV (UTF-8).");
        }
    }

    private static string CellText(Cell cell, List<string> shared, HashSet<uint> dateStyles)
    {
        var value = cell.CellValue?.Text ?? cell.InlineString?.InnerText ?? "";
        if (cell.DataType?.Value == CellValues.SharedString && int.TryParse(value, out var index) && index < shared.Count) return shared[index];
        // A date typed into Excel is a serial number whose cell has a date format: the format says it is a date, not the
        // size of the number (a tazkira number or a count may fall in any range). YYYY-MM-DD text is read as is.
        if ((cell.DataType is null || cell.DataType.Value == CellValues.Number) && cell.StyleIndex?.Value is { } style && dateStyles.Contains(style)
            && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var serial))
        {
            return DateOnly.FromDateTime(DateTime.FromOADate(serial)).ToString("yyyy-MM-dd");
        }
        return value;
    }

    /// <summary>The cell styles whose number format shows a date: Excel's built-in date formats, or a custom one with day, month or year in it.</summary>
    private static HashSet<uint> DateStyles(Stylesheet? stylesheet)
    {
        var custom = stylesheet?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode?.Value ?? "") ?? [];
        var styles = new HashSet<uint>();
        var index = 0u;
        foreach (var format in stylesheet?.CellFormats?.Elements<CellFormat>() ?? [])
        {
            var id = format.NumberFormatId?.Value ?? 0;
            if (id is >= 14 and <= 22 or >= 27 and <= 36 or >= 45 and <= 47 or >= 50 and <= 58 || custom.TryGetValue(id, out var code) && IsDateCode(code)) styles.Add(index);
            index++;
        }
        return styles;
    }

    private static bool IsDateCode(string code)
    {
        // Quoted text and [colour] or [$-locale] sections say nothing about dates.
        var bare = System.Text.RegularExpressions.Regex.Replace(code, "\"[^\"]*\"|\\[[^\\]]*\\]|\\\\.", "");
        return bare.IndexOfAny(['d', 'D', 'y', 'Y']) >= 0 || (bare.Contains('m', StringComparison.OrdinalIgnoreCase) && !bare.Contains('h', StringComparison.OrdinalIgnoreCase) && !bare.Contains('s', StringComparison.OrdinalIgnoreCase));
    }

    private static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var index = 0;
        foreach (var c in reference.TakeWhile(char.IsLetter)) index = index * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        return index - 1;
    }

    private static Sheet ToSheet(List<string[]> rows, string? notice)
    {
        if (rows.Count == 0) throw new FileProblem("The file is empty.");
        var headers = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        return new Sheet(headers, rows.Skip(1).ToList(), notice);
    }
}
