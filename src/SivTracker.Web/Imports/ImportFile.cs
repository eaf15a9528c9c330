using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using SivTracker.Web.Domain;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Imports;

/// <summary>
/// Reads an uploaded spreadsheet into rows of text: XLSX, or CSV in UTF-8, UTF-16 or Windows-1256 (common for Dari).
/// An encoding it cannot tell for sure is refused with a message rather than read as mojibake. Every limit of
/// <see cref="ImportSettings"/> is checked before the memory it guards is taken: a zip bomb is refused from the sizes
/// its archive declares, each part is read as a stream that counts what it really unpacks, and a cell reference far
/// beyond the limits is refused before the row is padded out to it.
/// </summary>
public static class ImportFile
{
    /// <summary>
    /// The headers as written (trimmed), the rows below them and each row's number in the file as a spreadsheet program
    /// shows it, so a problem names the row the admin sees even after blank lines.
    /// </summary>
    public sealed record Sheet(IReadOnlyList<string> Headers, IReadOnlyList<string[]> Rows, string? Notice, IReadOnlyList<int>? RowNumbers = null)
    {
        public int RowNumber(int index) => RowNumbers is { } numbers && index < numbers.Count ? numbers[index] : index + 2;
    }

    public sealed class FileProblem(string message) : Exception(message);

    /// <summary>Excel's own limit on the text of one cell: a longer one was not made by a spreadsheet program.</summary>
    private const int MaxCellCharacters = 32_767;

    /// <summary>A part this small is harmless however tightly it packs, and small parts of real workbooks can pack tightly.</summary>
    private const long RatioGraceBytes = 1024 * 1024;

    private const string MainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string StrictMainNamespace = "http://purl.oclc.org/ooxml/spreadsheetml/main";
    private const string RelationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string StrictRelationshipsNamespace = "http://purl.oclc.org/ooxml/officeDocument/relationships";

