using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Cases;

/// <summary>
/// The files on a case's checklist items: upload, sealed as the bytes arrive (Data/SealedFiles), and download or view,
/// decrypted as they leave. Neither holds a whole file in memory or writes one to disk: the upload form is read here
/// section by section, never by ASP.NET Core's form reader, which would buffer a large file to a temporary file.
/// </summary>
[IgnoreAntiforgeryToken(Order = 1001)]
[StreamedUpload]
public class Files(AppDbContext db, SealedFiles sealedFiles, Files.Handler handler, Audit audit) : PageModel
{
    /// <summary>
    /// Deleting and restoring a file, on a case (its checklist) or on a person outside any case. A deleted file leaves
    /// the lists and the ZIP; an admin can restore it for <see cref="SealedFiles.RestoreDays"/>, then its key is destroyed.
    /// </summary>
    public sealed class Handler(AppDbContext db, SealedFiles sealedFiles, Documents.Handler documents, OrganisationCalendar calendar, Audit audit, TimeProvider time,
        ILogger<Handler> logger)
    {
        public sealed record Holder(Guid? CaseId, Guid? PersonId)
        {
            public static Holder Case(Guid id) => new(id, null);

            public static Holder Person(Guid id) => new(null, id);
        }

        private IQueryable<StoredFile> Of(Holder holder, Guid fileId) => db.StoredFiles.Where(f => f.Id == fileId
            && (holder.CaseId != null ? f.CaseId == holder.CaseId : f.CaseId == null && f.PersonId == holder.PersonId));

        private void Record(string action, Holder holder, Guid fileId) =>
            audit.Record(action, holder.CaseId is not null ? "case" : "person", holder.CaseId ?? holder.PersonId, $"file {fileId}");

        /// <summary>False when the holder has no such file not already deleted.</summary>
        public async Task<bool> DeleteAsync(Holder holder, Guid fileId, Guid? userId, CancellationToken ct)
        {
            var file = await Of(holder, fileId).FirstOrDefaultAsync(f => f.DeletedAt == null, ct);
            if (file is null) return false;
            file.DeletedAt = time.GetUtcNow();
            file.DeletedById = userId;
            Record(AuditActions.CaseFileDeleted, holder, file.Id);
            await db.SaveChangesAsync(ct);
            return true;
        }

        /// <summary>False when the holder has no such file deleted recently enough to restore.</summary>
        public async Task<bool> RestoreAsync(Holder holder, Guid fileId, CancellationToken ct)
        {
            var restorableSince = RestorableSince;
            var file = await Of(holder, fileId).FirstOrDefaultAsync(f => f.DeletedAt != null && f.DeletedAt > restorableSince && f.ShreddedAt == null, ct);
            if (file is null) return false;
            file.DeletedAt = null;
            file.DeletedById = null;
            Record(AuditActions.CaseFileRestored, holder, file.Id);
            await db.SaveChangesAsync(ct);
            return true;
        }

        /// <summary>
        /// Stores a file on a checklist item (a new version of <paramref name="replaces"/> when given) and marks the
        /// item received today unless it was in already. Null when stored; otherwise why not, with nothing left behind.
        /// </summary>
        public Task<string?> StoreOnItemAsync(Guid caseId, DocumentItem item, StoredFile? replaces, string name, Stream body, Guid? userId, bool fromApplicant,
            CancellationToken ct)
        {
            var file = new StoredFile
            {
                OrganisationId = item.OrganisationId, CaseId = caseId, DocumentItemId = item.Id, PersonId = item.PersonId, FileName = CleanName(name), ContentType = "",
                DataKey = "", FromApplicant = fromApplicant,
            };
            return SealAsync(file, body, async stored =>
            {
                if (!Checklist.IsIn(item.Status))
                {
                    var received = await documents.HandleAsync(caseId, new Documents.Command
                    {
                        ItemId = item.Id, Status = DocumentStatus.Received, StatusOn = await calendar.TodayAsync(ct), Version = item.Version,
                    }, userId, ct);
                    if (received.Outcome != Documents.Outcome.Done) return T("Someone else changed this document a moment ago. Nothing was saved; upload the file again.");
                }
                if (replaces is not null) replaces.ReplacedById = stored.Id;
                audit.Record(fromApplicant ? AuditActions.PortalFileUploaded : AuditActions.CaseFileUploaded, "case", caseId,
                    $"file {stored.Id} on item {item.Id}: {stored.ContentType}, {stored.Size} bytes{(replaces is null ? "" : $", replacing file {replaces.Id}")}"
                    + (fromApplicant ? ", from the applicant" : ""), item.OrganisationId);
                return null;
            }, ct);
        }

        /// <summary>
        /// Seals the upload into <paramref name="file"/> and, in the same transaction, does what goes with it:
        /// <paramref name="alongside"/> returns a refusal to undo it all. A refused file or step leaves nothing behind.
        /// </summary>
        public async Task<string?> SealAsync(StoredFile file, Stream body, Func<StoredFile, Task<string?>> alongside, CancellationToken ct)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            try
            {
                await sealedFiles.WriteAsync(file, body, ct);
            }
            catch (SealedFiles.Refused refused)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return refused.Message;
            }
            if (await alongside(file) is { } refusal)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                await sealedFiles.DiscardAsync(file, ct);
                return refusal;
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            logger.LogInformation("File {FileId} ({Size} bytes) stored", file.Id, file.Size);
            return null;
        }

        public DateTimeOffset RestorableSince => time.GetUtcNow().AddDays(-SealedFiles.RestoreDays);
    }

    /// <summary>
    /// Stores the file posted for a checklist item and marks the item received on today's date, unless it was in
    /// already. The form sends its antiforgery token before the file, and the token is checked before the file is read.
    /// </summary>
    [Audited(AuditActions.CaseFileUploaded, AuditActions.CaseDocumentChanged)]
    public async Task<IActionResult> OnPostAsync([FromQuery] Guid id, [FromQuery] Guid itemId, CancellationToken ct)
    {
        var item = await db.DocumentItems.AsNoTracking().FirstOrDefaultAsync(d => d.Id == itemId && d.CaseId == id, ct);
        if (item is null) return NotFound();
        return await StreamedForm.ReceiveAsync(HttpContext, async (fields, name, body) =>
        {
            var replaced = await ReplacedAsync(fields, f => f.DocumentItemId == item.Id, ct);
            if (replaced is { Found: false }) return Back(id, item.Id, T("The file to replace was deleted or replaced a moment ago. Choose again."));
            if (await handler.StoreOnItemAsync(id, item, replaced?.File, name, body, User.UserId(), fromApplicant: false, ct) is { } refusal) return Back(id, item.Id, refusal);
            TempData["Flash"] = replaced?.File is null ? T("{0}: file stored.", Checklist.Label(item.Kind))
                : T("{0}: new version stored; the earlier one stays in its history.", Checklist.Label(item.Kind));
            return RedirectToPage("./Documents", new { id });
        }, (_, message) => Back(id, item.Id, message), ct);
    }

    /// <summary>Stores a file on a person: a tazkira or passport scan, a photo, anything not on a checklist.</summary>
    [Audited(AuditActions.PersonFileUploaded)]
    public async Task<IActionResult> OnPostPersonAsync([FromQuery] Guid personId, CancellationToken ct)
    {
        var person = await db.Persons.AsNoTracking().Where(p => p.Id == personId && p.MergedIntoId == null).Select(p => new { p.Id, p.OrganisationId }).FirstOrDefaultAsync(ct);
        if (person is null) return NotFound();
        IActionResult BackToPerson(string message)
        {
            TempData["FileError"] = message;
            return RedirectToPage("/Applicants/Details", new { id = personId });
        }
        return await StreamedForm.ReceiveAsync(HttpContext, async (fields, name, body) =>
        {
            var replaced = await ReplacedAsync(fields, f => f.PersonId == person.Id && f.CaseId == null, ct);
            if (replaced is { Found: false }) return BackToPerson(T("The file to replace was deleted or replaced a moment ago. Choose again."));
            var kind = replaced?.File?.PersonKind ?? default;
            if (replaced is null && (!Enum.TryParse(fields.GetValueOrDefault("kind"), out kind) || !Enum.IsDefined(kind))) return BackToPerson(T("Choose what the file is."));
            var file = new StoredFile { OrganisationId = person.OrganisationId, PersonId = person.Id, PersonKind = kind, FileName = CleanName(name), ContentType = "", DataKey = "" };
            var refusal = await handler.SealAsync(file, body, stored =>
            {
                if (replaced?.File is { } earlier) earlier.ReplacedById = stored.Id;
                audit.Record(AuditActions.PersonFileUploaded, "person", person.Id,
                    $"file {stored.Id} ({kind}): {stored.ContentType}, {stored.Size} bytes{(replaced?.File is { } old ? $", replacing file {old.Id}" : "")}");
                return Task.FromResult<string?>(null);
            }, ct);
            if (refusal is not null) return BackToPerson(refusal);
            TempData["Flash"] = T("{0}: file stored.", Labels.For(kind));
            return RedirectToPage("/Applicants/Details", new { id = person.Id });
        }, (_, message) => BackToPerson(message), ct);
    }

    private sealed record Replaced(bool Found, StoredFile? File);

    /// <summary>
    /// The file a new version replaces, when the form names one: it must be current (not deleted, not replaced) and
    /// belong where the new one goes. Null when the upload adds a file; Found false when the named one is not there.
    /// </summary>
    private async Task<Replaced?> ReplacedAsync(IReadOnlyDictionary<string, string> fields, System.Linq.Expressions.Expression<Func<StoredFile, bool>> belongs,
        CancellationToken ct)
    {
        if (!Guid.TryParse(fields.GetValueOrDefault("replaces"), out var replacesId)) return null;
        var file = await db.StoredFiles.Where(belongs).FirstOrDefaultAsync(f => f.Id == replacesId && f.DeletedAt == null
            && (f.ReplacedById == null || db.StoredFiles.Any(newer => newer.Id == f.ReplacedById && newer.DeletedAt != null)), ct);
        return new Replaced(file is not null, file);
    }

    /// <summary>
    /// A stored file, decrypted as it is sent. Only images and PDFs are shown in the page (view), under a sandboxing
    /// policy that lets nothing in them run; everything else downloads. Never sniffed, never cached.
    /// </summary>
    [Audited(AuditActions.CaseFileViewed, AuditActions.CaseFileDownloaded)]
    public async Task<IActionResult> OnGetAsync(Guid id, bool view, CancellationToken ct)
    {
        var file = await db.StoredFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id && f.DeletedAt == null, ct);
        if (file is null) return NotFound();
        var inline = view && FileTypes.Previews(file.ContentType);
        await audit.RecordNowAsync(inline ? AuditActions.CaseFileViewed : AuditActions.CaseFileDownloaded, "case", file.CaseId, $"file {file.Id}", ct: ct);
        var headers = Response.Headers;
        Response.ContentType = file.ContentType;
        Response.ContentLength = file.Size;
        headers.ContentDisposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment") { FileNameStar = DownloadName(file) }.ToString();
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
        await sealedFiles.CopyToAsync(file, Response.Body, ct);
        return new EmptyResult();
    }

    /// <summary>
    /// Every file in use on a case (the latest version of each) in one ZIP, streamed as it is decrypted, for sending to NVC or the embassy. Each name says
    /// whose and which document it is.
    /// </summary>
    [Audited(AuditActions.CaseFilesZipped)]
    public async Task<IActionResult> OnGetZipAsync(Guid id, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Id, c.Reference }).FirstOrDefaultAsync(ct);
        if (@case is null) return NotFound();
        var principalId = await db.Cases.Where(c => c.Id == id).Select(c => c.PrincipalId).FirstAsync(ct);
        var family = await db.Persons.Where(p => p.Id == principalId || p.PrincipalId == principalId).Select(p => p.Id).ToListAsync(ct);
        // The checklist's files, and what the family's own records hold (tazkira and passport scans, photos).
        var files = StoredFile.CurrentVersions(await db.StoredFiles.AsNoTracking()
            .Where(f => (f.CaseId == id || (f.CaseId == null && f.PersonId != null && family.Contains(f.PersonId.Value))) && f.DeletedAt == null)
            .OrderBy(f => f.CreatedAt).ToListAsync(ct)).ToList();
        var itemIds = files.Where(f => f.DocumentItemId is not null).Select(f => f.DocumentItemId!.Value).ToList();
        var kinds = await db.DocumentItems.AsNoTracking().Where(d => itemIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Kind, ct);
        var personIds = files.Where(f => f.PersonId is not null).Select(f => f.PersonId!.Value).Distinct().ToList();
        var names = (await db.Persons.AsNoTracking().Where(p => personIds.Contains(p.Id)).Select(p => new { p.Id, p.GivenNames, p.FamilyName }).ToListAsync(ct))
            .ToDictionary(p => p.Id, p => Person.FormatName(p.GivenNames, p.FamilyName));
        await audit.RecordNowAsync(AuditActions.CaseFilesZipped, "case", id, $"files={files.Count}", ct: ct);
        Response.ContentType = "application/zip";
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = $"{@case.Reference}-documents.zip" }.ToString();
        Response.Headers.CacheControl = "no-store";
        // ZipArchive still writes parts of the archive synchronously through its async API, which Kestrel refuses
        // unless told: this response may block a thread while it writes.
        if (HttpContext.Features.Get<IHttpBodyControlFeature>() is { } body) body.AllowSynchronousIO = true;
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var zip = await System.IO.Compression.ZipArchive.CreateAsync(Response.Body, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        foreach (var file in files)
        {
            var whose = file.PersonId is { } person && names.TryGetValue(person, out var name) ? name : "case";
            var what = file.DocumentItemId is { } item && kinds.TryGetValue(item, out var kind) ? Checklist.Label(kind)
                : file.PersonKind is { } personKind ? Labels.For(personKind) : "document";
            var entryName = ZipName($"{whose} - {what} - {Path.GetFileNameWithoutExtension(file.FileName)}", FileTypes.Extension(file.ContentType), used);
            // Scans and photos are compressed already; storing them as they are keeps the ZIP fast to make.
            var entry = zip.CreateEntry(entryName, System.IO.Compression.CompressionLevel.NoCompression);
            await using var content = await entry.OpenAsync(ct);
            await sealedFiles.CopyToAsync(file, content, ct);
        }
        return new EmptyResult();
    }

    /// <summary>A name for a ZIP entry: no folders or characters an unzipping system refuses, unique in the archive.</summary>
    private static string ZipName(string stem, string extension, HashSet<string> used)
    {
        var clean = new string(stem.Select(c => c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsControl(c) ? '_' : c).ToArray()).Trim();
        var name = clean + extension;
        for (var n = 2; !used.Add(name); n++) name = $"{clean} ({n}){extension}";
        return name;
    }

    private RedirectToPageResult Back(Guid caseId, Guid itemId, string message)
    {
        TempData["FileError"] = message;
        TempData["FileErrorItem"] = itemId.ToString();
        return RedirectToPage("./Documents", new { id = caseId });
    }

    /// <summary>The name as uploaded, without any folder, invisible characters or more than 200 characters.</summary>
    public static string CleanName(string name)
    {
        var bare = Path.GetFileName(name.Replace('\\', '/'));
        var visible = new string(TextSafety.WithoutInvisible(bare).Where(c => !char.IsControl(c)).ToArray()).Trim();
        return visible.Length == 0 ? "file" : visible[..Math.Min(200, visible.Length)];
    }

    /// <summary>The name a download is saved under: the uploaded name, with the extension of what the file really is.</summary>
    private static string DownloadName(StoredFile file) => Path.GetFileNameWithoutExtension(file.FileName) + FileTypes.Extension(file.ContentType);
}

