using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;
using ChangeStage = SivTracker.Web.Pages.Cases.ChangeStage;
using CaseDetails = SivTracker.Web.Pages.Cases.Details;
using CreatePerson = SivTracker.Web.Pages.Applicants.Create;
using Documents = SivTracker.Web.Pages.Cases.Documents;
using OpenCase = SivTracker.Web.Pages.Cases.Open;
using PersonForm = SivTracker.Web.Pages.Applicants.PersonForm;
using ServiceRecordPage = SivTracker.Web.Pages.Applicants.ServiceRecord;

namespace SivTracker.Web.Pages.Referrals;

/// <summary>
/// Referrals in and out of the organisation: the one path a case takes across the organisation boundary, and only
/// with the applicant's consent for the receiver on record.
/// </summary>
public class Index(AppDbContext db, Index.Handler handler, Audit audit) : PageModel
{
    public sealed record SendCommand
    {
        public Guid ToOrganisationId { get; init; }
        public ReferralMode Mode { get; init; }
        public bool IncludeNotes { get; init; }
        public bool Linked { get; init; }
        public string? Message { get; init; }

        /// <summary>The stored files chosen to go too: the case's, or the family's scans and photos.</summary>
        public List<Guid> FileIds { get; init; } = [];
    }

    /// <summary>What goes across: the person form, family, service records, stage history, checklist and chosen notes.</summary>
    public sealed record Packet(PersonForm.Command Principal, List<Member> Family, List<ServiceRecordPage.Command> Service, CasePacket Case, List<string> Notes,
        List<FilePacket> Files);

    /// <summary>A chosen file: where it sat (a checklist item of a kind, for a person, or a person's own file), read from the sender's store on acceptance.</summary>
    public sealed record FilePacket(Guid SentFileId, DocumentKind? ItemKind, Guid? SentPersonId, PersonFileKind? PersonKind);

    public sealed record Member(Guid SentId, PersonForm.Command Person);

    public sealed record CasePacket(SivProgram Program, StepModel StepModel, CasePriority Priority, List<EventPacket> Events, List<ItemPacket> Checklist);

    public sealed record EventPacket(string? From, string To, DateOnly EffectiveOn, string? Note, string? Reason);

    public sealed record ItemPacket(DocumentKind Kind, Guid? SentPersonId, DocumentStatus Status, DateOnly? StatusOn, string? Statement);