    static ImportFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Sheet Read(byte[] bytes, string fileName, ImportSettings limits)
    {
        if (bytes.Length == 0) throw new FileProblem(T("The file is empty."));
        if (bytes.Length > limits.MaxBytes) throw new FileProblem(TooLarge(limits));
        var isZip = bytes.Length > 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
        if (isZip) return ReadXlsx(bytes, limits);
        if (fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".xls", StringComparison.OrdinalIgnoreCase))
        {
            throw new FileProblem(T("The file is not a valid XLSX workbook. Save it again as .xlsx or as CSV (UTF-8)."));
        }
        var (text, notice) = Decode(bytes);
        if (text.Contains('\0') && !text.Contains(','))
        {
            throw new FileProblem(T("This is not a CSV or XLSX file."));
        }
        return ToSheet(ParseCsv(text, limits), notice);
    }

    /// <summary>The refusal of a file over Import__MaxBytes, wherever it is noticed (the page, the command line, here).</summary>
    public static string TooLarge(ImportSettings limits) =>
        T("The file is larger than {0}. Split it, or ask your administrator to raise Import__MaxBytes.", Size(limits.MaxBytes));

    private static (string Text, string? Notice) Decode(byte[] bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) return (Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3), null);
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) return (Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2), T("Read as UTF-16."));
        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) return (Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2), T("Read as UTF-16."));
        // UTF-16 without a byte order mark: ASCII headers leave every other byte zero.
        var sample = bytes.AsSpan(0, Math.Min(bytes.Length, 400));
        var zerosOdd = 0;
        var zerosEven = 0;
        for (var i = 0; i < sample.Length; i++)
        {
            if (sample[i] == 0) { if (i % 2 == 1) zerosOdd++; else zerosEven++; }
        }
        if (zerosOdd > sample.Length / 4) return (Encoding.Unicode.GetString(bytes), T("Read as UTF-16."));
        if (zerosEven > sample.Length / 4) return (Encoding.BigEndianUnicode.GetString(bytes), T("Read as UTF-16."));
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
                return (arabic, T("Read as Windows-1256 (Arabic script). Check the names below look right before importing."));
            }
            throw new FileProblem(T("The file is not UTF-8 and its encoding could not be recognised. In your spreadsheet program choose \"CSV UTF-8\" when saving, and upload it again."));
        }
    }

    /// <summary>RFC 4180; lines starting with # before the header are the template's column notes.</summary>
    private static Grid ParseCsv(string text, ImportSettings limits)
    {
        var grid = new Grid(limits);
        var field = new StringBuilder();
        var quoted = false;
        var atLineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (atLineStart && !quoted && grid.IsEmpty && c == '#')
            {
                while (i < text.Length && text[i] != '\n') i++;
                grid.SkipLine();
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
            else if (c == ',') { grid.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { grid.Add(field.ToString()); field.Clear(); grid.EndRow(); atLineStart = true; }
            else field.Append(c);
        }
        if (field.Length > 0 || grid.RowStarted)
        {
            grid.Add(field.ToString());
            grid.EndRow();
        }
        return grid;
    }

    /// <summary>Rows as they are read, each held to the limits on rows, columns and cells before it is stored.</summary>
    private sealed class Grid(ImportSettings limits)
    {
        private readonly List<string> _row = [];
        private long _cellsKept;
        private int _number;

        public List<string[]> Rows { get; } = [];

        /// <summary>The number of each kept row in the file: a CSV record's place, an XLSX row's own number.</summary>
        public List<int> Numbers { get; } = [];

        public bool IsEmpty => Rows.Count == 0 && _row.Count == 0;

        public bool RowStarted => _row.Count > 0;

        /// <summary>The next cell of the row.</summary>
        public void Add(string cell) => Add(_row.Count, cell);

        /// <summary>A cell at its column, the row padded with empty cells up to it; a column already passed takes the next.</summary>
        public void Add(int column, string cell)
        {
            column = Math.Max(column, _row.Count);
            if (column >= limits.MaxColumns)
            {
                throw new FileProblem(T("A row has more than {0} columns, the limit set by Import__MaxColumns. Delete the columns after the last one with data, or ask your administrator to raise the limit.", Grouped(limits.MaxColumns)));
            }
            while (_row.Count < column) _row.Add("");
            _row.Add(cell);
        }

        /// <summary>A line read past (a template note): it still counts in the numbering a spreadsheet program shows.</summary>
        public void SkipLine() => _number++;

        /// <summary>Keeps the row unless every cell of it is empty; the row being read is never wider than Import__MaxColumns.</summary>
        public void EndRow(int? number = null)
        {
            _number = number is > 0 ? number.Value : _number + 1;
            if (_row.Exists(cell => cell.Length > 0))
            {
                // The first row kept is the header.
                if (Rows.Count > limits.MaxRows)
                {
                    throw new FileProblem(T("The file has more than {0} rows below the header, the limit set by Import__MaxRows. Split it into smaller files.", Grouped(limits.MaxRows)));
                }
                if (_cellsKept + _row.Count > limits.MaxCells) throw new FileProblem(TooManyCells(limits));
                Rows.Add(_row.ToArray());
                Numbers.Add(_number);
                _cellsKept += _row.Count;
            }
            _row.Clear();
        }
    }

    private static Sheet ReadXlsx(byte[] bytes, ImportSettings limits)
    {
        try
        {
            CheckDeclaredSizes(bytes, limits);
            var unpacked = new UnpackedBytes(limits);
            // Every part below is read as a stream; the SDK's own limit only guards a part it might still load whole.
            using var document = SpreadsheetDocument.Open(new MemoryStream(bytes, writable: false), false,
                new OpenSettings { MaxCharactersInPart = limits.MaxUncompressedBytes });
            var workbook = document.WorkbookPart ?? throw new FileProblem(T("The workbook has no sheets."));
            var sheetId = FirstSheetId(workbook, unpacked) ?? throw new FileProblem(T("The workbook has no sheets."));
            if (workbook.GetPartById(sheetId) is not WorksheetPart worksheet)
            {
                throw new FileProblem(T("The first sheet of the workbook holds no cells (is it a chart?). Put the rows on the first sheet."));
            }
            var text = new CellText();
            List<string> shared = workbook.SharedStringTablePart is { } strings ? SharedStrings(strings, text, unpacked, limits) : [];
            HashSet<uint> dateStyles = workbook.WorkbookStylesPart is { } styles ? DateStyles(styles, unpacked) : [];
            return ToSheet(WorksheetRows(worksheet, shared, dateStyles, text, unpacked, limits), null);
        }
        catch (Exception exception) when (exception is not FileProblem)
        {
            throw new FileProblem(T("The file could not be read as an XLSX workbook. Save it again as .xlsx or as CSV (UTF-8)."));
        }
    }

    /// <summary>
    /// Refuses a zip bomb from what the archive says of itself, before any part is unpacked. Those sizes can lie: the
    /// count kept while the parts are read (<see cref="UnpackedBytes"/>) holds them to the same limit whatever they say.
    /// </summary>
    private static void CheckDeclaredSizes(byte[] bytes, ImportSettings limits)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        var total = 0L;
        foreach (var entry in zip.Entries)
        {
            if (entry.Length < 0 || entry.Length > limits.MaxUncompressedBytes - total) throw new FileProblem(UnpacksTooLarge(limits));
            total += entry.Length;
            if (entry.Length > RatioGraceBytes && entry.Length > Math.Max(entry.CompressedLength, 1) * (double)limits.MaxCompressionRatio)
            {
                throw new FileProblem(T("A part of the workbook unpacks to more than {0} times its packed size, the limit set by Import__MaxCompressionRatio. Spreadsheets never pack that tightly; zip bombs do. Save the file again from your spreadsheet program, or as CSV (UTF-8).", Grouped(limits.MaxCompressionRatio)));
            }
        }
    }

    private static string UnpacksTooLarge(ImportSettings limits) =>
        T("The workbook unpacks to more than {0}, the limit set by Import__MaxUncompressedBytes. Split it into smaller files, or save it as CSV (UTF-8).", Size(limits.MaxUncompressedBytes));

    private static string TooManyCells(ImportSettings limits) =>
        T("The file has more than {0} cells (every cell a row spans counts, empty or not), the limit set by Import__MaxCells. Split it into smaller files.", Grouped(limits.MaxCells));

    /// <summary>What the workbook's parts have really unpacked to so far, held to Import__MaxUncompressedBytes.</summary>
    private sealed class UnpackedBytes(ImportSettings limits)
    {
        private long _total;

        public void Add(int count)
        {
            _total += count;
            if (_total > limits.MaxUncompressedBytes) throw new FileProblem(UnpacksTooLarge(limits));
        }
    }

    /// <summary>A part's stream that counts every byte it unpacks, so reading stops at the limit whatever the archive declared.</summary>
    private sealed class CountingStream(Stream inner, UnpackedBytes unpacked) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

        private int Counted(int read)
        {
            unpacked.Add(read);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A part read forward as XML, never loaded whole, and with no DTD: entity expansion is the XML form of a zip bomb.</summary>
    private static XmlReader OpenPart(OpenXmlPart part, UnpackedBytes unpacked) =>
        XmlReader.Create(new CountingStream(part.GetStream(FileMode.Open, FileAccess.Read), unpacked), new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            IgnoreWhitespace = true,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = true,
        });

    private static bool IsSpreadsheetMl(XmlReader xml) => xml.NamespaceURI is MainNamespace or StrictMainNamespace;

    /// <summary>The relationship id of the workbook's first sheet.</summary>
    private static string? FirstSheetId(WorkbookPart workbook, UnpackedBytes unpacked)
    {
        using var xml = OpenPart(workbook, unpacked);
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "sheet" && IsSpreadsheetMl(xml))
            {
                return xml.GetAttribute("id", RelationshipsNamespace) ?? xml.GetAttribute("id", StrictRelationshipsNamespace);
            }
        }
        return null;
    }

    private static List<string> SharedStrings(SharedStringTablePart part, CellText text, UnpackedBytes unpacked, ImportSettings limits)
    {
        var strings = new List<string>();
        using var xml = OpenPart(part, unpacked);
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "si" || !IsSpreadsheetMl(xml)) continue;
            // More distinct texts than the file may have cells cannot all be used: only a file made to fill memory has them.
            if (strings.Count >= limits.MaxCells) throw new FileProblem(TooManyCells(limits));
            strings.Add(text.Read(xml));
        }
        return strings;
    }

    /// <summary>The cell styles whose number format shows a date: Excel's built-in date formats, or a custom one with day, month or year in it.</summary>
    private static HashSet<uint> DateStyles(WorkbookStylesPart part, UnpackedBytes unpacked)
    {
        var custom = new Dictionary<uint, string>();
        var formatOfStyle = new List<uint>();
        var section = "";
        using (var xml = OpenPart(part, unpacked))
        {
            while (xml.Read())
            {
                if (!IsSpreadsheetMl(xml)) continue;
                if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == section) section = "";
                if (xml.NodeType != XmlNodeType.Element) continue;
                switch (xml.LocalName)
                {
                    case "numFmts" or "cellXfs" when !xml.IsEmptyElement:
                        section = xml.LocalName;
                        break;
                    case "numFmt" when section == "numFmts" && Number(xml.GetAttribute("numFmtId")) is { } id:
                        custom[id] = xml.GetAttribute("formatCode") ?? "";
                        break;
                    case "xf" when section == "cellXfs":
                        formatOfStyle.Add(Number(xml.GetAttribute("numFmtId")) ?? 0);
                        break;
                }
            }
        }
        var styles = new HashSet<uint>();
        for (var style = 0; style < formatOfStyle.Count; style++)
        {
            var format = formatOfStyle[style];
            if (format is >= 14 and <= 22 or >= 27 and <= 36 or >= 45 and <= 47 or >= 50 and <= 58 || custom.TryGetValue(format, out var code) && IsDateCode(code))
            {
                styles.Add((uint)style);
            }
        }
        return styles;
    }

    private static Grid WorksheetRows(WorksheetPart part, List<string> shared, HashSet<uint> dateStyles, CellText text, UnpackedBytes unpacked,
        ImportSettings limits)
    {
        var grid = new Grid(limits);
        int? rowNumber = null;
        using var xml = OpenPart(part, unpacked);
        while (xml.Read())
        {
            if (!IsSpreadsheetMl(xml)) continue;
            if (xml.NodeType == XmlNodeType.EndElement)
            {
                if (xml.LocalName == "row") grid.EndRow(rowNumber);
                // What follows the cells (merges, validations, extensions) is never needed.
                else if (xml.LocalName == "sheetData") break;
                continue;
            }
            if (xml.NodeType != XmlNodeType.Element) continue;
            if (xml.LocalName == "row")
            {
                CheckRowNumber(xml.GetAttribute("r"), 0, limits);
                rowNumber = (int?)Number(xml.GetAttribute("r"));
                if (xml.IsEmptyElement) grid.EndRow(rowNumber);
            }
            else if (xml.LocalName == "c")
            {
                var column = Column(xml.GetAttribute("r"), limits);
                var type = xml.GetAttribute("t");
                var style = Number(xml.GetAttribute("s"));
                var value = CellValue(xml, type, style, shared, dateStyles, text);
                if (column is { } at) grid.Add(at, value);
                else grid.Add(value);
            }
        }
        return grid;
    }

    /// <summary>The text of the cell the reader is on (c), read to the cell's end.</summary>
    private static string CellValue(XmlReader xml, string? type, uint? style, List<string> shared, HashSet<uint> dateStyles, CellText text)
    {
        string? value = null;
        var inline = "";
        if (!xml.IsEmptyElement)
        {
            var depth = xml.Depth;
            while (xml.Read() && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
            {
                if (xml.NodeType != XmlNodeType.Element || !IsSpreadsheetMl(xml)) continue;
                if (xml.LocalName == "v") value = text.Read(xml);
                else if (xml.LocalName == "is") inline = text.Read(xml);
            }
        }
        if (value is null) return inline;
        if (type == "s" && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < shared.Count)
        {
            return shared[index];
        }
        // A date typed into Excel is a serial number whose cell has a date format: the format says it is a date, not the
        // size of the number (a tazkira number or a count may fall in any range). YYYY-MM-DD text is read as is.
        if (type is null or "n" && style is { } s && dateStyles.Contains(s)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > -657435.0 and < 2958466.0)
        {
            return DateOnly.FromDateTime(DateTime.FromOADate(serial)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        return value;
    }

    /// <summary>
    /// Reads the text of a value (v) or of rich text (si, is: its t runs, without phonetic guides), leaving the reader
    /// on the element's end. Text comes in chunks, so one huge cell is refused before it is held whole.
    /// </summary>
    private sealed class CellText
    {
        private readonly char[] _chunk = new char[4096];
        private readonly StringBuilder _text = new();

        public string Read(XmlReader xml)
        {
            _text.Clear();
            if (xml.IsEmptyElement) return "";
            var rich = xml.LocalName != "v";
            var depth = xml.Depth;
            var inRun = !rich;
            var phonetic = 0;
            while (xml.Read() && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
            {
                switch (xml.NodeType)
                {
                    case XmlNodeType.Element when rich && !xml.IsEmptyElement && IsSpreadsheetMl(xml):
                        if (xml.LocalName == "rPh") phonetic++;
                        else if (xml.LocalName == "t" && phonetic == 0) inRun = true;
                        break;
                    case XmlNodeType.EndElement when rich && IsSpreadsheetMl(xml):
                        if (xml.LocalName == "rPh") phonetic--;
                        else if (xml.LocalName == "t") inRun = false;
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace when inRun:
                        Append(xml);
                        break;
                }
            }
            return _text.ToString();
        }

        private void Append(XmlReader xml)
        {
            if (!xml.CanReadValueChunk)
            {
                Append(xml.Value);
                return;
            }
            int read;
            while ((read = xml.ReadValueChunk(_chunk, 0, _chunk.Length)) > 0)
            {
                Append(_chunk.AsSpan(0, read));
            }
        }

        private void Append(ReadOnlySpan<char> text)
        {
            if (_text.Length + text.Length > MaxCellCharacters)
            {
                throw new FileProblem(T("A cell holds more than {0} characters, more than a spreadsheet cell can. Save the file again from your spreadsheet program.", Grouped(MaxCellCharacters)));
            }
            _text.Append(text);
        }
    }

    /// <summary>
    /// The zero-based column of a cell reference ("AB12"), or null when the cell has none. A reference beyond the limits
    /// is refused as its letters are read, before the row is padded out to it: ZZZZZZ1 would mean 321 million empty cells.
    /// </summary>
    private static int? Column(string? reference, ImportSettings limits)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var column = 0;
        var letters = 0;
        while (letters < reference.Length && char.IsAsciiLetter(reference[letters]))
        {
            column = column * 26 + char.ToUpperInvariant(reference[letters]) - 'A' + 1;
            letters++;
            if (column > limits.MaxColumns)
            {
                throw new FileProblem(T("The sheet has a cell at {0}, beyond column {1}: an import reads at most {2} columns (Import__MaxColumns). Delete the columns after the last one with data.", Shown(reference), ColumnName(limits.MaxColumns), Grouped(limits.MaxColumns)));
            }
        }
        CheckRowNumber(reference, letters, limits);
        return letters == 0 ? null : column - 1;
    }

    /// <summary>
    /// Refuses a row number (a row's own, or the digits of a cell reference after its letters) past the header's row and
    /// Import__MaxRows more, read digit by digit so no number overflows.
    /// </summary>
    private static void CheckRowNumber(string? reference, int digitsFrom, ImportSettings limits)
    {
        if (reference is null) return;
        var row = 0L;
        foreach (var c in reference.AsSpan(digitsFrom))
        {
            if (!char.IsAsciiDigit(c)) return;
            row = row * 10 + (c - '0');
            if (row > limits.MaxRows + 1L)
            {
                // Two whole sentences, so each reads naturally in every language.
                throw new FileProblem(digitsFrom == 0
                    ? T("The sheet has a row numbered {0}, beyond row {1}: an import reads at most {2} rows below the header (Import__MaxRows). Delete the rows after the last one with data, or split the file.",
                        Shown(reference), Grouped(limits.MaxRows + 1L), Grouped(limits.MaxRows))
                    : T("The sheet has a cell at {0}, beyond row {1}: an import reads at most {2} rows below the header (Import__MaxRows). Delete the rows after the last one with data, or split the file.",
                        Shown(reference), Grouped(limits.MaxRows + 1L), Grouped(limits.MaxRows)));
            }
        }
    }

    /// <summary>"GR" for 200: a column as the spreadsheet names it.</summary>
    private static string ColumnName(int number)
    {
        var name = "";
        for (; number > 0; number = (number - 1) / 26)
        {
            name = (char)('A' + (number - 1) % 26) + name;
        }
        return name;
    }

    /// <summary>A value from the file, short and with nothing invisible, fit to quote in a message.</summary>
    private static string Shown(string text) => TextSafety.Revealed(text.Length <= 16 ? text : text[..16] + "…");

    private static uint? Number(string? text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string Grouped(long number) => number.ToString("N0", CultureInfo.InvariantCulture);

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes / 1024} KB";

    private static bool IsDateCode(string code)
    {
        // Quoted text and [colour] or [$-locale] sections say nothing about dates.
        var bare = System.Text.RegularExpressions.Regex.Replace(code, "\"[^\"]*\"|\\[[^\\]]*\\]|\\\\.", "");
        return bare.IndexOfAny(['d', 'D', 'y', 'Y']) >= 0 || (bare.Contains('m', StringComparison.OrdinalIgnoreCase) && !bare.Contains('h', StringComparison.OrdinalIgnoreCase) && !bare.Contains('s', StringComparison.OrdinalIgnoreCase));
    }

    private static Sheet ToSheet(Grid grid, string? notice)
    {
        if (grid.Rows.Count == 0) throw new FileProblem(T("The file is empty."));
        var headers = grid.Rows[0].Select(h => h.Trim()).ToList();
        return new Sheet(headers, grid.Rows.Skip(1).ToList(), notice, grid.Numbers.Skip(1).ToList());
    }
}
