using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Exports;
using SivTracker.Web.Imports;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Admin;

/// <summary>Upload, check (dry run), then confirm: nothing is written before the admin has seen every problem and the summary.</summary>
[UploadInMemory]
public class Import(AppDbContext db, SpreadsheetImport importer, ImportJobs jobs, TimeProvider time, ImportSettings settings, Audit audit, ILogger<Import> logger) : PageModel
{
    public long MaxBytes => settings.MaxBytes;

    public SpreadsheetImport.Outcome? Checked { get; private set; }
    public ImportRecord? Record { get; private set; }
    public IReadOnlyList<ImportRecord> Recent { get; private set; } = [];
    public string? FileError { get; private set; }

    [NotAudited("The organisation's recent imports: file names, counts and status.")]
    public async Task OnGetAsync(Guid? id, bool tooLarge, CancellationToken ct)
    {
        if (tooLarge) FileError = ImportFile.TooLarge(settings);
        if (id is { } importId) Record = await db.Imports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == importId, ct);
        Recent = await db.Imports.AsNoTracking().OrderByDescending(r => r.At).Take(10).ToListAsync(ct);
        if (Record is { Status: ImportStatus.Queued or ImportStatus.Running }) ViewData["Refresh"] = true;
    }

    [Audited(AuditActions.ImportChecked)]
    public async Task<IActionResult> OnPostCheckAsync(IFormFile? file, CancellationToken ct)
    {
        await OnGetAsync(null, tooLarge: false, ct);
        if (file is null || file.Length == 0)
        {
            FileError = "Choose a CSV or XLSX file.";
            return Page();
        }
        if (file.Length > MaxBytes)
        {
            FileError = ImportFile.TooLarge(settings);
            return Page();
        }
        // Already in memory (UploadInMemory): this copy never touches the disk either.
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var organisationId = User.OrganisationId()!.Value;
        ImportFile.Sheet sheet;
        try
        {
            sheet = ImportFile.Read(buffer.ToArray(), file.FileName, settings);
        }
        catch (ImportFile.FileProblem problem)
        {
            FileError = problem.Message;
            return Page();
        }
        Checked = await importer.RunAsync(sheet, organisationId, User.UserId(), commit: false, ct);
        Record = new ImportRecord
        {
            OrganisationId = organisationId, UserId = User.UserId(), At = time.GetUtcNow(), FileName = Path.GetFileName(file.FileName)[..Math.Min(260, Path.GetFileName(file.FileName).Length)],
            Status = ImportStatus.Checked, Problems = Checked.Problems.Count, Summary = ImportWorker.Describe(Checked.Summary),
        };
        db.Imports.Add(Record);
        audit.Record(AuditActions.ImportChecked, "import", Record.Id, $"problems={Checked.Problems.Count}; {Record.Summary}");
        await db.SaveChangesAsync(ct);
        if (Checked.Problems.Count == 0) jobs.Keep(Record.Id, sheet, organisationId, User.UserId());
        logger.LogInformation("Import {ImportId} checked by {UserId}: {Problems} problems", Record.Id, User.UserId(), Checked.Problems.Count);
        return Page();
    }

    [Audited(AuditActions.ImportConfirmed)]
    public async Task<IActionResult> OnPostConfirmAsync(Guid id, CancellationToken ct)
    {
        var record = await db.Imports.FirstOrDefaultAsync(r => r.Id == id && r.Status == ImportStatus.Checked && r.Problems == 0, ct);
        if (record is null) return NotFound();
        if (!jobs.Queue(id, record.OrganisationId))
        {
            TempData["Flash"] = "That check has expired. Upload the file again.";
            return RedirectToPage();
        }
        record.Status = ImportStatus.Queued;
        audit.Record(AuditActions.ImportConfirmed, "import", record.Id);
        await db.SaveChangesAsync(ct);
        return RedirectToPage(new { id });
    }

    /// <summary>The template: headers, two example rows and a note on every column.</summary>
    [NotAudited("A blank template with two invented example rows.")]
    public async Task<IActionResult> OnGetTemplateAsync(string format, CancellationToken ct)
    {
        var stages = await db.Stages.AsNoTracking().OrderBy(s => s.SortOrder).Select(s => s.Code).ToListAsync(ct);
        string[] headers = [.. SpreadsheetImport.Columns.Select(c => c.Name), "PRE_COM", "COM_SUBMITTED", "COM_REVIEW", "COM_APPROVED", "DS260_PREP"];
        object?[][] examples =
        [
            ["EX-001", "principal", "Mohammad", "Karimi", "Ghulam Sakhi", "Muhammad Karimi;Mohd Kareemi", "محمد کریمی", "1988", "M", "1234567", "P7654321", "2028-05-01",
                "+93 70 123 4567", "", "AF", "InHiding", "AF602B", "", "KBL2023456789", "", "", "no", "2nd Battalion, 8th Marines", "Interpreter", "2009-01-01", "2012-12-31",
                "2022-09-01", "2022-11-15", "2023-01-10", "2023-08-20", "2023-09-01"],
            ["EX-001", "spouse", "Maryam", "Karimi", "", "Mariam", "مریم", "1992-04-12", "F", "", "", "", "", "", "AF", "InHiding", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ];
        var notes = SpreadsheetImport.Columns.Select(c => $"{c.Name}: {c.Description}{(c.Required ? " Required." : "")}{(c.PrincipalOnly ? " Principal rows only." : "")}")
            .Append($"Stage columns ({string.Join(", ", stages)}): the date the case entered that stage, principal rows only.");
        var buffer = new MemoryStream();
        if (format == "xlsx")
        {
            await ReportWriters.WriteXlsxAsync(buffer, "cases", headers, examples.ToAsyncEnumerable(), ct,
                ("columns", ["column"], notes.Select(n => new object?[] { n }).ToAsyncEnumerable()));
            return File(buffer.ToArray(), ReportExporter.ContentType(ExportFormat.Xlsx), "sivtracker-import-template.xlsx");
        }
        using (var writer = new StreamWriter(buffer, new System.Text.UTF8Encoding(true), leaveOpen: true))
        {
            foreach (var note in notes) await writer.WriteAsync($"# {note}\r\n");
        }
        buffer.Position = buffer.Length;
        await ReportWriters.WriteCsvAsync(buffer, headers, examples.ToAsyncEnumerable(), ct);
        return File(buffer.ToArray(), ReportExporter.ContentType(ExportFormat.Csv), "sivtracker-import-template.csv");
    }
}

