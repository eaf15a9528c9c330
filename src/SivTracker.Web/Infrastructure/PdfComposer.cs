using System.Text;
using HarfBuzzSharp;
using SkiaSharp;
using SkiaSharp.HarfBuzz;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// Writes A4 PDF/A pages of headings, paragraphs, tables and bars (docs/decisions/008-pdf-with-skia-and-harfbuzz.md).
/// Text is shaped by HarfBuzz, so Dari and Pashto letters join as they should, and split into runs of one direction,
/// so a Dari sentence reads right to left with Latin case numbers and dates inside it reading left to right. Every run
/// carries its text and clusters, so the PDF holds the words themselves (ActualText), not only their glyphs.
/// </summary>
public sealed class PdfComposer : IDisposable
{
    public const float PageWidth = 595.28f, PageHeight = 841.89f, Margin = 48f;
    private const float FooterHeight = 28f;
    private const float ContentWidth = PageWidth - 2 * Margin;

    // Loaded once: the faces are read-only and shared by every document the process writes.
    private static readonly Lazy<SKTypeface> LatinFace = new(() => LoadFace("NotoSans-Regular.ttf"));
    private static readonly Lazy<SKTypeface> ArabicFace = new(() => LoadFace("NotoSansArabic-Regular.ttf"));
    private static readonly Lazy<SKFont> ArabicGlyphs = new(() => new SKFont(ArabicFace.Value));

    public static readonly SKColor Ink = new(0x1f, 0x29, 0x37), Muted = new(0x5b, 0x64, 0x70), Rule = new(0xd0, 0xd5, 0xdb),
        Government = new(0x1d, 0x4e, 0x89), Applicant = new(0xe8, 0xa3, 0x3d), Alarm = new(0xb4, 0x23, 0x18), Shade = new(0xf1, 0xf3, 0xf5);

    private readonly SKDocument document;
    private readonly SKShaper latinShaper = new(LatinFace.Value), arabicShaper = new(ArabicFace.Value);
    private readonly SKPaint paint = new() { IsAntialias = true };
    private readonly Dictionary<(bool Arabic, float Size, bool Bold), SKFont> fonts = [];
    private readonly string footer;
    private SKCanvas? canvas;
    private int pageNumber;
    private float y;

    /// <param name="footer">Printed at the foot of every page with the page number: the generated date and reference.</param>
    public PdfComposer(Stream output, string title, bool rightToLeft, string footer, DateTimeOffset generatedAt)
    {
        RightToLeft = rightToLeft;
        this.footer = footer;
        document = SKDocument.CreatePdf(output, new SKDocumentPdfMetadata
        {
            Title = title, Creator = "SivTracker", Producer = "SivTracker", PdfA = true,
            Creation = generatedAt.UtcDateTime, Modified = generatedAt.UtcDateTime,
        });
    }

    public bool RightToLeft { get; }

    public void Title(string text, string? subtitle = null)
    {
        Text(text, 18, bold: true);
        if (subtitle is not null) Text(subtitle, 10, color: Muted);
        Space(6);
    }

    public void Heading(string text)
    {
        Space(10);
        EnsureSpace(40);
        Text(text, 13, bold: true);
        Line(Rule);
        Space(4);
    }

    public void Paragraph(string text, float size = 10, SKColor? color = null) => Text(text, size, color: color);

    /// <summary>Label and value pairs in two columns, the label muted.</summary>
    public void Facts(IEnumerable<(string Label, string Value)> facts)
    {
        foreach (var (label, value) in facts)
        {
            Row([label, value], [0.45f, 0.55f], 10, colors: [Muted, Ink]);
        }
    }

    /// <param name="widths">Fractions of the page's text width, one per column.</param>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyList<float> widths)
    {
        var headerHeight = RowHeight(headers, widths, 9, bold: true);
        EnsureSpace(headerHeight * 2 + 8);
        Row(headers, widths, 9, bold: true, fill: Shade);
        foreach (var row in rows)
        {
            // A table that runs onto a new page repeats its headers there.
            if (!Fits(RowHeight(row, widths, 9, bold: false)))
            {
                NewPage();
                Row(headers, widths, 9, bold: true, fill: Shade);
            }
            Row(row, widths, 9, underline: true);
        }
        Space(6);
    }

