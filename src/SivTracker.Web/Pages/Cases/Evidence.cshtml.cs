using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Evidence;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Cases;

/// <summary>A case's evidence of delay as a PDF packet, and letters merged from it, each one click away.</summary>
public class Evidence(AppDbContext db, DelayEvidence evidence, LetterWriter letters, Audit audit) : PageModel
{
    public sealed record LetterFile(Guid Id, string FileName, DateTimeOffset At);

    public Guid CaseId { get; private set; }
    public string Reference { get; private set; } = "";
    public IReadOnlyList<LetterFile> Letters { get; private set; } = [];
    public bool CanWriteLetters => User.IsInRole(Roles.Caseworker) || User.IsInRole(Roles.Admin);

    [NotAudited("The case reference and the titles of letters already generated (a letter's title names no one).")]
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Id, c.Reference }).FirstOrDefaultAsync(ct);
        if (@case is null) return NotFound();
        (CaseId, Reference) = (@case.Id, @case.Reference);
        // Letters are the case's own files, on no checklist item and no person.
        Letters = (await db.StoredFiles.AsNoTracking().Where(f => f.CaseId == id && f.DocumentItemId == null && f.PersonId == null && f.DeletedAt == null)
                .OrderByDescending(f => f.CreatedAt).Select(f => new { f.Id, f.FileName, f.CreatedAt }).ToListAsync(ct))
            .Select(f => new LetterFile(f.Id, f.FileName, f.CreatedAt)).ToList();
        return Page();
    }

    /// <summary>The packet, in the reader's language; names and identifiers only when asked for.</summary>
    [Audited(AuditActions.EvidencePacketDownloaded)]
    public async Task<IActionResult> OnGetPacketAsync(Guid id, bool identity, CancellationToken ct)
    {
        var packet = await evidence.LoadAsync(id, identity, ct);
        if (packet is null) return NotFound();
        await audit.RecordNowAsync(AuditActions.EvidencePacketDownloaded, "case", id, identity ? "identity included" : "redacted", ct: ct);
        using var pdf = new MemoryStream();
        evidence.Write(packet, pdf);
        return Download(pdf.ToArray(), FileTypes.Pdf, $"{packet.Reference}-evidence{(identity ? "" : "-redacted")}.pdf");
    }

    /// <summary>Merges the letter, keeps it with the case's documents, notes it in the timeline, and downloads it.</summary>
    [Audited(AuditActions.LetterGenerated)]
    public async Task<IActionResult> OnPostLetterAsync(Guid id, LetterKind kind, LetterFormat format, CancellationToken ct)
    {
        if (!CanWriteLetters) return Forbid();
        if (!Enum.IsDefined(kind) || !Enum.IsDefined(format)) return BadRequest();
        var letter = await letters.GenerateAsync(id, kind, format, User.UserId(), ct);
        return letter is null ? NotFound() : Download(letter.Content, letter.ContentType, letter.FileName);
    }

    private FileContentResult Download(byte[] content, string contentType, string fileName)
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers.XContentTypeOptions = "nosniff";
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
        return File(content, contentType);
    }
}