/// <summary>
/// Keeps an uploaded spreadsheet in memory only. Reading a form, ASP.NET Core moves any uploaded file over 64 KB to a
/// temporary file, and a list of Afghan applicants must never reach a disk in clear: a deleted temporary file lives on
/// in free blocks, backups and snapshots. For this page the form is read into memory up to Import__MaxBytes (and a
/// margin for the rest of the form); a larger request is turned away before its body is read. Ordered before the
/// antiforgery check (1000), which is the first to read the form.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UploadInMemoryAttribute : Attribute, IFilterFactory, IOrderedFilter
{
    /// <summary>Room for the antiforgery token, the multipart boundaries and headers besides the file itself.</summary>
    private const long FormMarginBytes = 64 * 1024;

    public int Order => 900;

    public bool IsReusable => true;

    public IFilterMetadata CreateInstance(IServiceProvider services) => new Filter(services.GetRequiredService<ImportSettings>());

    /// <summary>
    /// Form limits where a file that reaches the memory threshold (and would move to disk) has already passed the
    /// length limit, which refuses it first.
    /// </summary>
    public static FormOptions FormOptionsFor(ImportSettings settings)
    {
        var limit = RequestLimit(settings);
        return new FormOptions { MultipartBodyLengthLimit = limit, MemoryBufferThreshold = (int)Math.Min(limit, int.MaxValue) };
    }

    public static long RequestLimit(ImportSettings settings) => settings.MaxBytes + FormMarginBytes;

    private sealed class Filter(ImportSettings settings) : IAuthorizationFilter
    {
        public void OnAuthorization(AuthorizationFilterContext context)
        {
            var http = context.HttpContext;
            if (!http.Request.HasFormContentType) return;
            var limit = RequestLimit(settings);
            if (http.Request.ContentLength > limit)
            {
                context.Result = new RedirectToPageResult("/Admin/Import", new { tooLarge = true });
                return;
            }
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize) bodySize.MaxRequestBodySize = limit;
            http.Features.Set<IFormFeature>(new FormFeature(http.Request, FormOptionsFor(settings)));
        }
    }
}
