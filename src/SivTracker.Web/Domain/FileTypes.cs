using System.Text;

namespace SivTracker.Web.Domain;

/// <summary>
/// What an uploaded file is, decided by its bytes, never by its name or the type the browser claims: a scanner's PDF,
/// a phone's JPEG or HEIC, an HR letter as DOCX. Anything a browser could run (HTML, SVG, script) is refused, and so is
/// a file that starts as one type and carries markup a browser would render: the shape of a polyglot.
/// </summary>
public static class FileTypes
{
    public const string Pdf = "application/pdf";
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Heic = "image/heic";
    public const string WebP = "image/webp";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>What SivTracker accepts unless Documents__Types says otherwise.</summary>
    public static readonly string[] Accepted = [Pdf, Jpeg, Png, Heic, WebP, Docx, Xlsx];

    /// <summary>How many first bytes <see cref="FromHead"/> needs.</summary>
    public const int HeadBytes = 1024;

    /// <summary>The extension a stored file is given when downloaded, whatever it was called.</summary>
    public static string Extension(string contentType) => contentType switch
    {
        Pdf => ".pdf", Jpeg => ".jpg", Png => ".png", Heic => ".heic", WebP => ".webp", Docx => ".docx", Xlsx => ".xlsx", _ => "",
    };

    /// <summary>Images and PDFs, which the page shows; the rest only download.</summary>
    public static bool Previews(string contentType) => contentType is Pdf or Jpeg or Png or WebP;

    /// <summary>A zip archive: an Office document, told apart only by the names in its directory at the end (<see cref="FromZipTail"/>).</summary>
    public static bool IsZip(ReadOnlySpan<byte> head) => head.StartsWith("PK\u0003\u0004"u8);

    /// <summary>The type of a file from its first bytes, or null when it is none SivTracker keeps (or a zip, decided later).</summary>
    public static string? FromHead(ReadOnlySpan<byte> head)
    {
        if (CarriesMarkup(head)) return null;
        if (head.StartsWith("%PDF-"u8)) return Pdf;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return Jpeg;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return Png;
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return WebP;
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(head[8..12]);
            if (brand is "heic" or "heix" or "heim" or "heis" or "hevc" or "hevx" or "mif1" or "msf1" or "heif") return Heic;
        }
        return null;
    }

    /// <summary>A zip's type from the end of the file, where its central directory names every part.</summary>
    public static string? FromZipTail(ReadOnlySpan<byte> tail)
    {
        if (tail.IndexOf("PK\u0005\u0006"u8) < 0) return null;
        if (tail.IndexOf("word/document.xml"u8) >= 0) return Docx;
        if (tail.IndexOf("xl/workbook.xml"u8) >= 0) return Xlsx;
        return null;
    }

    /// <summary>Markup a browser would render or run, anywhere in the first bytes.</summary>
    private static bool CarriesMarkup(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head).ToLowerInvariant();
        return text.Contains("<html", StringComparison.Ordinal) || text.Contains("<script", StringComparison.Ordinal) || text.Contains("<!doctype", StringComparison.Ordinal)
            || text.Contains("<svg", StringComparison.Ordinal) || text.Contains("<body", StringComparison.Ordinal) || text.Contains("<iframe", StringComparison.Ordinal);
    }
}

/// <summary>Where a file's sealed chunks live. The file's row, with its sealed key, is always in PostgreSQL.</summary>
public enum FileStore
{
    Postgres,
    S3,
}
