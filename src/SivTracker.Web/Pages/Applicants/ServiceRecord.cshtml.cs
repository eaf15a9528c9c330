using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>Adds (personId) or edits (id) one service record.</summary>
public class ServiceRecord(AppDbContext db, ServiceRecord.Handler handler, Audit audit, ILogger<ServiceRecord> logger) : PageModel
{
    public sealed record Command
    {
        public EmployerType EmployerType { get; init; } = EmployerType.UsMilitary;
        public string Employer { get; init; } = "";
        public string? PrimeContractNumber { get; init; }
        public string? SubcontractNumber { get; init; }
        public ServiceRole Role { get; init; } = ServiceRole.Interpreter;
        public DateOnly? StartDate { get; init; }
        public DateOnly? EndDate { get; init; }
        public string? Location { get; init; }
        public string? SupervisorName { get; init; }
        public string? SupervisorEmail { get; init; }
        public bool SupervisorEmailVerified { get; init; }
        public bool? SupervisorIsUsCitizen { get; init; }
        public bool HrLetterObtained { get; init; }
        public bool RecommendationLetterObtained { get; init; }
        public uint Version { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(DateOnly today)
        {
            RuleFor(c => c.Employer).NotEmpty().WithMessage(T("Enter the unit, embassy, agency or company.")).PlainText(200);
            RuleFor(c => c.PrimeContractNumber).PlainText(60);
            RuleFor(c => c.SubcontractNumber).PlainText(60);
            RuleFor(c => c.StartDate).NotNull().WithMessage(T("Enter when the service started."))
                .LessThanOrEqualTo(today).WithMessage(T("The start cannot be in the future."));
            RuleFor(c => c.EndDate).GreaterThanOrEqualTo(c => c.StartDate).When(c => c.EndDate is not null && c.StartDate is not null)
                .WithMessage(T("The end cannot be before the start."));
            RuleFor(c => c.Location).PlainText(200);
            RuleFor(c => c.SupervisorName).PlainText(200);
            RuleFor(c => c.SupervisorEmail).EmailAddress().When(c => !string.IsNullOrWhiteSpace(c.SupervisorEmail))
                .WithMessage(T("Enter a valid email address.")).PlainText(320);
        }
    }

    public enum Outcome { Done, Conflict, NotFound, Refused }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors, Guid? RecordId = null);