    public enum Outcome { Done, NotFound, Refused, Duplicates }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors, IReadOnlyList<PersonForm.Duplicate>? Duplicates = null, Guid? Id = null);

    /// <summary>Sending, accepting, declining and cancelling referrals, for the pages and tests alike.</summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, Audit audit, CreatePerson.Handler create,
        ServiceRecordPage.Handler service, OpenCase.Handler open, ChangeStage.Handler stages, Documents.Handler documents, CaseDetails.Handler notes,
        SealedFiles sealedFiles)
    {
        public const int MaxMessageLength = 2000;

        /// <summary>The organisations a case may go to: listed in the directory, taking referrals, not this one.</summary>
        public IQueryable<Organisation> Receivers(Guid self) => db.Organisations.AsNoTracking().Where(o => o.ListedInDirectory && o.AcceptsReferrals && o.Id != self);

        public async Task<Result> SendAsync(Guid caseId, SendCommand command, Guid? userId, CancellationToken ct)
        {
            var from = db.OrganisationId ?? throw new InvalidOperationException("A referral needs an organisation.");
            var @case = await db.Cases.AsNoTracking().Include(c => c.StageEvents).Include(c => c.Documents).FirstOrDefaultAsync(c => c.Id == caseId, ct);
            if (@case is null) return new Result(Outcome.NotFound, []);
            var to = await Receivers(from).FirstOrDefaultAsync(o => o.Id == command.ToOrganisationId, ct);
            if (to is null) return Refused(nameof(SendCommand.ToOrganisationId), T("Choose an organisation from the directory that takes referrals."));
            if (TextProblem(nameof(SendCommand.Message), command.Message) is { } badMessage) return new Result(Outcome.Refused, [badMessage]);
            if (command.Linked && command.Mode == ReferralMode.Transfer)
            {
                return Refused(nameof(SendCommand.Mode), T("A transfer closes this case, so there is nothing to keep linked. Choose a referral to keep it linked."));
            }
            var today = await calendar.TodayAsync(ct);
            var consent = (await db.Consents.AsNoTracking().Where(c => c.PersonId == @case.PrincipalId).ToListAsync(ct)).FirstOrDefault(c => c.CoversSharingWith(to.Id, today));
            if (consent is null)
            {
                return Refused(nameof(SendCommand.ToOrganisationId),
                    T("No consent on record lets this case go to {0}. Record the applicant's consent on their page first.", to.Name));
            }
            if (await db.Referrals.AnyAsync(r => r.CaseId == caseId && r.ToOrganisationId == to.Id && r.Status == ReferralStatus.Pending, ct))
            {
                return Refused(nameof(SendCommand.ToOrganisationId), T("This case is already waiting for {0} to decide.", to.Name));
            }

            var people = await db.Persons.AsNoTracking().Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
                .Where(p => (p.Id == @case.PrincipalId || p.PrincipalId == @case.PrincipalId) && p.MergedIntoId == null).ToListAsync(ct);
            var principal = people.Single(p => p.Id == @case.PrincipalId);
            var records = await db.ServiceRecords.AsNoTracking().Where(r => r.PersonId == principal.Id).OrderBy(r => r.StartDate).ToListAsync(ct);
            var familyIds = people.Select(p => p.Id).ToList();
            var chosen = await db.StoredFiles.AsNoTracking()
                .Where(f => command.FileIds.Contains(f.Id) && f.DeletedAt == null && f.ReplacedById == null
                    && (f.CaseId == caseId || f.CaseId == null && f.PersonId != null && familyIds.Contains(f.PersonId.Value)))
                .Select(f => new { f.Id, Kind = db.DocumentItems.Where(d => d.Id == f.DocumentItemId).Select(d => (DocumentKind?)d.Kind).FirstOrDefault(), f.PersonId, f.PersonKind })
                .ToListAsync(ct);
            if (chosen.Count != command.FileIds.Distinct().Count())
            {
                return Refused(nameof(SendCommand.FileIds), T("Choose files of this case or of the applicant's family."));
            }
            var caseNotes = command.IncludeNotes
                ? await db.CaseNotes.AsNoTracking().Where(n => n.CaseId == caseId).OrderBy(n => n.CreatedAt).Select(n => n.Body).ToListAsync(ct)
                : [];
            var packet = new Packet(
                PersonForm.From(principal),
                people.Where(p => p.Id != principal.Id).Select(p => new Member(p.Id, PersonForm.From(p))).ToList(),
                records.Select(r => new ServiceRecordPage.Command
                {
                    EmployerType = r.EmployerType, Employer = r.Employer, PrimeContractNumber = r.PrimeContractNumber, SubcontractNumber = r.SubcontractNumber,
                    Role = r.Role, StartDate = r.StartDate, EndDate = r.EndDate, Location = r.Location, SupervisorName = r.SupervisorName,
                    SupervisorEmail = r.SupervisorEmail, SupervisorEmailVerified = r.SupervisorEmailVerified, SupervisorIsUsCitizen = r.SupervisorIsUsCitizen,
                    HrLetterObtained = r.HrLetterObtained, RecommendationLetterObtained = r.RecommendationLetterObtained,
                }).ToList(),
                new CasePacket(@case.Program, @case.StepModel, @case.Priority,
                    @case.LiveHistory(await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct))
                        .Select(e => new EventPacket(e.FromStageCode, e.ToStageCode, e.EffectiveOn, e.Note, e.Reason)).ToList(),
                    @case.Documents.Select(d => new ItemPacket(d.Kind, d.PersonId, d.Status, d.StatusOn, d.UnavailabilityStatement)).ToList()),
                caseNotes,
                chosen.Select(f => new FilePacket(f.Id, f.Kind, f.PersonId, f.PersonKind)).ToList());
            var referral = new Referral
            {
                FromOrganisationId = from, ToOrganisationId = to.Id, CaseId = caseId, PersonId = principal.Id, ConsentId = consent.Id, Mode = command.Mode, Linked = command.Linked,
                Program = @case.Program, StageCode = @case.CurrentStageCode, FamilySize = people.Count, ServiceRecords = records.Count, Notes = caseNotes.Count, Files = chosen.Count,
                Message = string.IsNullOrWhiteSpace(command.Message) ? null : command.Message.Trim(), Packet = JsonSerializer.Serialize(packet),
                SentAt = time.GetUtcNow(), SentById = userId,
            };
            db.Referrals.Add(referral);
            db.CaseNotes.Add(new CaseNote
            {
                OrganisationId = from, CaseId = caseId,
                Body = command.Mode == ReferralMode.Transfer ? $"Transfer to {to.Name} sent; waiting for them to accept." : $"Referred to {to.Name}; waiting for them to accept.",
            });
            // On both sides: the sender's log says what went where under which consent; the receiver's that it came.
            audit.Record(AuditActions.ReferralSent, "referral", referral.Id, $"case={caseId}, to={to.Id}, mode={command.Mode}, consent={consent.Id}", from, userId);
            audit.Record(AuditActions.ReferralSent, "referral", referral.Id, $"from={from}, mode={command.Mode}", to.Id, userId);
            await db.SaveChangesAsync(ct);
            return new Result(Outcome.Done, [], Id: referral.Id);
        }

        /// <summary>
        /// Makes the packet the receiver's own records: the person (or the person the receiver already knows), the family,
        /// service records, a case opened by the rule with the history replayed through the stage rules, the checklist and
        /// notes, in one transaction. A transfer closes the sender's case. The consent is checked again: a withdrawn one stops it here.
        /// </summary>
        public async Task<Result> AcceptAsync(Guid referralId, Guid? attachTo, bool confirmedNotDuplicate, Guid? userId, CancellationToken ct)
        {
            var receiver = db.OrganisationId ?? throw new InvalidOperationException("Accepting a referral needs an organisation.");
            var referral = await db.Referrals.FirstOrDefaultAsync(r => r.Id == referralId && r.ToOrganisationId == receiver && r.Status == ReferralStatus.Pending, ct);
            if (referral?.Packet is null) return new Result(Outcome.NotFound, []);
            var today = await calendar.TodayAsync(ct);
            if (!await ConsentHoldsAsync(referral, today, ct))
            {
                return Refused("", T("The applicant's consent to this sharing was withdrawn or has ended. Nothing was taken over."));
            }
            var packet = JsonSerializer.Deserialize<Packet>(referral.Packet)!;
            if (attachTo is { } existing && !await db.Persons.AnyAsync(p => p.Id == existing && p.Relationship == Relationship.Principal && p.MergedIntoId == null, ct))
            {
                return Refused("", T("Choose one of your organisation's applicants to attach to."));
            }
            if (attachTo is null && !confirmedNotDuplicate && await PersonForm.FindDuplicatesAsync(db, packet.Principal, null, ct) is { Count: > 0 } duplicates)
            {
                return new Result(Outcome.Duplicates, [], duplicates);
            }
            var sender = await db.Organisations.AsNoTracking().Where(o => o.Id == referral.FromOrganisationId).Select(o => o.Name).FirstAsync(ct);

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var principalId = attachTo;
            var ids = new Dictionary<Guid, Guid>();
            if (principalId is null)
            {
                var made = await create.HandleAsync(packet.Principal with { ConfirmedNotDuplicate = true }, null, userId, ct);
                if (made.PersonId is null) return await UndoAsync(made.Errors);
                principalId = made.PersonId;
                // A person the receiver already knows keeps the family the receiver recorded.
                foreach (var member in packet.Family)
                {
                    var added = await create.HandleAsync(member.Person with { ConfirmedNotDuplicate = true }, principalId, userId, ct);
                    if (added.PersonId is null) return await UndoAsync(added.Errors);
                    ids[member.SentId] = added.PersonId.Value;
                }
            }
            ids[referral.PersonId] = principalId.Value;
            foreach (var record in packet.Service)
            {
                var added = await service.AddAsync(principalId.Value, record, userId, ct);
                if (added.Outcome != ServiceRecordPage.Outcome.Done) return await UndoAsync(added.Errors);
            }

            // The case opens by the rule on the day the package went in, then takes the sender's later steps through the stage rules.
            var clockStart = StageCatalog.ClockStartStage(packet.Case.StepModel);
            var submitted = packet.Case.Events.FirstOrDefault(e => e.To == clockStart);
            var opened = await open.HandleAsync(principalId.Value, new OpenCase.Command
            {
                Program = packet.Case.Program, ComSubmittedOn = submitted?.EffectiveOn, Priority = packet.Case.Priority,
                StepModelOverride = packet.Case.StepModel == StageCatalog.DefaultStepModel(packet.Case.Program, submitted?.EffectiveOn) ? null : packet.Case.StepModel,
                OverrideReason = $"As the case came from {sender}.",
            }, userId, ct);
            if (opened.CaseId is not { } caseId) return await UndoAsync(opened.Errors);
            // Opening already made the first event (and the submission); the rest follow in the domain's order.
            var replay = (submitted is null ? packet.Case.Events : packet.Case.Events.SkipWhile(e => e != submitted).Skip(1)).Where(e => e.From is not null);
            foreach (var step in replay)
            {
                var version = await db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => c.Version).FirstAsync(ct);
                var recorded = await stages.RecordAsync(caseId, new ChangeStage.Command
                {
                    To = step.To, EffectiveOn = step.EffectiveOn, Note = step.Note, Reason = step.Reason, IdempotencyKey = Guid.NewGuid(), Version = version,
                }, userId, ct);
                if (recorded.Outcome != ChangeStage.Outcome.Done) return await UndoAsync(recorded.Errors);
            }
            var items = await db.DocumentItems.AsNoTracking().Where(d => d.CaseId == caseId).ToListAsync(ct);
            foreach (var sent in packet.Case.Checklist.Where(i => i.Status != DocumentStatus.Missing))
            {
                Guid? personId = sent.SentPersonId is { } p ? ids.GetValueOrDefault(p) : null;
                if (items.FirstOrDefault(i => i.Kind == sent.Kind && i.PersonId == personId) is not { } item) continue;
                var changed = await documents.HandleAsync(caseId, new Documents.Command
                {
                    ItemId = item.Id, Status = sent.Status, StatusOn = sent.StatusOn, Statement = sent.Statement, Version = item.Version,
                }, userId, ct);
                if (changed.Outcome != Documents.Outcome.Done) return await UndoAsync(changed.Errors);
            }
            foreach (var sent in packet.Files)
            {
                // Read from the sender's store and sealed again under a key of the receiver's new file: the two never share one.
                using var content = new MemoryStream();
                var source = await OnSendersSideAsync(referral, () => db.StoredFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Id == sent.SentFileId && f.DeletedAt == null, ct));
                if (source is null) continue;
                await OnSendersSideAsync(referral, () => sealedFiles.CopyToAsync(source, content, ct));
                content.Position = 0;
                Guid? personId = sent.SentPersonId is { } p && ids.TryGetValue(p, out var mapped) ? mapped : null;
                var item = sent.ItemKind is { } kind ? items.FirstOrDefault(i => i.Kind == kind && i.PersonId == personId) : null;
                // A file whose place has no match here (a family member the receiver did not take) stays behind.
                if (item is null && personId is null) continue;
                try
                {
                    await sealedFiles.WriteAsync(new StoredFile
                    {
                        OrganisationId = receiver, CaseId = item is null ? null : caseId, DocumentItemId = item?.Id, PersonId = personId,
                        PersonKind = item is null ? sent.PersonKind ?? PersonFileKind.Other : null, FileName = source.FileName, ContentType = "", DataKey = "",
                    }, content, ct);
                }
                catch (SealedFiles.Refused refused)
                {
                    return await UndoAsync([new FieldError("", refused.Message)]);
                }
            }
            foreach (var note in packet.Notes.Prepend(referral.Message is null
                         ? $"Received from {sender} ({referral.Mode})."
                         : $"Received from {sender} ({referral.Mode}). Their message: {referral.Message}"))
            {
                var added = await notes.AddNoteAsync(caseId, new CaseDetails.NoteCommand { Body = note }, userId, ct);
                if (added.Outcome != CaseDetails.Outcome.Done) return await UndoAsync(added.Errors);
            }

            referral.Status = ReferralStatus.Accepted;
            referral.DecidedAt = time.GetUtcNow();
            referral.DecidedById = userId;
            referral.ReceivedCaseId = caseId;
            referral.ReceivedPersonId = principalId;
            referral.Packet = null;
            var receiverName = await db.Organisations.AsNoTracking().Where(o => o.Id == receiver).Select(o => o.Name).FirstAsync(ct);
            audit.Record(AuditActions.ReferralAccepted, "referral", referral.Id, $"case={caseId}{(attachTo is null ? "" : ", attached to an existing person")}", receiver, userId);
            audit.Record(AuditActions.ReferralAccepted, "referral", referral.Id, $"case={referral.CaseId}", referral.FromOrganisationId, userId);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return await UndoAsync([new FieldError("", T("This referral was decided or withdrawn a moment ago. Nothing was taken over."))]);
            }
            await OnSendersSideAsync(referral, async () =>
            {
                if (referral.Mode == ReferralMode.Transfer)
                {
                    var version = await db.Cases.AsNoTracking().Where(c => c.Id == referral.CaseId).Select(c => c.Version).FirstAsync(ct);
                    // A case closed already stays as it is; the note below still tells the story.
                    await stages.RecordAsync(referral.CaseId, new ChangeStage.Command
                    {
                        To = StageCatalog.Closed, EffectiveOn = today, Reason = $"Transferred to {receiverName}.", IdempotencyKey = Guid.NewGuid(), Version = version,
                    }, userId, ct);
                }
                db.CaseNotes.Add(new CaseNote
                {
                    OrganisationId = referral.FromOrganisationId, CaseId = referral.CaseId,
                    Body = referral.Mode == ReferralMode.Transfer ? $"Transfer accepted by {receiverName}; this case is closed as transferred." : $"Referral accepted by {receiverName}.",
                });
                await db.SaveChangesAsync(ct);
            });
            await transaction.CommitAsync(ct);
            return new Result(Outcome.Done, [], Id: caseId);

            async Task<Result> UndoAsync(IReadOnlyList<FieldError> errors)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return new Result(Outcome.Refused, errors.Count > 0 ? errors : [new FieldError("", T("The case could not be taken over as sent. Nothing was saved."))]);
            }
        }

        public async Task<Result> DeclineAsync(Guid referralId, string? reason, Guid? userId, CancellationToken ct)
        {
            var receiver = db.OrganisationId ?? throw new InvalidOperationException("Declining a referral needs an organisation.");
            var referral = await db.Referrals.FirstOrDefaultAsync(r => r.Id == referralId && r.ToOrganisationId == receiver && r.Status == ReferralStatus.Pending, ct);
            if (referral is null) return new Result(Outcome.NotFound, []);
            if (string.IsNullOrWhiteSpace(reason)) return Refused("Reason", T("Say why: the sender reads it."));
            if (TextProblem("Reason", reason) is { } badReason) return new Result(Outcome.Refused, [badReason]);
            referral.Status = ReferralStatus.Declined;
            referral.DeclineReason = reason.Trim();
            referral.DecidedAt = time.GetUtcNow();
            referral.DecidedById = userId;
            // Nothing of the case stays with an organisation that said no.
            referral.Packet = null;
            referral.Message = null;
            var receiverName = await db.Organisations.AsNoTracking().Where(o => o.Id == receiver).Select(o => o.Name).FirstAsync(ct);
            audit.Record(AuditActions.ReferralDeclined, "referral", referral.Id, null, receiver, userId);
            audit.Record(AuditActions.ReferralDeclined, "referral", referral.Id, null, referral.FromOrganisationId, userId);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await OnSendersSideAsync(referral, async () =>
            {
                db.CaseNotes.Add(new CaseNote { OrganisationId = referral.FromOrganisationId, CaseId = referral.CaseId, Body = $"Referral declined by {receiverName}: {referral.DeclineReason}" });
                await db.SaveChangesAsync(ct);
            });
            await transaction.CommitAsync(ct);
            return new Result(Outcome.Done, []);
        }

        /// <summary>The sender takes back a referral not yet decided.</summary>
        public async Task<Result> CancelAsync(Guid referralId, Guid? userId, CancellationToken ct)
        {
            var sender = db.OrganisationId ?? throw new InvalidOperationException("Cancelling a referral needs an organisation.");
            var referral = await db.Referrals.FirstOrDefaultAsync(r => r.Id == referralId && r.FromOrganisationId == sender && r.Status == ReferralStatus.Pending, ct);
            if (referral is null) return new Result(Outcome.NotFound, []);
            Cancel(referral);
            audit.Record(AuditActions.ReferralCancelled, "referral", referral.Id, null, sender, userId);
            audit.Record(AuditActions.ReferralCancelled, "referral", referral.Id, null, referral.ToOrganisationId, userId);
            await db.SaveChangesAsync(ct);
            return new Result(Outcome.Done, []);
        }

        /// <summary>A referral that may no longer go ahead: its packet is dropped at once.</summary>
        public void Cancel(Referral referral)
        {
            referral.Status = ReferralStatus.Cancelled;
            referral.Packet = null;
            referral.Message = null;
            referral.DecidedAt = time.GetUtcNow();
        }

        /// <summary>Whether the consent a referral was sent under still covers the receiver today.</summary>
        public async Task<bool> ConsentHoldsAsync(Referral referral, DateOnly today, CancellationToken ct) =>
            await db.Consents.IgnoreQueryFilters().AsNoTracking().Where(c => c.Id == referral.ConsentId && c.OrganisationId == referral.FromOrganisationId)
                .FirstOrDefaultAsync(ct) is { } consent && consent.CoversSharingWith(referral.ToOrganisationId, today);

        /// <summary>Runs work on the sender's records (its case, its notes, its files), in the same transaction, then returns to the receiver's.</summary>
        private async Task<T> OnSendersSideAsync<T>(Referral referral, Func<Task<T>> work)
        {
            var receiver = db.OrganisationId;
            db.OrganisationId = referral.FromOrganisationId;
            try
            {
                return await work();
            }
            finally
            {
                db.OrganisationId = receiver;
            }
        }

        private Task OnSendersSideAsync(Referral referral, Func<Task> work) => OnSendersSideAsync(referral, async () =>
        {
            await work();
            return true;
        });

        private static Result Refused(string field, string message) => new(Outcome.Refused, [new FieldError(field, message)]);

        private static FieldError? TextProblem(string field, string? text) =>
            new FluentValidation.InlineValidator<string?> { v => v.RuleFor(x => x).PlainText(MaxMessageLength, multiline: true) }.Validate(text) is { IsValid: false } invalid
                ? new FieldError(field, invalid.Errors[0].ErrorMessage)
                : null;
    }

    public sealed record Row(Guid Id, string Organisation, ReferralMode Mode, ReferralStatus Status, SivProgram Program, string StageCode, int FamilySize,
        int ServiceRecords, int Notes, int Files, string? Message, DateTimeOffset SentAt, string? DeclineReason, Guid? ReceivedCaseId, Guid CaseId, DateTimeOffset? ConsentWithdrawnAt);

    public IReadOnlyList<Row> Incoming { get; private set; } = [];
    public IReadOnlyList<Row> Outgoing { get; private set; } = [];
    public Guid? Deciding { get; private set; }
    public IReadOnlyList<PersonForm.Duplicate> Duplicates { get; private set; } = [];

    [Audited(AuditActions.ReferralsViewed)]
    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        await audit.RecordNowAsync(AuditActions.ReferralsViewed, details: $"incoming={Incoming.Count}, outgoing={Outgoing.Count}", ct: ct);
    }

    [Audited(AuditActions.ReferralAccepted)]
    public async Task<IActionResult> OnPostAcceptAsync(Guid id, Guid? attachTo, bool confirmedNotDuplicate, CancellationToken ct)
    {
        var result = await handler.AcceptAsync(id, attachTo, confirmedNotDuplicate, User.UserId(), ct);
        switch (result.Outcome)
        {
            case Outcome.NotFound:
                return NotFound();
            case Outcome.Done:
                TempData["Flash"] = T("Accepted: the case is now one of yours.");
                return RedirectToPage("/Cases/Details", new { id = result.Id });
            case Outcome.Duplicates:
                Deciding = id;
                Duplicates = result.Duplicates!;
                break;
            default:
                foreach (var error in result.Errors) ModelState.AddModelError(error.Field, error.Message);
                break;
        }
        await LoadAsync(ct);
        return Page();
    }

    [Audited(AuditActions.ReferralDeclined)]
    public async Task<IActionResult> OnPostDeclineAsync(Guid id, string? reason, CancellationToken ct)
    {
        var result = await handler.DeclineAsync(id, reason, User.UserId(), ct);
        if (result.Outcome == Outcome.NotFound) return NotFound();
        if (result.Outcome == Outcome.Refused)
        {
            foreach (var error in result.Errors) ModelState.AddModelError($"{error.Field}-{id}", error.Message);
            await LoadAsync(ct);
            return Page();
        }
        TempData["Flash"] = T("Declined: the sender sees your reason, and nothing of the case stays here.");
        return RedirectToPage();
    }

    [Audited(AuditActions.ReferralCancelled)]
    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct)
    {
        if ((await handler.CancelAsync(id, User.UserId(), ct)).Outcome == Outcome.NotFound) return NotFound();
        TempData["Flash"] = T("Referral cancelled: nothing of it stays with the receiver.");
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var self = User.OrganisationId();
        var rows = await db.Referrals.AsNoTracking().Where(r => r.FromOrganisationId == self || r.ToOrganisationId == self).OrderByDescending(r => r.SentAt).Take(200)
            .Select(r => new
            {
                r.Id, Incoming = r.ToOrganisationId == self,
                Organisation = db.Organisations.Where(o => o.Id == (r.ToOrganisationId == self ? r.FromOrganisationId : r.ToOrganisationId)).Select(o => o.Name).First(),
                r.Mode, r.Status, r.Program, r.StageCode, r.FamilySize, r.ServiceRecords, r.Notes, r.Files, r.Message, r.SentAt, r.DeclineReason, r.ReceivedCaseId, r.CaseId,
                // The receiver of a case is told when the applicant takes their consent back.
                Withdrawn = db.Consents.IgnoreQueryFilters().Where(c => c.Id == r.ConsentId).Select(c => c.WithdrawnAt).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var all = rows.Select(r => (r.Incoming, Row: new Row(r.Id, r.Organisation, r.Mode, r.Status, r.Program, r.StageCode, r.FamilySize, r.ServiceRecords, r.Notes, r.Files,
            r.Message, r.SentAt, r.DeclineReason, r.ReceivedCaseId, r.CaseId, r.Withdrawn))).ToList();
        Incoming = all.Where(r => r.Incoming).Select(r => r.Row).ToList();
        Outgoing = all.Where(r => !r.Incoming).Select(r => r.Row).ToList();
    }
}
