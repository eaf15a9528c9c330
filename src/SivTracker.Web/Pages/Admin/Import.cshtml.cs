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
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Admin;

/// <summary>
/// Upload, map, check (dry run), then confirm: nothing is written before the admin has seen every problem and the
/// summary. A file in SivTracker's template is checked at once; any other layout is first mapped column by column
/// and value by value (ImportMapping), and a mapping saved under a name is used again for the next file with the same
/// headers without asking.
/// </summary>
[UploadInMemory]
public class Import(AppDbContext db, SpreadsheetImport importer, ImportJobs jobs, TimeProvider time, ImportSettings settings, Audit audit, ILogger<Import> logger) : PageModel
{
    public long MaxBytes => settings.MaxBytes;

    public SpreadsheetImport.Outcome? Checked { get; private set; }
    public ImportRecord? Record { get; private set; }
    public IReadOnlyList<ImportRecord> Recent { get; private set; } = [];
    public string? FileError { get; private set; }

    /// <summary>The saved mapping the checked file was read through, when one was used.</summary>
    public string? MappingUsed { get; private set; }

    // --- the mapping step ---

    public sealed record ColumnChoice(int Index, string Header, IReadOnlyList<string> Samples, string? Field, ImportMapping.DateDetection? Dates,
        ImportMapping.DateFormat? Format, IReadOnlyList<string> AmbiguousExamples);

    public sealed record ValueChoice(string Choice, string Value, int Count, string? Target);

    public sealed class MapInput
    {
        public Guid Upload { get; set; }
        public List<string?> Fields { get; set; } = [];
        public List<string?> Formats { get; set; } = [];
        public List<ValueInput> Values { get; set; } = [];
        public string? SaveAs { get; set; }
        public string? FileName { get; set; }
    }

    public sealed class ValueInput
    {
        public string Choice { get; set; } = "";
        public string Value { get; set; } = "";
        public string? Target { get; set; }
    }

    [BindProperty]
    public MapInput Map { get; set; } = new();

    public IReadOnlyList<ColumnChoice>? Columns { get; private set; }
    public IReadOnlyList<ValueChoice> ValueChoices { get; private set; } = [];
    public IReadOnlyList<ImportMapping.Field> FieldOptions { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> ChoiceOptions { get; private set; } = new Dictionary<string, string[]>();
    public string? MapError { get; private set; }

    /// <summary>An import's status as the admin reads it.</summary>
    public static string StatusLabel(ImportStatus status) => status switch
    {
        ImportStatus.Checked => T("Checked"),
        ImportStatus.Queued => T("Queued"),
        ImportStatus.Running => T("Running"),
        ImportStatus.Succeeded => T("Succeeded"),
        _ => T("Failed"),
    };

    /// <summary>What a checked row would do to its case.</summary>
    public static string ChangeLabel(SpreadsheetImport.Change change) => change switch
    {
        SpreadsheetImport.Change.Created => T("created"),
        SpreadsheetImport.Change.Updated => T("updated"),
        _ => T("unchanged"),
    };

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
            FileError = T("Choose a CSV or XLSX file.");
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
        var fileName = Path.GetFileName(file.FileName)[..Math.Min(260, Path.GetFileName(file.FileName).Length)];
        var catalog = await db.Stages.AsNoTracking().ToListAsync(ct);
        if (IsTemplate(sheet, catalog)) return await CheckAsync(sheet, fileName, null, ct);

        var signature = ImportMapping.HeaderSignature(sheet.Headers);
        var saved = (await db.ImportMappings.AsNoTracking().ToListAsync(ct)).FirstOrDefault(m => m.Headers == signature);
        Map.Upload = Guid.CreateVersion7();
        jobs.Keep(Map.Upload, sheet, organisationId, User.UserId());
        Map.FileName = fileName;
        if (saved is not null)
        {
            MappingUsed = saved.Name;
            Map.SaveAs = saved.Name;
            return await CheckAsync(sheet, fileName, ImportMapping.FromJson(saved.Definition), ct);
        }
        var proposed = ImportMapping.ProposeFields(sheet, catalog);
        var keys = ImportMapping.ColumnKeys(sheet.Headers);
        Map.Fields = keys.Select(k => proposed.GetValueOrDefault(k)).ToList();
        ShowMapping(sheet, catalog, new ImportMapping());
        return Page();
    }