    /// <summary>Horizontal bars with their label and value, for counts a reader compares at a glance.</summary>
    public void Bars(IEnumerable<(string Label, int Value)> items, SKColor color)
    {
        var list = items.ToList();
        var max = Math.Max(1, list.Count == 0 ? 1 : list.Max(i => i.Value));
        foreach (var (label, value) in list)
        {
            EnsureSpace(16);
            var labelWidth = ContentWidth * 0.38f;
            var barSpace = ContentWidth * 0.5f;
            var barWidth = barSpace * value / max;
            DrawLine(label, 9, false, Ink, X(0, labelWidth), labelWidth, y + 10);
            paint.Color = color;
            canvas!.DrawRect(X(labelWidth + 4, barWidth), y + 2, barWidth, 10, paint);
            DrawLine(value.ToString(System.Globalization.CultureInfo.InvariantCulture), 9, false, Ink, X(labelWidth + 8 + barWidth, 60), 60, y + 10);
            y += 16;
        }
        Space(6);
    }

    /// <summary>
    /// A case's history on one time axis: government stretches dark, the applicant's light, a line where the clock passed its limit.
    /// </summary>
    public void Timeline(IReadOnlyList<(DateOnly From, DateOnly Until, bool Government)> stretches, DateOnly? limitPassedOn,
        string governmentLabel, string applicantLabel, string limitLabel)
    {
        if (stretches.Count == 0) return;
        EnsureSpace(80);
        var first = stretches.Min(s => s.From).DayNumber;
        var span = Math.Max(1, stretches.Max(s => s.Until).DayNumber - first);
        float Offset(DateOnly day) => ContentWidth * (day.DayNumber - first) / span;
        foreach (var (from, until, government) in stretches)
        {
            var width = Math.Max(0.5f, Offset(until) - Offset(from));
            paint.Color = government ? Government : Applicant;
            canvas!.DrawRect(X(Offset(from), width), y, width, 22, paint);
        }
        if (limitPassedOn is { } passed && passed.DayNumber >= first && passed.DayNumber <= first + span)
        {
            paint.Color = Alarm;
            canvas!.DrawRect(X(Offset(passed), 1.5f), y - 4, 1.5f, 30, paint);
        }
        y += 26;
        var startText = Day(stretches[0].From);
        var endText = Day(stretches[^1].Until);
        DrawLine(startText, 8, false, Muted, X(0, 120), 120, y + 9);
        DrawLine(endText, 8, false, Muted, X(ContentWidth - 120, 120), 120, y + 9, alignEnd: true);
        y += 16;
        var legend = new[] { (Government, governmentLabel), (Applicant, applicantLabel), (Alarm, limitLabel) };
        var at = 0f;
        foreach (var (color, label) in legend)
        {
            paint.Color = color;
            canvas!.DrawRect(X(at, 9), y + 2, 9, 9, paint);
            var width = Measure(label, 8, false) + 8;
            DrawLine(label, 8, false, Ink, X(at + 13, width), width, y + 10);
            at += 13 + width + 14;
        }
        y += 20;
    }

    public void Space(float points) => y += points;

