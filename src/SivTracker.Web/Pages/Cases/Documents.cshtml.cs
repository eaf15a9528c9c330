using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Cases;

/// <summary>The document checklist: the COM package, then DS-260, civil documents and medical for each family member.</summary>
public class Documents(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, Audit audit, ILogger<Documents> logger) : PageModel
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

    [BindProperty]
    public Command Input { get; set; } = new();

    public Guid CaseId { get; private set; }
    public string Reference { get; private set; } = "";
    public IReadOnlyList<Row> Items { get; private set; } = [];
    public DateOnly? PackageCompleteOn { get; private set; }
    public string ClockStartStage { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var item = await db.DocumentItems.FirstOrDefaultAsync(d => d.Id == Input.ItemId && d.CaseId == id, ct);
        if (item is null) return NotFound();
        var today = await calendar.TodayAsync(ct);
        var key = $"Input_{Input.ItemId}";
        if (Input.StatusOn > today) ModelState.AddModelError(key, "The date cannot be in the future.");
        if (Input.Status == DocumentStatus.NotAvailable && string.IsNullOrWhiteSpace(Input.Statement))
            ModelState.AddModelError(key, "Not available needs the applicant's written statement of unavailability.");
        if (!ModelState.Validate(new FluentValidation.InlineValidator<Command> { v => v.RuleFor(c => c.Statement).PlainText(4000, multiline: true) }, Input, key))
        {
            return Page();
        }
        var from = item.Status;
        db.Entry(item).Property(d => d.Version).OriginalValue = Input.Version;
        item.Status = Input.Status;
        item.StatusOn = Input.StatusOn ?? today;
        item.UnavailabilityStatement = Input.Status == DocumentStatus.NotAvailable ? Input.Statement!.Trim() : null;
        if (from != item.Status)
        {
            audit.Record("case.document-changed", "case", id, $"{item.Kind}: {from} to {item.Status}");
            db.DocumentChanges.Add(new DocumentChange
            {
                OrganisationId = item.OrganisationId, CaseId = id, DocumentItemId = item.Id, Kind = item.Kind, PersonId = item.PersonId,
                From = from, To = item.Status, At = time.GetUtcNow(), ById = User.UserId(),
            });
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            await LoadAsync(id, ct);
            ModelState.AddModelError(key, "Someone else changed this document a moment ago. Nothing was saved; here is their version.");
            return Page();
        }
        logger.LogInformation("Document {ItemId} of case {CaseId} set to {Status} by {UserId}", item.Id, id, item.Status, User.UserId());
        TempData["Flash"] = $"{Checklist.Label(item.Kind)}: {item.Status}.";
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Id, c.Reference, c.StepModel, c.ClockState }).FirstOrDefaultAsync(ct);
        if (@case is null) return false;
        CaseId = @case.Id;
        Reference = @case.Reference;
        ClockStartStage = StageCatalog.ClockStartStage(@case.StepModel);
        Items = (await db.DocumentItems.AsNoTracking().Where(d => d.CaseId == id)
            .Select(d => new Row(d.Id, d.Kind, d.PersonId,
                db.Persons.Where(p => p.Id == d.PersonId).Select(p => p.FamilyName == null ? p.GivenNames : p.GivenNames + " " + p.FamilyName).FirstOrDefault(),
                d.Status, d.StatusOn, d.UnavailabilityStatement, d.Version))
            .ToListAsync(ct))
            // In checklist order: kinds are stored by name, so the database would sort them alphabetically.
            .OrderBy(d => d.PersonId is null ? 0 : 1).ThenBy(d => d.PersonName).ThenBy(d => d.PersonId).ThenBy(d => (int)d.Kind)
            .ToList();
        PackageCompleteOn = Checklist.PackageCompleteOn(Items.Select(i => (i.Kind, i.Status, i.StatusOn)), @case.ClockState, await calendar.TodayAsync(ct));
        return true;
    }
}
