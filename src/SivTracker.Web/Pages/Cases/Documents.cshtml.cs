using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;
using FileHolder = SivTracker.Web.Pages.Cases.Files.Handler.Holder;

namespace SivTracker.Web.Pages.Cases;

/// <summary>The document checklist: the COM package, then DS-260, civil documents and medical for each family member.</summary>
public class Documents(AppDbContext db, OrganisationCalendar calendar, Documents.Handler handler, Files.Handler fileHandler, Audit audit, ILogger<Documents> logger) : PageModel
{
    public sealed record Command
    {
        public Guid ItemId { get; init; }
        public DocumentStatus Status { get; init; }
        public DateOnly? StatusOn { get; init; }
        public string? Statement { get; init; }
        public uint Version { get; init; }
    }

    public sealed record Row(Guid Id, DocumentKind Kind, Guid? PersonId, string? PersonName, DocumentStatus Status, DateOnly? StatusOn, string? Statement, uint Version);

    public enum Outcome { Done, Conflict, NotFound, Refused }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors, DocumentKind? Kind = null);

    /// <summary>
    /// A document's status for the pages and the API: the date it came in, the applicant's statement when it is not
    /// available, a timeline entry and an audit row when the status moves, and the item's row version, so two people
    /// changing the same document conflict instead of one silently undoing the other.
    /// </summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, Audit audit)
    {
        public async Task<Result> HandleAsync(Guid caseId, Command command, Guid? userId, CancellationToken ct)
        {
            var item = await db.DocumentItems.FirstOrDefaultAsync(d => d.Id == command.ItemId && d.CaseId == caseId, ct);
            if (item is null) return new Result(Outcome.NotFound, []);
            var today = await calendar.TodayAsync(ct);
            // These two concern the item as a whole (field ""): the checklist shows them beside the item's row.
            var errors = new List<FieldError>();
            if (command.StatusOn > today) errors.Add(new FieldError("", T("The date cannot be in the future.")));
            if (command.Status == DocumentStatus.NotAvailable && string.IsNullOrWhiteSpace(command.Statement))
            {
                errors.Add(new FieldError("", T("Not available needs the applicant's written statement of unavailability.")));
            }
            errors.AddRange(new FluentValidation.InlineValidator<Command> { v => v.RuleFor(c => c.Statement).PlainText(4000, multiline: true) }.Validate(command).ToFieldErrors());
            if (errors.Count > 0) return new Result(Outcome.Refused, errors);

            var from = item.Status;
            var (fromOn, fromStatement) = (item.StatusOn, item.UnavailabilityStatement);
            db.Entry(item).Property(d => d.Version).OriginalValue = command.Version;
            item.Status = command.Status;
            item.StatusOn = command.StatusOn ?? today;
            item.UnavailabilityStatement = command.Status == DocumentStatus.NotAvailable ? command.Statement!.Trim() : null;
            // The timeline shows status moves; the audit row covers a new date or statement under the same status too.
            var changed = new List<string>();
            if (from != item.Status) changed.Add($"{from} to {item.Status}");
            if (fromOn != item.StatusOn) changed.Add("date");
            if (fromStatement != item.UnavailabilityStatement) changed.Add("statement");
            if (changed.Count > 0)
            {
                audit.Record(AuditActions.CaseDocumentChanged, "case", caseId, $"{item.Kind} (item {item.Id}): {string.Join(", ", changed)}",
                    organisationId: item.OrganisationId, userId: userId);
            }
            if (from != item.Status)
            {
                db.DocumentChanges.Add(new DocumentChange
                {
                    OrganisationId = item.OrganisationId, CaseId = caseId, DocumentItemId = item.Id, Kind = item.Kind, PersonId = item.PersonId,
                    From = from, To = item.Status, At = time.GetUtcNow(), ById = userId,
                });
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return new Result(Outcome.Conflict, []);
            }
            return new Result(Outcome.Done, [], item.Kind);
        }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public sealed record FileRow(Guid Id, Guid? ItemId, string Name, string ContentType, long Size, DateTimeOffset At, string? By, bool FromApplicant = false)
    {
        /// <summary>The versions this one replaced, newest first.</summary>
        public IReadOnlyList<FileRow> Earlier { get; init; } = [];
    }

    /// <summary>The files in use on the checklist items, newest first, each with the earlier versions it replaced.</summary>
    public IReadOnlyList<FileRow> Files { get; private set; } = [];

    /// <summary>Deleted files an admin may still restore: shown to admins only.</summary>
    public IReadOnlyList<FileRow> DeletedFiles { get; private set; } = [];

    public DateTimeOffset RestorableSince { get; private set; }

    /// <summary>Why the last upload was refused, and for which item, shown beside that item's file field.</summary>
    public string? FileError { get; private set; }
    public Guid? FileErrorItem { get; private set; }

    public Guid CaseId { get; private set; }
    public string Reference { get; private set; } = "";
    public IReadOnlyList<Row> Items { get; private set; } = [];
    public DateOnly? PackageCompleteOn { get; private set; }
    public string ClockStartStage { get; private set; } = "";

    [Audited(AuditActions.CaseDocumentsViewed)]
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        FileError = TempData["FileError"] as string;
        // TempData reads a GUID-shaped string back as a Guid.
        FileErrorItem = Guid.TryParse(TempData["FileErrorItem"]?.ToString(), out var item) ? item : null;
        // Every family member by name, with the statements of documents they could not get.
        await audit.RecordNowAsync(AuditActions.CaseDocumentsViewed, "case", id, $"items={Items.Count}", ct: ct);
        return Page();
    }

    [Audited(AuditActions.CaseDocumentChanged)]
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        // A value the binder could not read (a malformed date or status) stops here: the handler would see a default in its place.
        if (!ModelState.IsValid) return Page();
        var result = await handler.HandleAsync(id, Input, User.UserId(), ct);
        // Each row shows the messages under its own key, beside its form.
        var key = $"Input_{Input.ItemId}";
        switch (result.Outcome)
        {
            case Outcome.NotFound:
                return NotFound();
            case Outcome.Refused:
                foreach (var error in result.Errors)
                {
                    ModelState.AddModelError(error.Field.Length == 0 ? key : $"{key}.{error.Field}", error.Message);
                }
                return Page();
            case Outcome.Conflict:
                await LoadAsync(id, ct);
                ModelState.AddModelError(key, T("Someone else changed this document a moment ago. Nothing was saved; here is their version."));
                return Page();
        }
        logger.LogInformation("Document {ItemId} of case {CaseId} set to {Status} by {UserId}", Input.ItemId, id, Input.Status, User.UserId());
        TempData["Flash"] = $"{Checklist.Label(result.Kind!.Value)}: {T(Input.Status.ToString())}.";
        return RedirectToPage(new { id });
    }

    /// <summary>Deletes a file: it leaves the checklist, and an admin can restore it for SealedFiles.RestoreDays; then its key is destroyed.</summary>
    [Audited(AuditActions.CaseFileDeleted)]
    public async Task<IActionResult> OnPostDeleteFileAsync(Guid id, Guid fileId, CancellationToken ct)
    {
        if (!await fileHandler.DeleteAsync(FileHolder.Case(id), fileId, User.UserId(), ct)) return NotFound();
        TempData["Flash"] = T("File deleted. An admin can restore it within {0} days.", SealedFiles.RestoreDays);
        return RedirectToPage(new { id });
    }

    [Audited(AuditActions.CaseFileRestored)]
    public async Task<IActionResult> OnPostRestoreFileAsync(Guid id, Guid fileId, CancellationToken ct)
    {
        if (!User.IsInRole(Roles.Admin)) return Forbid();
        if (!await fileHandler.RestoreAsync(FileHolder.Case(id), fileId, ct)) return NotFound();
        TempData["Flash"] = T("File restored.");
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Id, c.Reference, c.StepModel, c.ClockState }).FirstOrDefaultAsync(ct);
        if (@case is null) return false;
        CaseId = @case.Id;
        Reference = @case.Reference;
        ClockStartStage = StageCatalog.ClockStartStage(@case.StepModel);
        var items = await db.DocumentItems.AsNoTracking().Where(d => d.CaseId == id).ToListAsync(ct);
        var personIds = items.Where(d => d.PersonId is not null).Select(d => d.PersonId!.Value).Distinct().ToList();
        var names = await db.Persons.AsNoTracking().Where(p => personIds.Contains(p.Id)).Select(p => new { p.Id, p.GivenNames, p.FamilyName })
            .ToDictionaryAsync(p => p.Id, p => Person.FormatName(p.GivenNames, p.FamilyName), ct);
        Items = items.Select(d => new Row(d.Id, d.Kind, d.PersonId, d.PersonId is { } who ? names.GetValueOrDefault(who) : null,
                d.Status, d.StatusOn, d.UnavailabilityStatement, d.Version))
            // In checklist order: kinds are stored by name, so the database would sort them alphabetically.
            .OrderBy(d => d.PersonId is null ? 0 : 1).ThenBy(d => d.PersonName).ThenBy(d => d.PersonId).ThenBy(d => (int)d.Kind)
            .ToList();
        RestorableSince = fileHandler.RestorableSince;
        var admin = User.IsInRole(Roles.Admin);
        var files = await db.StoredFiles.AsNoTracking()
            .Where(f => f.CaseId == id && (f.DeletedAt == null || (admin && f.DeletedAt > RestorableSince && f.ShreddedAt == null)))
            .OrderByDescending(f => f.CreatedAt).ToListAsync(ct);
        var uploaders = files.Where(f => f.CreatedById is not null).Select(f => f.CreatedById!.Value).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => uploaders.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        FileRow Row(StoredFile f) => new(f.Id, f.DocumentItemId, f.FileName, f.ContentType, f.Size, f.CreatedAt, f.CreatedById is { } by ? users.GetValueOrDefault(by) : null, f.FromApplicant);
        var notDeleted = files.Where(f => f.DeletedAt == null).ToList();
        Files = StoredFile.CurrentVersions(notDeleted).Select(f => Row(f) with { Earlier = StoredFile.EarlierVersions(f, notDeleted).Select(Row).ToList() }).ToList();
        DeletedFiles = files.Where(f => f.DeletedAt != null).Select(Row).ToList();
        PackageCompleteOn = Checklist.PackageCompleteOn(Items.Select(i => (i.Kind, i.Status, i.StatusOn)), @case.ClockState, await calendar.TodayAsync(ct));
        return true;
    }
}