/// <summary>
/// Lets a page read its upload itself, a section at a time: ASP.NET Core's form value providers, which would read the
/// whole form (moving a large file to a temporary file) before the handler runs, are taken off, and the request may
/// be as large as a file may be (Documents__MaxFileBytes) and the form around it.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StreamedUploadAttribute : Attribute, IResourceFilter
{
    private const long FormMarginBytes = 64 * 1024;

    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        context.ValueProviderFactories.RemoveType<FormValueProviderFactory>();
        context.ValueProviderFactories.RemoveType<FormFileValueProviderFactory>();
        context.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
        var settings = context.HttpContext.RequestServices.GetRequiredService<DocumentSettings>();
        if (context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = settings.MaxFileBytes + FormMarginBytes;
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}

/// <summary>
/// An upload form read as it arrives, for the pages that take files (a case's checklist, a person, the applicant
/// portal): its antiforgery token first, checked before anything else is read, then any short fields, then the first
/// file field that holds a file, handed on as a stream. The page carries [StreamedUpload] and [IgnoreAntiforgeryToken].
/// </summary>
public static class StreamedForm
{
    public static async Task<IActionResult> ReceiveAsync(HttpContext context, Func<IReadOnlyDictionary<string, string>, string, Stream, Task<IActionResult>> store,
        Func<IReadOnlyDictionary<string, string>, string, IActionResult> back, CancellationToken ct)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return new BadRequestResult();
        }
        var tokenField = context.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.FormFieldName;
        // A sealed chunk's worth at a time: the default 4 KB buffer makes the boundary search the slowest part of an upload.
        var reader = new MultipartReader(boundary, request.Body, SealedFiles.ChunkSize);
        var section = await reader.ReadNextSectionAsync(ct);
        if (section is null || FieldName(section) != tokenField || !await TokenIsValidAsync(context, tokenField, await ReadFieldAsync(section, ct)))
        {
            return new BadRequestResult();
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
        {
            if (FieldName(section) is { } field && fields.Count < 10)
            {
                fields[field] = await ReadFieldAsync(section, ct);
                continue;
            }
            // The form has a camera input for phones beside the file input; the one left empty sends no file name.
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition()
                && HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value is { Length: > 0 } name)
            {
                return await store(fields, name, section.Body);
            }
        }
        return back(fields, T("Choose a file or take a photo."));
    }

    private static string? FieldName(MultipartSection section) =>
        ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFormDisposition()
            ? HeaderUtilities.RemoveQuotes(disposition.Name).Value : null;

    /// <summary>A short field of the form (the token is a few hundred characters); a longer one reads as empty.</summary>
    private static async Task<string> ReadFieldAsync(MultipartSection section, CancellationToken ct)
    {
        var buffer = new char[2048];
        using var text = new StreamReader(section.Body);
        var read = await text.ReadBlockAsync(buffer, ct);
        return read == buffer.Length ? "" : new string(buffer, 0, read);
    }

    /// <summary>The token checked as ASP.NET Core checks a form's, against this request's cookie and user.</summary>
    private static async Task<bool> TokenIsValidAsync(HttpContext context, string tokenField, string token)
    {
        if (token.Length == 0) return false;
        var probe = new DefaultHttpContext { User = context.User, RequestServices = context.RequestServices };
        probe.Request.Method = HttpMethods.Post;
        // The antiforgery cookie is secure-only, which the check confirms against the request's own transport.
        probe.Request.IsHttps = context.Request.IsHttps;
        probe.Request.Headers.Cookie = context.Request.Headers.Cookie;
        probe.Request.ContentType = "application/x-www-form-urlencoded";
        probe.Features.Set<IFormFeature>(new FormFeature(new FormCollection(new() { [tokenField] = token })));
        return await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(probe);
    }
}