    /// <summary>Shows the mapping form again for the chosen fields: their value lists and date formats follow the columns.</summary>
    [NotAudited("Re-renders the mapping form from the file kept in memory; reads no stored record.")]
    public async Task<IActionResult> OnPostMapAsync(CancellationToken ct)
    {
        await OnGetAsync(null, tooLarge: false, ct);
        if (jobs.Peek(Map.Upload, User.OrganisationId()!.Value) is not { } kept) return Expired();
        var catalog = await db.Stages.AsNoTracking().ToListAsync(ct);
        ShowMapping(kept.Sheet, catalog, MappingFromInput(kept.Sheet));
        return Page();
    }

    /// <summary>Checks the file through the mapping on the form (saving it first when named), as a dry run.</summary>
    [Audited(AuditActions.ImportChecked, AuditActions.ImportMappingSaved)]
    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        await OnGetAsync(null, tooLarge: false, ct);
        var organisationId = User.OrganisationId()!.Value;
        if (jobs.Peek(Map.Upload, organisationId) is not { } kept) return Expired();
        var catalog = await db.Stages.AsNoTracking().ToListAsync(ct);
        var mapping = MappingFromInput(kept.Sheet);
        var keys = ImportMapping.ColumnKeys(kept.Sheet.Headers);
        var fields = ImportMapping.AllFields(catalog).ToDictionary(f => f.Name);
        var undecided = keys.Select((key, i) => (key, i))
            .Where(c => mapping.Fields.TryGetValue(c.key, out var f) && fields[f].Kind is ImportMapping.FieldKind.Date or ImportMapping.FieldKind.BirthDate
                && !mapping.DateFormats.ContainsKey(c.key))
            .Select(c => kept.Sheet.Headers[c.i]).ToList();
        var missing = new[] { "case_ref", "given_names" }.Where(f => !mapping.Fields.ContainsValue(f)).ToList();
        var saveAs = Map.SaveAs?.Trim();
        if (undecided.Count > 0 || missing.Count > 0 || saveAs is { Length: > 100 })
        {
            MapError = missing.Count > 1 ? T("Choose the column that holds case ref and given names.")
                : missing.Count > 0 ? (missing[0] == "case_ref" ? T("Choose the column that holds case ref.") : T("Choose the column that holds given names."))
                : undecided.Count > 0 ? T("Choose how these columns write their dates: {0}. Both readings are shown beside each.", string.Join(", ", undecided))
                : T("A mapping's name has at most 100 characters.");
            ShowMapping(kept.Sheet, catalog, mapping);
            return Page();
        }
        if (!string.IsNullOrEmpty(saveAs))
        {
            var signature = ImportMapping.HeaderSignature(kept.Sheet.Headers);
            var existing = await db.ImportMappings.FirstOrDefaultAsync(m => m.Name == saveAs, ct);
            if (existing is null)
            {
                db.ImportMappings.Add(new SavedImportMapping { OrganisationId = organisationId, Name = saveAs, Headers = signature, Definition = mapping.ToJson() });
            }
            else
            {
                existing.Headers = signature;
                existing.Definition = mapping.ToJson();
            }
            audit.Record(AuditActions.ImportMappingSaved, "import-mapping", existing?.Id, $"columns={mapping.Fields.Count}");
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another admin saved or changed a mapping of this name since the form was shown.
                db.ChangeTracker.Clear();
                MapError = T("Another admin saved a mapping named “{0}” just now. Check it under that name again, or choose another name.", saveAs);
                ShowMapping(kept.Sheet, catalog, mapping);
                return Page();
            }
            MappingUsed = saveAs;
        }
        var fileName = string.IsNullOrWhiteSpace(Map.FileName) ? "spreadsheet" : Map.FileName[..Math.Min(260, Map.FileName.Length)];
        return await CheckAsync(kept.Sheet, fileName, mapping, ct);
    }

    /// <summary>
    /// Queues a clean check. <paramref name="attach"/> holds, by row, the person already in SivTracker the admin chose
    /// for a possible duplicate ("create a new person" sends nothing); only principals of the organisation count.
    /// </summary>
    [Audited(AuditActions.ImportConfirmed)]
    public async Task<IActionResult> OnPostConfirmAsync(Guid id, Dictionary<int, string>? attach, CancellationToken ct)
    {
        var record = await db.Imports.FirstOrDefaultAsync(r => r.Id == id && r.Status == ImportStatus.Checked && r.Problems == 0, ct);
        if (record is null) return NotFound();
        var chosen = (attach ?? []).Where(a => Guid.TryParse(a.Value, out _)).ToDictionary(a => a.Key, a => Guid.Parse(a.Value));
        var ids = chosen.Values.ToList();
        var principals = await db.Persons.Where(p => ids.Contains(p.Id) && p.Relationship == Relationship.Principal && p.MergedIntoId == null)
            .Select(p => p.Id).ToListAsync(ct);
        chosen = chosen.Where(a => principals.Contains(a.Value)).ToDictionary();
        if (jobs.Peek(id, record.OrganisationId) is null)
        {
            TempData["Flash"] = T("That check has expired. Upload the file again.");
            return RedirectToPage();
        }
        // Saved before the job is queued: the worker may take it and finish at once, and a save after that would write
        // "queued" over its outcome.
        record.Status = ImportStatus.Queued;
        audit.Record(AuditActions.ImportConfirmed, "import", record.Id, chosen.Count > 0 ? $"rows attached to people already in SivTracker={chosen.Count}" : null);
        await db.SaveChangesAsync(ct);
        if (!jobs.Queue(id, record.OrganisationId, chosen))
        {
            record.Status = ImportStatus.Failed;
            record.Summary = "That check has expired. Upload the file again.";
            await db.SaveChangesAsync(ct);
            TempData["Flash"] = T("That check has expired. Upload the file again.");
        }
        return RedirectToPage(new { id });
    }

    /// <summary>A checked file's problems as CSV, so the admin can fix the source and upload it again.</summary>
    [Audited(AuditActions.ImportProblemsExported)]
    public async Task<IActionResult> OnGetProblemsAsync(Guid id, CancellationToken ct)
    {
        var organisationId = User.OrganisationId()!.Value;
        if (await db.Imports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.Status == ImportStatus.Checked, ct) is null
            || jobs.Peek(id, organisationId) is not { } kept)
        {
            return NotFound();
        }
        var outcome = await importer.RunAsync(kept.Sheet, organisationId, User.UserId(), commit: false, ct, kept.Mapping);
        audit.Record(AuditActions.ImportProblemsExported, "import", id, $"problems={outcome.Problems.Count}");
        await db.SaveChangesAsync(ct);
        var buffer = new MemoryStream();
        await ReportWriters.WriteCsvAsync(buffer, ["row", "column", "value", "problem"],
            outcome.Problems.Select(p => new object?[] { p.Row, p.Column, p.Value, p.Message }).ToAsyncEnumerable(), ct);
        Response.Headers.CacheControl = "no-store";
        return File(buffer.ToArray(), ReportExporter.ContentType(ExportFormat.Csv), "import-problems.csv");
    }

    private IActionResult Expired()
    {
        TempData["Flash"] = T("That upload has expired (files are kept in memory for an hour). Upload the file again.");
        return RedirectToPage();
    }

    /// <summary>A file in the template's own layout: every header a template column or a stage code.</summary>
    private static bool IsTemplate(ImportFile.Sheet sheet, IReadOnlyCollection<Stage> catalog)
    {
        var known = SpreadsheetImport.Columns.Select(c => c.Name).Concat(catalog.Select(s => s.Code.ToLowerInvariant())).ToHashSet();
        return sheet.Headers.Where(h => h.Length > 0).All(h => known.Contains(SpreadsheetImport.CanonicalHeader(h).ToLowerInvariant()));
    }

    private async Task<IActionResult> CheckAsync(ImportFile.Sheet sheet, string fileName, ImportMapping? mapping, CancellationToken ct)
    {
        var organisationId = User.OrganisationId()!.Value;
        Checked = await importer.RunAsync(sheet, organisationId, User.UserId(), commit: false, ct, mapping);
        if (mapping is not null)
        {
            // What the "Change the mapping" button sends back.
            var keys = ImportMapping.ColumnKeys(sheet.Headers);
            Map.Fields = keys.Select(k => mapping.Fields.GetValueOrDefault(k)).ToList();
            Map.Formats = keys.Select(k => mapping.DateFormats.TryGetValue(k, out var f) ? f.ToString() : null).ToList();
            Map.Values = mapping.Values.SelectMany(c => c.Value.Select(v => new ValueInput { Choice = c.Key, Value = v.Key, Target = v.Value })).ToList();
        }
        Record = new ImportRecord
        {
            OrganisationId = organisationId, UserId = User.UserId(), At = time.GetUtcNow(), FileName = fileName,
            Status = ImportStatus.Checked, Problems = Checked.Problems.Count, Summary = ImportWorker.Describe(Checked.Summary),
        };
        db.Imports.Add(Record);
        audit.Record(AuditActions.ImportChecked, "import", Record.Id, $"problems={Checked.Problems.Count}; {Record.Summary}");
        await db.SaveChangesAsync(ct);
        // Kept with problems too, for the problems download; only a clean check can be confirmed.
        jobs.Keep(Record.Id, sheet, organisationId, User.UserId(), mapping);
        logger.LogInformation("Import {ImportId} checked by {UserId}: {Problems} problems", Record.Id, User.UserId(), Checked.Problems.Count);
        return Page();
    }

    /// <summary>The mapping the form describes, columns by index.</summary>
    private ImportMapping MappingFromInput(ImportFile.Sheet sheet)
    {
        var keys = ImportMapping.ColumnKeys(sheet.Headers);
        var mapping = new ImportMapping();
        for (var i = 0; i < keys.Count; i++)
        {
            if (i < Map.Fields.Count && !string.IsNullOrEmpty(Map.Fields[i])) mapping.Fields[keys[i]] = Map.Fields[i]!;
            if (i < Map.Formats.Count && Enum.TryParse<ImportMapping.DateFormat>(Map.Formats[i], out var format)) mapping.DateFormats[keys[i]] = format;
        }
        foreach (var value in Map.Values.Where(v => !string.IsNullOrEmpty(v.Target)))
        {
            (mapping.Values.TryGetValue(value.Choice, out var map) ? map : mapping.Values[value.Choice] = [])[ImportMapping.Fold(value.Value)] = value.Target!;
        }
        return mapping;
    }

    /// <summary>
    /// The form: each column with samples and its field; for date columns the format (both readings when day and month
    /// could swap); for fixed-choice fields every distinct value with its count and what it means.
    /// </summary>
    private void ShowMapping(ImportFile.Sheet sheet, IReadOnlyCollection<Stage> catalog, ImportMapping current)
    {
        var keys = ImportMapping.ColumnKeys(sheet.Headers);
        var fields = ImportMapping.AllFields(catalog);
        var byName = fields.ToDictionary(f => f.Name);
        FieldOptions = fields;
        ChoiceOptions = ImportMapping.Choices(catalog.OrderBy(s => s.SortOrder).Select(s => s.Code));
        var columns = new List<ColumnChoice>();
        var values = new Dictionary<(string Choice, string Value), int>();
        for (var i = 0; i < keys.Count; i++)
        {
            var distinct = ImportMapping.ColumnValues(sheet, i);
            var field = i < Map.Fields.Count ? Map.Fields[i] : null;
            ImportMapping.DateDetection? dates = null;
            ImportMapping.DateFormat? format = current.DateFormats.TryGetValue(keys[i], out var chosen) ? chosen : null;
            var examples = new List<string>();
            if (field is not null && byName.TryGetValue(field, out var f))
            {
                if (f.Kind is ImportMapping.FieldKind.Date or ImportMapping.FieldKind.BirthDate)
                {
                    dates = ImportMapping.DetectDateFormat(distinct.Select(v => v.Value));
                    format ??= dates.Chosen;
                    if (dates.Ambiguous)
                    {
                        foreach (var (value, _) in distinct.Where(v => !System.Text.RegularExpressions.Regex.IsMatch(v.Value, @"^\d{4}$")).Take(3))
                        {
                            examples.Add(T("{0}: {1} (day first) or {2} (month first)", value,
                                Day(ImportMapping.ParseDate(value, ImportMapping.DateFormat.DayFirst)), Day(ImportMapping.ParseDate(value, ImportMapping.DateFormat.MonthFirst))));
                        }
                    }
                }
                if (f.Choice is { } choice)
                {
                    foreach (var (value, count) in distinct) values[(choice, value)] = values.GetValueOrDefault((choice, value)) + count;
                }
            }
            columns.Add(new ColumnChoice(i, sheet.Headers[i], distinct.Take(3).Select(v => v.Value).ToList(), field, dates, format, examples));
        }
        Columns = columns;
        ValueChoices = values.OrderBy(v => v.Key.Choice).ThenByDescending(v => v.Value).Select(v =>
            new ValueChoice(v.Key.Choice, v.Key.Value, v.Value,
                current.Values.TryGetValue(v.Key.Choice, out var map) && map.TryGetValue(ImportMapping.Fold(v.Key.Value), out var target) ? target
                : ImportMapping.ProposeValue(v.Key.Choice, v.Key.Value, catalog))).ToList();
        Map.Formats = columns.Select(c => c.Format?.ToString()).ToList();
    }

    /// <summary>The template: headers, two example rows and a note on every column.</summary>
    [NotAudited("A blank template with two invented example rows.")]
    public async Task<IActionResult> OnGetTemplateAsync(string format, string? language, CancellationToken ct)
    {
        // Headers and notes in the language asked for (the page offers all three), else the reader's.
        if (Text.Find(language) is { } asked) System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo(asked.Code);
        var stages = await db.Stages.AsNoTracking().OrderBy(s => s.SortOrder).Select(s => s.Code).ToListAsync(ct);
        // In the reader's language: its headers read back as the same columns (SpreadsheetImport.CanonicalHeader).
        string[] headers = [.. SpreadsheetImport.Columns.Select(c => T(c.Name)), "PRE_COM", "COM_SUBMITTED", "COM_REVIEW", "COM_APPROVED", "DS260_PREP"];
        object?[][] examples =
        [
            ["EX-001", "principal", "Mohammad", "Karimi", "Ghulam Sakhi", "Muhammad Karimi;Mohd Kareemi", "محمد کریمی", "1988", "M", "1234567", "P7654321", "2028-05-01",
                "+93 70 123 4567", "", "AF", "InHiding", "AF602B", "", "KBL2023456789", "", "", "no", "2nd Battalion, 8th Marines", "Interpreter", "2009-01-01", "2012-12-31", "", "",
                "2022-09-01", "2022-11-15", "2023-01-10", "2023-08-20", "2023-09-01"],
            ["EX-001", "spouse", "Maryam", "Karimi", "", "Mariam", "مریم", "1992-04-12", "F", "", "", "", "", "", "AF", "InHiding", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ];
        var notes = SpreadsheetImport.Columns.Select(c => string.Join(" ", new[] { $"{T(c.Name)}: {T(c.Description)}", c.Required ? T("Required.") : null, c.PrincipalOnly ? T("Principal rows only.") : null }.OfType<string>()))
            .Append(T("Stage columns ({0}): the date the case entered that stage, principal rows only.", string.Join(", ", stages)));
        var buffer = new MemoryStream();
        if (format == "xlsx")
        {
            await ReportWriters.WriteXlsxAsync(buffer, "cases", headers, examples.ToAsyncEnumerable(), ct,
                ("columns", ["column"], notes.Select(n => new object?[] { n }).ToAsyncEnumerable()));
            return File(buffer.ToArray(), ReportExporter.ContentType(ExportFormat.Xlsx), $"sivtracker-import-template{FileSuffix()}.xlsx");
        }
        using (var writer = new StreamWriter(buffer, new System.Text.UTF8Encoding(true), leaveOpen: true))
        {
            foreach (var note in notes) await writer.WriteAsync($"# {note}\r\n");
        }
        buffer.Position = buffer.Length;
        await ReportWriters.WriteCsvAsync(buffer, headers, examples.ToAsyncEnumerable(), ct);
        return File(buffer.ToArray(), ReportExporter.ContentType(ExportFormat.Csv), $"sivtracker-import-template{FileSuffix()}.csv");
    }

    /// <summary>"-fa-AF" for a template in Dari: which language a downloaded template is in shows in its name.</summary>
    private static string FileSuffix() => Text.Current == Text.English ? "" : $"-{Text.Current.Code}";
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