    public void Dispose()
    {
        if (canvas is not null) EndPage();
        document.Close();
        document.Dispose();
        foreach (var font in fonts.Values) font.Dispose();
        latinShaper.Dispose();
        arabicShaper.Dispose();
        paint.Dispose();
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Splits text into runs of one direction, in logical order: right-to-left script on one side, letters and digits
    /// of everything else on the other; spaces and punctuation join their neighbours when both go the same way and
    /// otherwise follow the paragraph. Digits always run left to right, as they do inside Dari text.
    /// </summary>
    public static List<(string Text, bool RightToLeft)> DirectionalRuns(string text, bool rightToLeftParagraph)
    {
        var strong = new bool?[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            strong[i] = char.IsDigit(c) ? false : IsRightToLeftScript(c) ? true : char.IsLetter(c) || char.IsSurrogate(c) ? false : null;
        }
        return SplitWhereChanging(text, i => strong[i] ?? NeutralDirection(strong, i, rightToLeftParagraph));
    }

    /// <summary>Cuts text into the longest pieces over which <paramref name="keyAt"/> stays the same.</summary>
    private static List<(string Text, bool Key)> SplitWhereChanging(string text, Func<int, bool> keyAt)
    {
        var pieces = new List<(string, bool)>();
        var start = 0;
        bool? current = null;
        for (var i = 0; i < text.Length; i++)
        {
            var key = keyAt(i);
            if (current is { } previous && previous != key)
            {
                pieces.Add((text[start..i], previous));
                start = i;
            }
            current = key;
        }
        if (current is { } last) pieces.Add((text[start..], last));
        return pieces;
    }

    private static bool NeutralDirection(bool?[] strong, int index, bool paragraph)
    {
        bool? before = null, after = null;
        for (var i = index - 1; i >= 0 && before is null; i--) before = strong[i];
        for (var i = index + 1; i < strong.Length && after is null; i++) after = strong[i];
        return before is { } b && after is { } a && a == b ? a : paragraph;
    }

    private void Text(string text, float size, bool bold = false, SKColor? color = null)
    {
        foreach (var paragraph in text.Replace("\r\n", "\n").Split('\n'))
        {
            foreach (var line in Wrap(paragraph, ContentWidth, size, bold))
            {
                EnsureSpace(size * 1.5f);
                DrawLine(line, size, bold, color ?? Ink, Margin, ContentWidth, y + size * 1.1f);
                y += size * 1.5f;
            }
        }
    }

    private void Line(SKColor color)
    {
        paint.Color = color;
        canvas!.DrawRect(Margin, y, ContentWidth, 0.8f, paint);
        y += 2;
    }

    private void Row(IReadOnlyList<string> cells, IReadOnlyList<float> widths, float size, bool bold = false, SKColor? fill = null,
        bool underline = false, IReadOnlyList<SKColor>? colors = null)
    {
        var height = RowHeight(cells, widths, size, bold);
        EnsureSpace(height);
        if (fill is { } background)
        {
            paint.Color = background;
            canvas!.DrawRect(Margin, y, ContentWidth, height, paint);
        }
        var at = 0f;
        for (var i = 0; i < cells.Count; i++)
        {
            var width = ContentWidth * widths[i];
            var lineY = y + 3;
            foreach (var line in Wrap(cells[i], width - 8, size, bold))
            {
                DrawLine(line, size, bold, colors?[i] ?? Ink, X(at + 4, width - 8), width - 8, lineY + size * 1.1f);
                lineY += size * 1.4f;
            }
            at += width;
        }
        y += height;
        if (underline)
        {
            paint.Color = Rule;
            canvas!.DrawRect(Margin, y - 0.5f, ContentWidth, 0.5f, paint);
        }
    }

    private float RowHeight(IReadOnlyList<string> cells, IReadOnlyList<float> widths, float size, bool bold) =>
        6 + size * 1.4f * cells.Select((cell, i) => Wrap(cell, ContentWidth * widths[i] - 8, size, bold).Count).DefaultIfEmpty(1).Max();

    /// <summary>The left edge of a box <paramref name="offset"/> points into the line from its start, which is the right in a right-to-left document.</summary>
    private float X(float offset, float width) => RightToLeft ? PageWidth - Margin - offset - width : Margin + offset;

    private List<string> Wrap(string text, float width, float size, bool bold)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && Measure(candidate, size, bold) > width)
            {
                lines.Add(line.ToString());
                line.Clear().Append(word);
            }
            else
            {
                line.Clear().Append(candidate);
            }
        }
        lines.Add(line.ToString());
        return lines;
    }

    private float Measure(string text, float size, bool bold) => Pieces(text, size, bold).Sum(p => p.Width);

    /// <summary>The shaped pieces of a line in visual order, left to right.</summary>
    private List<Piece> Pieces(string text, float size, bool bold)
    {
        var pieces = new List<Piece>();
        // Each line takes the direction of its first letter, as dir="auto" does: an English quotation in a Dari packet
        // keeps its closing parenthesis where it belongs. Lines without a letter follow the document.
        var first = text.FirstOrDefault(char.IsLetter);
        var lineRightToLeft = first == default ? RightToLeft : IsRightToLeftScript(first);
        var runs = DirectionalRuns(text, lineRightToLeft);
        if (lineRightToLeft) runs.Reverse();
        foreach (var (run, rtl) in runs)
        {
            var byFace = FaceRuns(run, rtl);
            if (rtl) byFace.Reverse();
            foreach (var (part, arabic) in byFace)
            {
                var font = Font(arabic, size, bold);
                using var buffer = new HarfBuzzSharp.Buffer();
                buffer.AddUtf8(part);
                buffer.Direction = rtl ? Direction.RightToLeft : Direction.LeftToRight;
                buffer.GuessSegmentProperties();
                var shaped = (arabic ? arabicShaper : latinShaper).Shape(buffer, font);
                pieces.Add(new Piece(part, font, shaped));
            }
        }
        return pieces;
    }

    /// <summary>Arabic-script letters and digits take the Arabic face; anything it lacks the Latin one.</summary>
    private static List<(string Text, bool Key)> FaceRuns(string run, bool rtl) =>
        SplitWhereChanging(run, i => IsRightToLeftScript(run[i]) || (rtl && !char.IsLetterOrDigit(run[i]) && ArabicGlyphs.Value.ContainsGlyph(run[i])));

    private void DrawLine(string text, float size, bool bold, SKColor color, float left, float width, float baseline, bool alignEnd = false)
    {
        var pieces = Pieces(text, size, bold);
        var total = pieces.Sum(p => p.Width);
        // In a right-to-left document text sits against the right edge of its box, in a left-to-right one against the left.
        var x = RightToLeft != alignEnd ? left + width - total : left;
        paint.Color = color;
        foreach (var piece in pieces)
        {
            var utf8 = Encoding.UTF8.GetBytes(piece.Text);
            using var builder = new SKTextBlobBuilder();
            var run = builder.AllocatePositionedTextRun(piece.Font, piece.Shaped.Codepoints.Length, utf8.Length, null);
            var glyphs = run.Glyphs;
            var positions = run.Positions;
            for (var i = 0; i < glyphs.Length; i++)
            {
                glyphs[i] = (ushort)piece.Shaped.Codepoints[i];
                positions[i] = piece.Shaped.Points[i];
            }
            utf8.CopyTo(run.Text);
            piece.Shaped.Clusters.CopyTo(run.Clusters);
            using var blob = builder.Build();
            if (blob is not null) canvas!.DrawText(blob, x, baseline, paint);
            x += piece.Width;
        }
    }

    private SKFont Font(bool arabic, float size, bool bold)
    {
        if (!fonts.TryGetValue((arabic, size, bold), out var font))
        {
            font = new SKFont(arabic ? ArabicFace.Value : LatinFace.Value, size) { Embolden = bold, Subpixel = true };
            fonts[(arabic, size, bold)] = font;
        }
        return font;
    }

    private bool Fits(float height) => canvas is not null && y + height <= PageHeight - Margin - FooterHeight;

    private void EnsureSpace(float height)
    {
        if (!Fits(height)) NewPage();
    }

    private void NewPage()
    {
        if (canvas is not null) EndPage();
        canvas = document.BeginPage(PageWidth, PageHeight);
        pageNumber++;
        y = Margin;
    }

    private void EndPage()
    {
        var footerY = PageHeight - Margin + 8;
        paint.Color = Rule;
        canvas!.DrawRect(Margin, footerY - 12, ContentWidth, 0.5f, paint);
        DrawLine(footer, 8, false, Muted, Margin, ContentWidth - 40, footerY);
        DrawLine(pageNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), 8, false, Muted, X(ContentWidth - 30, 30), 30, footerY, alignEnd: true);
        document.EndPage();
        canvas = null;
    }

    private static SKTypeface LoadFace(string file)
    {
        using var stream = typeof(PdfComposer).Assembly.GetManifestResourceStream($"SivTracker.Web.Fonts.{file}")
            ?? throw new InvalidOperationException($"The font {file} is not embedded.");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException($"The font {file} could not be read.");
    }

    private sealed record Piece(string Text, SKFont Font, SKShaper.Result Shaped)
    {
        public float Width => Shaped.Width;
    }
}
