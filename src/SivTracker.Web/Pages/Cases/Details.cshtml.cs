using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Cases;

public class Details(AppDbContext db, OrganisationCalendar calendar, ClockSettings settings, TimeProvider time, Details.Handler handler, Audit audit, IMemoryCache cache,
    ILogger<Details> logger) : PageModel
{
    public static readonly TimeSpan NoteEditWindow = TimeSpan.FromMinutes(15);

    public sealed record Header(Guid Id, string Reference, SivProgram Program, StepModel StepModel, string? StepModelOverrideReason, string StageCode,
        string StageName, DateOnly? StageEnteredOn, Guid PrincipalId, string PrincipalName, string? PrincipalNative, string? Caseworker,
        CasePriority Priority, bool HighRisk, string? HighRiskReason, DateOnly? AnonymisedOn, uint Version, Guid? ReferralConsentId);

    public sealed record TimelineEntry(DateTimeOffset At, DateOnly? EffectiveOn, string Kind, string Text, string? By, bool Voided, string? Extra, Guid? EventId, Guid? NoteId, bool Editable)
    {
        /// <summary>The position of a stage event in the case's history: same-day events recorded together keep their order.</summary>
        public int HistoryPosition { get; init; }

        /// <summary>For a portal message: whose thread it is in, to open and answer it.</summary>
        public Guid? MessagePersonId { get; init; }

        /// <summary>The day it happened: a stage change's effective date (often long before it was recorded), otherwise when it was done.</summary>
        public DateOnly Day => EffectiveOn ?? DateOnly.FromDateTime(At.UtcDateTime);
    }

    public sealed record NumberRow(CaseNumberKind Kind, string Number, DateOnly? AssignedOn, bool IsCurrent);

    public sealed record FamilyRow(Guid Id, Relationship Relationship, string Name, DateOnly? DateOfBirth, DatePrecision Precision);

    public sealed record DocumentRow(Guid Id, DocumentKind Kind, Guid? PersonId, DocumentStatus Status, DateOnly? StatusOn);

    public sealed record NoteCommand
    {
        public string Body { get; init; } = "";
    }

    public sealed class NoteValidator : AbstractValidator<NoteCommand>
    {
        public NoteValidator() => RuleFor(c => c.Body).NotEmpty().WithMessage(T("Write the note.")).PlainText(10_000, multiline: true);
    }

    public enum Outcome { Done, NotFound, Refused }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors);

    /// <summary>
    /// Case notes for the pages and the API. A note joins the case's record for good; only its author may fix it, and
    /// only within <see cref="NoteEditWindow"/>.
    /// </summary>
    public sealed class Handler(AppDbContext db, TimeProvider time, Audit audit)
    {
        public async Task<Result> AddNoteAsync(Guid caseId, NoteCommand command, Guid? userId, CancellationToken ct)
        {
            if (!await db.Cases.AnyAsync(c => c.Id == caseId, ct)) return new Result(Outcome.NotFound, []);
            var validation = new NoteValidator().Validate(command);
            if (!validation.IsValid) return new Result(Outcome.Refused, validation.ToFieldErrors());
            var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Adding a note needs an organisation.");
            db.CaseNotes.Add(new CaseNote { OrganisationId = organisationId, CaseId = caseId, Body = command.Body.Trim() });
            audit.Record(AuditActions.CaseNoteAdded, "case", caseId, organisationId: organisationId, userId: userId);
            await db.SaveChangesAsync(ct);
            return new Result(Outcome.Done, []);
        }

        /// <summary>Authors may fix a note for 15 minutes; after that the record is append-only.</summary>
        public async Task<Result> EditNoteAsync(Guid caseId, Guid noteId, NoteCommand command, Guid? userId, CancellationToken ct)
        {
            var note = await db.CaseNotes.FirstOrDefaultAsync(n => n.Id == noteId && n.CaseId == caseId, ct);
            if (note is null) return new Result(Outcome.NotFound, []);
            if (note.CreatedById != userId || time.GetUtcNow() - note.CreatedAt > NoteEditWindow)
            {
                return new Result(Outcome.Refused, [new FieldError(nameof(NoteCommand.Body), T("Notes can be changed only by their author, within 15 minutes. Add a new note instead."))]);
            }
            var validation = new NoteValidator().Validate(command);
            if (!validation.IsValid) return new Result(Outcome.Refused, validation.ToFieldErrors());
            note.Body = command.Body.Trim();
            audit.Record(AuditActions.CaseNoteEdited, "case", caseId, $"note={noteId}", organisationId: note.OrganisationId, userId: userId);
            await db.SaveChangesAsync(ct);
            return new Result(Outcome.Done, []);
        }
    }

    [BindProperty]
    public NoteCommand Note { get; set; } = new();

    public Header Case { get; private set; } = null!;
    public ClockStatus Clock { get; private set; } = null!;
    public DateOnly Today { get; private set; }
    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];
    public IReadOnlyList<NumberRow> Numbers { get; private set; } = [];
    public IReadOnlyList<FamilyRow> Family { get; private set; } = [];
    public IReadOnlyList<DocumentRow> Documents { get; private set; } = [];
    public IReadOnlyList<CaseFlag> OpenFlags { get; private set; } = [];
    public DateTimeOffset? ConsentWithdrawnAt { get; private set; }

    public bool CanEdit => User.IsInRole(Roles.Caseworker) || User.IsInRole(Roles.Admin);

    /// <summary>When every COM package document is in and the clock has not started: the date the last one arrived.</summary>
    public DateOnly? PackageCompleteOn { get; private set; }

    [Audited(AuditActions.CaseViewed)]
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        // The principal, the family, the case numbers and the notes: every look at them is accounted for.
        await audit.RecordNowAsync(AuditActions.CaseViewed, "case", id, ct: ct);
        return Page();
    }

    [Audited(AuditActions.CaseNoteAdded)]
    public async Task<IActionResult> OnPostNoteAsync(Guid id, CancellationToken ct)
    {
        if (!CanEdit) return Forbid();
        var result = await handler.AddNoteAsync(id, Note, User.UserId(), ct);
        if (result.Outcome != Outcome.Done) return await ShowAsync(id, result, ct);
        logger.LogInformation("Note added to case {CaseId} by {UserId}", id, User.UserId());
        TempData["Flash"] = T("Note added.");
        return RedirectToPage(new { id });
    }

    [Audited(AuditActions.CaseNoteEdited)]
    public async Task<IActionResult> OnPostEditNoteAsync(Guid id, Guid noteId, CancellationToken ct)
    {
        if (!CanEdit) return Forbid();
        var result = await handler.EditNoteAsync(id, noteId, Note, User.UserId(), ct);
        if (result.Outcome != Outcome.Done) return await ShowAsync(id, result, ct);
        TempData["Flash"] = T("Note changed.");
        return RedirectToPage(new { id });
    }

    private async Task<IActionResult> ShowAsync(Guid id, Result result, CancellationToken ct)
    {
        if (result.Outcome == Outcome.NotFound || !await LoadAsync(id, ct)) return NotFound();
        ModelState.AddErrors(result.Errors, nameof(Note));
        return Page();
    }

    // The page's queries are compiled once: translating a dozen queries on every view was a large share of its work.
    private static readonly Func<AppDbContext, Guid, Guid?, Task<Header?>> HeaderQuery = EF.CompileAsyncQuery((AppDbContext db, Guid id, Guid? organisationId) =>
        db.Cases.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new Header(c.Id, c.Reference, c.Program, c.StepModel, c.StepModelOverrideReason, c.CurrentStageCode,
                db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.Name).First(), c.CurrentStageEnteredOn, c.PrincipalId,
                Person.FormatName(c.Principal!.GivenNames, c.Principal.FamilyName), c.Principal.NativeName,
                db.Users.Where(u => u.Id == c.CaseworkerId).Select(u => u.DisplayName).FirstOrDefault(), c.Priority, c.HighRisk, c.HighRiskReason, c.AnonymisedOn, c.Version,
                db.Referrals.Where(r => r.ReceivedCaseId == c.Id && r.ToOrganisationId == organisationId).Select(r => (Guid?)r.ConsentId).FirstOrDefault()))
            .FirstOrDefault());

    private static readonly Func<AppDbContext, Guid, IAsyncEnumerable<StageEvent>> EventsQuery = EF.CompileAsyncQuery((AppDbContext db, Guid id) =>
        db.StageEvents.AsNoTracking().Where(e => e.CaseId == id));

    private static readonly Func<AppDbContext, Guid, IAsyncEnumerable<NumberRow>> NumbersQuery = EF.CompileAsyncQuery((AppDbContext db, Guid id) =>
        db.CaseNumbers.AsNoTracking().Where(n => n.CaseId == id).OrderByDescending(n => n.IsCurrent).ThenByDescending(n => n.AssignedOn)
            .Select(n => new NumberRow(n.Kind, n.Number, n.AssignedOn, n.IsCurrent)));

    private static readonly Func<AppDbContext, Guid, IAsyncEnumerable<FamilyRow>> FamilyQuery = EF.CompileAsyncQuery((AppDbContext db, Guid principalId) =>
        db.Persons.AsNoTracking().Where(p => p.PrincipalId == principalId && p.MergedIntoId == null)
            .Select(p => new FamilyRow(p.Id, p.Relationship, Person.FormatName(p.GivenNames, p.FamilyName), p.DateOfBirth, p.DateOfBirthPrecision)));

    private static readonly Func<AppDbContext, Guid, IAsyncEnumerable<DocumentRow>> DocumentsQuery = EF.CompileAsyncQuery((AppDbContext db, Guid id) =>
        db.DocumentItems.AsNoTracking().Where(d => d.CaseId == id).OrderBy(d => d.PersonId).ThenBy(d => d.Kind)
            .Select(d => new DocumentRow(d.Id, d.Kind, d.PersonId, d.Status, d.StatusOn)));

    private sealed record UserName(Guid Id, string DisplayName);

    private static readonly Func<AppDbContext, Guid?, IAsyncEnumerable<UserName>> UsersQuery = EF.CompileAsyncQuery((AppDbContext db, Guid? organisationId) =>
        db.Users.AsNoTracking().Where(u => u.OrganisationId == organisationId).Select(u => new UserName(u.Id, u.DisplayName)));

    private static readonly Func<AppDbContext, Guid, IAsyncEnumerable<CaseNote>> NotesQuery = EF.CompileAsyncQuery((AppDbContext db, Guid id) =>
        db.CaseNotes.AsNoTracking().Where(n => n.CaseId == id));

    private static readonly Func<AppDbContext, Guid, IAsyncEnumerable<DocumentChange>> DocumentChangesQuery = EF.CompileAsyncQuery((AppDbContext db, Guid id) =>
        db.DocumentChanges.AsNoTracking().Where(d => d.CaseId == id));

    private static readonly Func<AppDbContext, Guid, IAsyncEnumerable<ReviewAction>> ReviewActionsQuery = EF.CompileAsyncQuery((AppDbContext db, Guid id) =>
        db.ReviewActions.AsNoTracking().Where(a => a.CaseId == id));

    private static readonly Func<AppDbContext, List<Guid>, IAsyncEnumerable<PortalMessage>> MessagesQuery = EF.CompileAsyncQuery((AppDbContext db, List<Guid> household) =>
        db.PortalMessages.AsNoTracking().Where(m => household.Contains(m.PersonId)).OrderByDescending(m => m.SentAt).Take(50));

    private static readonly Func<AppDbContext, Guid, IAsyncEnumerable<CaseFlag>> FlagsQuery = EF.CompileAsyncQuery((AppDbContext db, Guid id) =>
        db.CaseFlags.AsNoTracking().Where(f => f.CaseId == id));

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var header = await HeaderQuery(db, id, db.OrganisationId);
        if (header is null) return false;
        Case = header;
        Today = await calendar.TodayAsync(ct);
        // A case received by referral: the sender's applicant may have taken their consent back since. The consent is the
        // sender's record, outside this organisation's filter, so it is read on its own (IgnoreQueryFilters lifts every filter of a query).
        if (header.ReferralConsentId is { } consentId)
        {
            ConsentWithdrawnAt = await db.Consents.IgnoreQueryFilters().Where(k => k.Id == consentId).Select(k => k.WithdrawnAt).FirstOrDefaultAsync(ct);
        }
        var catalog = await StageCatalogCache.GetAsync(cache, db, ct);
        var events = StatutoryClock.InOrder(await EventsQuery(db, id).ToListAsync(ct), catalog);
        Clock = StatutoryClock.Compute(StatutoryClock.ClockEvents(events),
            catalog, header.Program, header.StepModel, header.HighRisk, Today, settings);
        Numbers = await NumbersQuery(db, id).ToListAsync(ct);
        // Ordered here: the dates of birth are sealed.
        Family = (await FamilyQuery(db, header.PrincipalId).ToListAsync(ct)).OrderBy(p => p.Relationship).ThenBy(p => p.DateOfBirth).ToList();
        Documents = await DocumentsQuery(db, id).ToListAsync(ct);
        PackageCompleteOn = Checklist.PackageCompleteOn(Documents.Select(d => (d.Kind, d.Status, d.StatusOn)), Clock.State, Today);

        var organisationId = User.OrganisationId();
        var users = (await UsersQuery(db, organisationId).ToListAsync(ct)).ToDictionary(u => u.Id, u => u.DisplayName);
        string? Name(Guid? userId) => userId is { } uid && users.TryGetValue(uid, out var name) ? name : null;
        var timeline = events.Select((e, position) => new TimelineEntry(e.RecordedAt, e.EffectiveOn, "stage",
            e.FromStageCode is null ? StageName(catalog, e.ToStageCode) : T("{0} → {1}", StageName(catalog, e.FromStageCode), StageName(catalog, e.ToStageCode)),
            Name(e.RecordedById), e.IsVoided,
            string.Join(" · ", new[] { e.Note, e.Reason is null ? null : T("Reason: {0}", e.Reason), e.CorrectsEventId is null ? null : T("Correction"),
                e.IsVoided ? T("Voided by {0}: {1}", Name(e.VoidedById) ?? T("someone"), e.VoidReason) : null }.Where(s => !string.IsNullOrEmpty(s))),
            e.Id, null, false) { HistoryPosition = position }).ToList();
        var now = time.GetUtcNow();
        timeline.AddRange((await NotesQuery(db, id).ToListAsync(ct))
            .Select(n => new TimelineEntry(n.CreatedAt, null, "note", n.Body, Name(n.CreatedById), false,
                n.UpdatedAt > n.CreatedAt ? T("edited") : null, null, n.Id, n.CreatedById == User.UserId() && now - n.CreatedAt <= NoteEditWindow)));
        var names = Family.ToDictionary(f => f.Id, f => f.Name);
        timeline.AddRange((await DocumentChangesQuery(db, id).ToListAsync(ct))
            .Select(d => new TimelineEntry(d.At, null, "document",
                d.PersonId is { } pid && names.TryGetValue(pid, out var who)
                    ? T("{0} for {1}: {2} → {3}", Checklist.Label(d.Kind), who, T(d.From.ToString()), T(d.To.ToString()))
                    : T("{0}: {1} → {2}", Checklist.Label(d.Kind), T(d.From.ToString()), T(d.To.ToString())),
                Name(d.ById), false, null, null, null, false)));
        timeline.AddRange((await ReviewActionsQuery(db, id).ToListAsync(ct))
            .Select(a => new TimelineEntry(a.At, null, "review", Labels.Describe(a.Kind, Day(a.Date), a.Reason?.ToString(), Name(a.AssigneeId)),
                Name(a.ById), false, a.Note, null, null, false)));
        // The family's portal threads: staff see them in the timeline, the text itself on the thread's page.
        var household = Family.Select(f => f.Id).Append(header.PrincipalId).ToList();
        names[header.PrincipalId] = header.PrincipalName;
        timeline.AddRange((await MessagesQuery(db, household).ToListAsync(ct))
            .Select(m => new TimelineEntry(m.SentAt, null, "message",
                m.FromApplicant ? T("Message from {0} (applicant portal)", names.GetValueOrDefault(m.PersonId) ?? T("the applicant"))
                    : T("Message to {0} (applicant portal)", names.GetValueOrDefault(m.PersonId) ?? T("the applicant")),
                Name(m.AuthorId), false, m.Body, null, null, false) { MessagePersonId = m.PersonId }));
        var flags = await FlagsQuery(db, id).ToListAsync(ct);
        OpenFlags = flags.Where(f => f.ClearedOn is null).OrderBy(f => f.Type).ToList();
        foreach (var flag in flags)
        {
            // Flags carry dates, not times: they sit at the start of their day in the timeline.
            timeline.Add(new TimelineEntry(new DateTimeOffset(flag.RaisedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), flag.RaisedOn, "flag",
                T("Flag raised: {0}", Background.DigestMailer.Describe(flag.Type)), null, false, FlagFigures(flag), null, null, false));
            if (flag.ClearedOn is { } cleared)
            {
                timeline.Add(new TimelineEntry(new DateTimeOffset(cleared.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), cleared, "flag",
                    T("Flag cleared: {0}", Background.DigestMailer.Describe(flag.Type)), null, false, null, null, null, false));
            }
        }
        // Newest first by the day things happened, as the README promises; an import records a whole history at one instant.
        Timeline = timeline.OrderByDescending(t => t.Day).ThenByDescending(t => t.At).ThenByDescending(t => t.HistoryPosition).ToList();
        return true;
    }

    /// <summary>A flag's figures: its days over as raised, or as they stand today when <paramref name="daysOverToday"/> is given.</summary>
    public static string? FlagFigures(CaseFlag flag, int? daysOverToday = null) =>
        flag.DaysOver is { } over ? T("{0} days over", daysOverToday ?? over) : flag.DeadlineOn is { } deadline ? T("deadline {0}", Day(deadline)) : null;

    /// <summary>What a timeline entry's kind ("stage", "note", …, also its CSS class) reads as.</summary>
    public static string KindLabel(string kind) => kind switch
    {
        "stage" => T("stage change"),
        "note" => T("case note"),
        "document" => T("document change"),
        "review" => T("review action"),
        "flag" => T("deadline flag"),
        "message" => T("portal message"),
        _ => kind,
    };

    private static string StageName(IReadOnlyDictionary<string, Stage> catalog, string code) => catalog.TryGetValue(code, out var stage) ? T(stage.Name) : code;
}