    /// <summary>
    /// Adding and editing a person's service records for the pages and the API. An edit carries the row version the form
    /// was made from, so a stale form conflicts instead of overwriting someone's newer change.
    /// </summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, Audit audit)
    {
        public async Task<Result> AddAsync(Guid personId, Command command, Guid? userId, CancellationToken ct)
        {
            var person = await db.Persons.AsNoTracking().Where(p => p.Id == personId && p.MergedIntoId == null)
                .Select(p => new { p.Id, p.OrganisationId }).FirstOrDefaultAsync(ct);
            if (person is null) return new Result(Outcome.NotFound, []);
            return await SaveAsync(new Domain.ServiceRecord { OrganisationId = person.OrganisationId, PersonId = person.Id, Employer = "" }, isNew: true, command, userId, ct);
        }

        public async Task<Result> EditAsync(Guid recordId, Command command, Guid? userId, CancellationToken ct)
        {
            var record = await db.ServiceRecords.FirstOrDefaultAsync(r => r.Id == recordId, ct);
            if (record is null) return new Result(Outcome.NotFound, []);
            return await SaveAsync(record, isNew: false, command, userId, ct);
        }

        private async Task<Result> SaveAsync(Domain.ServiceRecord record, bool isNew, Command command, Guid? userId, CancellationToken ct)
        {
            var validation = new Validator(await calendar.TodayAsync(ct)).Validate(command);
            if (!validation.IsValid) return new Result(Outcome.Refused, validation.ToFieldErrors());
            if (!isNew)
            {
                db.Entry(record).Property(r => r.Version).OriginalValue = command.Version;
            }
            record.EmployerType = command.EmployerType;
            record.Employer = command.Employer.Trim();
            record.PrimeContractNumber = Blank(command.PrimeContractNumber);
            record.SubcontractNumber = Blank(command.SubcontractNumber);
            record.Role = command.Role;
            record.StartDate = command.StartDate!.Value;
            record.EndDate = command.EndDate;
            record.Location = Blank(command.Location);
            record.SupervisorName = Blank(command.SupervisorName);
            record.SupervisorEmail = Blank(command.SupervisorEmail);
            record.SupervisorEmailVerified = command.SupervisorEmailVerified;
            record.SupervisorIsUsCitizen = command.SupervisorIsUsCitizen;
            record.HrLetterObtained = command.HrLetterObtained;
            record.RecommendationLetterObtained = command.RecommendationLetterObtained;
            if (isNew)
            {
                db.ServiceRecords.Add(record);
                audit.Record(AuditActions.ServiceRecordAdded, "person", record.PersonId, $"record={record.Id}", organisationId: record.OrganisationId, userId: userId);
            }
            else
            {
                var changed = db.Entry(record).Properties.Where(p => p.IsModified && !p.Metadata.IsShadowProperty()
                        && p.Metadata.Name is not (nameof(Domain.ServiceRecord.Version) or nameof(Domain.ServiceRecord.UpdatedAt) or nameof(Domain.ServiceRecord.UpdatedById)))
                    .Select(p => p.Metadata.Name).ToList();
                audit.Record(AuditActions.ServiceRecordEdited, "person", record.PersonId,
                    $"record={record.Id}; fields: {(changed.Count == 0 ? "none" : string.Join(", ", changed))}", organisationId: record.OrganisationId, userId: userId);
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
            return new Result(Outcome.Done, [], record.Id);
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public Guid PersonId { get; private set; }
    public string PersonName { get; private set; } = "";
    public bool IsNew { get; private set; }

    [Audited(AuditActions.ServiceRecordViewed)]
    public async Task<IActionResult> OnGetAsync(Guid? id, Guid? personId, CancellationToken ct)
    {
        var record = await LoadAsync(id, personId, ct);
        if (record is null) return NotFound();
        if (!IsNew)
        {
            Input = new Command
            {
                EmployerType = record.EmployerType, Employer = record.Employer, PrimeContractNumber = record.PrimeContractNumber,
                SubcontractNumber = record.SubcontractNumber, Role = record.Role, StartDate = record.StartDate, EndDate = record.EndDate,
                Location = record.Location, SupervisorName = record.SupervisorName, SupervisorEmail = record.SupervisorEmail,
                SupervisorEmailVerified = record.SupervisorEmailVerified, SupervisorIsUsCitizen = record.SupervisorIsUsCitizen,
                HrLetterObtained = record.HrLetterObtained, RecommendationLetterObtained = record.RecommendationLetterObtained, Version = record.Version,
            };
            // The form to add a record shows only the person's name; this one shows a supervisor, their email and contracts.
            await audit.RecordNowAsync(AuditActions.ServiceRecordViewed, "person", record.PersonId, $"record={record.Id}", ct: ct);
        }
        return Page();
    }

    [Audited(AuditActions.ServiceRecordAdded, AuditActions.ServiceRecordEdited)]
    public async Task<IActionResult> OnPostAsync(Guid? id, Guid? personId, CancellationToken ct)
    {
        if (await LoadAsync(id, personId, ct) is null) return NotFound();
        // A value the binder could not read (a malformed date or choice) stops here: the handler would see a default in its place.
        if (!ModelState.IsValid) return Page();
        var result = id is { } recordId
            ? await handler.EditAsync(recordId, Input, User.UserId(), ct)
            : await handler.AddAsync(PersonId, Input, User.UserId(), ct);
        switch (result.Outcome)
        {
            case Outcome.NotFound:
                return NotFound();
            case Outcome.Refused:
                ModelState.AddErrors(result.Errors);
                return Page();
            case Outcome.Conflict:
                ModelState.AddModelError(string.Empty, T("Someone else changed this service record after you opened it. Nothing was saved; reload the page to see their version."));
                return Page();
        }
        logger.LogInformation("Service record {RecordId} of person {PersonId} saved by {UserId}", result.RecordId, PersonId, User.UserId());
        TempData["Flash"] = T("Service record saved.");
        return RedirectToPage("./Details", new { id = PersonId });
    }

    private async Task<Domain.ServiceRecord?> LoadAsync(Guid? id, Guid? personId, CancellationToken ct)
    {
        Domain.ServiceRecord? record;
        if (id is { } recordId)
        {
            record = await db.ServiceRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == recordId, ct);
        }
        else
        {
            var person = personId is { } pid ? await db.Persons.AsNoTracking().Where(p => p.Id == pid && p.MergedIntoId == null)
                .Select(p => new { p.Id, p.OrganisationId }).FirstOrDefaultAsync(ct) : null;
            record = person is null ? null : new Domain.ServiceRecord { OrganisationId = person.OrganisationId, PersonId = person.Id, Employer = "" };
            IsNew = true;
        }
        if (record is null) return null;
        PersonId = record.PersonId;
        PersonName = await db.Persons.Where(p => p.Id == record.PersonId).Select(p => Person.FormatName(p.GivenNames, p.FamilyName)).FirstAsync(ct);
        return record;
    }
}
