using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>
/// The intake queue: requests sent through the public form, each beside the registered people it may be (the
/// registration's own duplicate rule). A caseworker registers one as a new person, attaches it to a person already
/// known, or rejects it with a reason; registering and attaching run the registry's own handlers, so nobody retypes it.
/// </summary>
public class Intake(AppDbContext db, Intake.Handler handler, Audit audit) : PageModel
{
    public enum Outcome { Done, NotFound, Refused }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors, Guid? PersonId = null);

    /// <summary>What the public form sends, before it is a submission.</summary>
    public sealed record HelpRequest
    {
        public string? GivenNames { get; init; }
        public string? FamilyName { get; init; }
        public string? NativeName { get; init; }
        public string? DateOfBirth { get; init; }
        public string? Phone { get; init; }
        public string? Email { get; init; }
        public SivProgram Program { get; init; }
        public EmployerType? EmployerType { get; init; }
        public string? Employer { get; init; }
        public DateOnly? ServiceStart { get; init; }
        public DateOnly? ServiceEnd { get; init; }
        public string? Message { get; init; }
    }

    public sealed class Handler(AppDbContext db, Create.Handler create, Edit.Handler edit, ServiceRecord.Handler service, OrganisationCalendar calendar,
        Audit audit, TimeProvider time, Background.WebhookOutbox webhooks)
    {
        /// <summary>
        /// Checks a request by the registry's own rules (the person form's and the service record's), then files it in the
        /// organisation's queue. Null errors: filed, with its id.
        /// </summary>
        public async Task<(Guid? Id, IReadOnlyList<FieldError> Errors)> SubmitAsync(Guid organisationId, HelpRequest request, string proofHash, CancellationToken ct)
        {
            var today = await calendar.TodayAsync(ct);
            var errors = Check(request, today);
            if (errors.Count > 0) return (null, errors);
            var submission = new IntakeSubmission
            {
                OrganisationId = organisationId, SubmittedAt = time.GetUtcNow(), GivenNames = request.GivenNames!.Trim(), FamilyName = Clean(request.FamilyName),
                NativeName = Clean(request.NativeName), DateOfBirth = Clean(request.DateOfBirth), Phone = Clean(request.Phone), Email = Clean(request.Email),
                Program = request.Program, EmployerType = Clean(request.Employer) is null ? null : request.EmployerType, Employer = Clean(request.Employer),
                ServiceStart = request.ServiceStart, ServiceEnd = request.ServiceEnd, Message = Clean(request.Message), ProofHash = proofHash,
            };
            db.IntakeSubmissions.Add(submission);
            audit.Record(AuditActions.IntakeSubmitted, "intake", submission.Id, null, organisationId);
            await webhooks.RaiseAsync(organisationId, Webhooks.IntakeSubmitted, new { IntakeId = submission.Id, submission.Program }, ct);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException exception) when (exception.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
            {
                return (null, [new FieldError("", T("This form was sent already. Open the form again to send another request."))]);
            }
            return (submission.Id, []);
        }

        private static List<FieldError> Check(HelpRequest request, DateOnly today)
        {
            var errors = new List<FieldError>();
            if (!Enum.IsDefined(request.Program)) errors.Add(new FieldError(nameof(HelpRequest.Program), T("Choose one of the options.")));
            var person = PersonCommand(request);
            var phoneIndex = person.Contacts.FindIndex(c => c.Kind == ContactChannelKind.Phone);
            foreach (var error in new PersonForm.Validator(today).Validate(person).ToFieldErrors())
            {
                var field = error.Field switch
                {
                    nameof(PersonForm.Command.GivenNames) or nameof(PersonForm.Command.FamilyName) or nameof(PersonForm.Command.NativeName)
                        or nameof(PersonForm.Command.DateOfBirth) => error.Field,
                    _ when error.Field.StartsWith("Contacts[", StringComparison.Ordinal) =>
                        error.Field.StartsWith($"Contacts[{phoneIndex}]", StringComparison.Ordinal) ? nameof(HelpRequest.Phone) : nameof(HelpRequest.Email),
                    _ => "",
                };
                errors.Add(error with { Field = field });
            }
            if (person.Contacts.Count == 0) errors.Add(new FieldError(nameof(HelpRequest.Phone), T("Give a phone number or an email, so the NGO can reach you.")));
            if (Clean(request.Employer) is not null || request.ServiceStart is not null)
            {
                foreach (var error in new ServiceRecord.Validator(today).Validate(ServiceCommand(request)).ToFieldErrors())
                {
                    errors.Add(error with
                    {
                        Field = error.Field switch
                        {
                            nameof(ServiceRecord.Command.Employer) => nameof(HelpRequest.Employer),
                            nameof(ServiceRecord.Command.StartDate) => nameof(HelpRequest.ServiceStart),
                            nameof(ServiceRecord.Command.EndDate) => nameof(HelpRequest.ServiceEnd),
                            _ => "",
                        },
                    });
                }
            }
            if (Clean(request.Message) is { Length: > PortalCorrections.MaxMessageLength })
            {
                errors.Add(new FieldError(nameof(HelpRequest.Message), T("Use at most {0} characters.", PortalCorrections.MaxMessageLength)));
            }
            return errors;
        }

        private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        private static PersonForm.Command PersonCommand(HelpRequest request) => new()
        {
            GivenNames = request.GivenNames?.Trim() ?? "", FamilyName = Clean(request.FamilyName), NativeName = Clean(request.NativeName),
            DateOfBirth = Clean(request.DateOfBirth), Relationship = Relationship.Principal,
            Contacts = new[] { (ContactChannelKind.Phone, Clean(request.Phone)), (ContactChannelKind.Email, Clean(request.Email)) }
                .Where(c => c.Item2 is not null).Select(c => new PersonForm.ContactRow { Kind = c.Item1, Value = c.Item2 }).ToList(),
        };

        private static ServiceRecord.Command ServiceCommand(HelpRequest request) => new()
        {
            EmployerType = request.EmployerType ?? EmployerType.UsMilitary, Employer = Clean(request.Employer) ?? "", StartDate = request.ServiceStart,
            EndDate = request.ServiceEnd, Role = ServiceRole.Other,
        };

        public static HelpRequest RequestOf(IntakeSubmission s) => new()
        {
            GivenNames = s.GivenNames, FamilyName = s.FamilyName, NativeName = s.NativeName, DateOfBirth = s.DateOfBirth, Phone = s.Phone, Email = s.Email,
            Program = s.Program, EmployerType = s.EmployerType, Employer = s.Employer, ServiceStart = s.ServiceStart, ServiceEnd = s.ServiceEnd, Message = s.Message,
        };

        /// <summary>The registered people this request may be, by the registration's own rule.</summary>
        public Task<IReadOnlyList<PersonForm.Duplicate>> CandidatesAsync(IntakeSubmission submission, CancellationToken ct) =>
            PersonForm.FindDuplicatesAsync(db, PersonCommand(RequestOf(submission)), null, ct);

        /// <summary>Registers the request as a new principal applicant, with its service record and files, as a caseworker would have typed it.</summary>
        public async Task<Result> RegisterAsync(Guid submissionId, Guid? userId, CancellationToken ct)
        {
            var submission = await db.IntakeSubmissions.FirstOrDefaultAsync(s => s.Id == submissionId && s.Status == IntakeStatus.Pending, ct);
            if (submission is null) return new Result(Outcome.NotFound, []);
            var request = RequestOf(submission);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The caseworker decides with the candidates in front of them: registering is their word that it is someone new.
            var created = await create.HandleAsync(PersonCommand(request) with { ConfirmedNotDuplicate = true }, null, userId, ct);
            if (created.PersonId is not { } personId) return new Result(Outcome.Refused, created.Errors);
            if (submission.Employer is not null)
            {
                var record = await service.AddAsync(personId, ServiceCommand(request), userId, ct);
                if (record.Outcome != ServiceRecord.Outcome.Done) return new Result(Outcome.Refused, record.Errors);
            }
            await DecideAsync(submission, IntakeStatus.Registered, personId, null, userId, ct);
            await transaction.CommitAsync(ct);
            return new Result(Outcome.Done, [], personId);
        }

        /// <summary>
        /// Attaches the request to a person already registered: its files go to them, and a phone or email they did not
        /// have is added through the person's own edit.
        /// </summary>
        public async Task<Result> AttachAsync(Guid submissionId, Guid personId, Guid? userId, CancellationToken ct)
        {
            var submission = await db.IntakeSubmissions.FirstOrDefaultAsync(s => s.Id == submissionId && s.Status == IntakeStatus.Pending, ct);
            var person = await db.Persons.AsNoTracking().Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
                .FirstOrDefaultAsync(p => p.Id == personId && p.MergedIntoId == null, ct);
            if (submission is null || person is null) return new Result(Outcome.NotFound, []);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var known = person.ContactChannels.Select(c => c.Lookup).ToHashSet();
            var command = PersonForm.From(person);
            var added = PersonCommand(RequestOf(submission)).Contacts
                .Where(c => !known.Contains(Identifiers.ContactLookup(person.OrganisationId, c.Kind, c.Value!))).ToList();
            if (added.Count > 0)
            {
                db.ChangeTracker.Clear();
                var edited = await edit.HandleAsync(person.Id, command with { Contacts = [.. command.Contacts, .. added], ConfirmedNotDuplicate = true }, userId, ct);
                if (edited.Outcome != Edit.Outcome.Done) return new Result(Outcome.Refused, edited.Errors.Count > 0 ? edited.Errors
                    : [new FieldError("", T("Someone changed this person a moment ago. Look again and decide."))]);
                submission = await db.IntakeSubmissions.FirstAsync(s => s.Id == submissionId, ct);
            }
            await DecideAsync(submission, IntakeStatus.Attached, person.Id, null, userId, ct);
            await transaction.CommitAsync(ct);
            return new Result(Outcome.Done, [], person.Id);
        }

        /// <summary>Rejects the request; its files are deleted, restorable for the usual days and then destroyed.</summary>
        public async Task<Result> RejectAsync(Guid submissionId, string? reason, Guid? userId, CancellationToken ct)
        {
            reason = Clean(reason);
            if (reason is null) return new Result(Outcome.Refused, [new FieldError("Reason", T("Say why, for the record."))]);
            if (reason.Length > 500) return new Result(Outcome.Refused, [new FieldError("Reason", T("Keep the reason under 500 characters."))]);
            var submission = await db.IntakeSubmissions.FirstOrDefaultAsync(s => s.Id == submissionId && s.Status == IntakeStatus.Pending, ct);
            if (submission is null) return new Result(Outcome.NotFound, []);
            await DecideAsync(submission, IntakeStatus.Rejected, null, reason, userId, ct);
            return new Result(Outcome.Done, []);
        }

        private async Task DecideAsync(IntakeSubmission submission, IntakeStatus status, Guid? personId, string? reason, Guid? userId, CancellationToken ct)
        {
            var now = time.GetUtcNow();
            (submission.Status, submission.PersonId, submission.Reason, submission.DecidedAt, submission.DecidedById) = (status, personId, reason, now, userId);
            var files = db.StoredFiles.Where(f => f.IntakeSubmissionId == submission.Id && f.DeletedAt == null);
            await (personId is { } person
                ? files.ExecuteUpdateAsync(s => s.SetProperty(f => f.PersonId, person), ct)
                : files.ExecuteUpdateAsync(s => s.SetProperty(f => f.DeletedAt, now).SetProperty(f => f.DeletedById, userId), ct));
            audit.Record(status switch
            {
                IntakeStatus.Registered => AuditActions.IntakeRegistered,
                IntakeStatus.Attached => AuditActions.IntakeAttached,
                _ => AuditActions.IntakeRejected,
            }, "intake", submission.Id, personId is null ? null : $"person {personId}");
            await db.SaveChangesAsync(ct);
        }
    }

    public sealed record Row(IntakeSubmission Submission, IReadOnlyList<PersonForm.Duplicate> Candidates, IReadOnlyList<(Guid Id, string Name)> Files);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    [Audited(AuditActions.IntakeListViewed)]
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    [Audited(AuditActions.IntakeRegistered)]
    public Task<IActionResult> OnPostRegisterAsync(Guid id, CancellationToken ct) =>
        DecidedAsync(handler.RegisterAsync(id, User.UserId(), ct), id, T("Registered as a new person."), ct);

    [Audited(AuditActions.IntakeAttached)]
    public Task<IActionResult> OnPostAttachAsync(Guid id, Guid personId, CancellationToken ct) =>
        DecidedAsync(handler.AttachAsync(id, personId, User.UserId(), ct), id, T("Attached to the person already registered."), ct);

    [Audited(AuditActions.IntakeRejected)]
    public Task<IActionResult> OnPostRejectAsync(Guid id, string? reason, CancellationToken ct) =>
        DecidedAsync(handler.RejectAsync(id, reason, User.UserId(), ct), id, T("Request rejected."), ct);

    private async Task<IActionResult> DecidedAsync(Task<Result> deciding, Guid id, string done, CancellationToken ct)
    {
        var result = await deciding;
        switch (result.Outcome)
        {
            case Outcome.NotFound:
                TempData["Flash"] = T("This request was decided a moment ago, or is no longer there.");
                return RedirectToPage();
            case Outcome.Refused:
                foreach (var error in result.Errors) ModelState.AddModelError(error.Field == "Reason" ? $"reason-{id}" : "", error.Message);
                await LoadAsync(ct);
                return Page();
        }
        TempData["Flash"] = done;
        return result.PersonId is { } personId ? RedirectToPage("./Details", new { id = personId }) : RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var pending = await db.IntakeSubmissions.AsNoTracking().Where(s => s.Status == IntakeStatus.Pending).OrderBy(s => s.SubmittedAt).Take(50).ToListAsync(ct);
        var ids = pending.Select(s => s.Id).ToList();
        var files = await db.StoredFiles.AsNoTracking().Where(f => f.IntakeSubmissionId != null && ids.Contains(f.IntakeSubmissionId.Value) && f.DeletedAt == null)
            .Select(f => new { f.Id, f.IntakeSubmissionId, f.FileName }).ToListAsync(ct);
        var rows = new List<Row>();
        foreach (var submission in pending)
        {
            rows.Add(new Row(submission, await handler.CandidatesAsync(submission, ct),
                files.Where(f => f.IntakeSubmissionId == submission.Id).Select(f => (f.Id, f.FileName)).ToList()));
        }
        Rows = rows;
        await audit.RecordNowAsync(AuditActions.IntakeListViewed, null, (Guid?)null, $"requests={Rows.Count}", ct: ct);
    }
}
