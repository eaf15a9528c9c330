using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;
using FileHolder = SivTracker.Web.Pages.Cases.Files.Handler.Holder;

namespace SivTracker.Web.Pages.Applicants;

public class Details(AppDbContext db, OrganisationCalendar calendar, Audit audit, Pages.Cases.Files.Handler fileHandler) : PageModel
{
    /// <summary>What every member of the organisation sees of the person.</summary>
    public sealed record PersonView(
        Guid Id, Relationship Relationship, Guid? PrincipalId, string GivenNames, string? FamilyName, string? NativeName,
        DateOnly? DateOfBirth, DatePrecision DateOfBirthPrecision, Sex? Sex, string? CurrentCountry, SafetyStatus SafetyStatus,
        DateOnly? MarriageDate, Guid? MergedIntoId)
    {
        public string Name => Domain.Person.FormatName(GivenNames, FamilyName);
    }

    /// <summary>What an identity document holds: loaded only when <see cref="PersonalDataAccess.Identifiers"/> allows.</summary>
    public sealed record IdentityView(string? FatherName, string? ClanOrTribe, string? PlaceOfBirth, TazkiraType? TazkiraType, string? TazkiraNumber,
        string? TazkiraVolume, string? TazkiraPage, string? TazkiraRegister);

    public sealed record PassportRow(string Number, string Country, DateOnly? ExpiresOn);

    public sealed record ContactRow(ContactChannelKind Kind, string Value, DateOnly? LastSuccessfulContactOn);

    /// <summary>How to reach or find the person: loaded only when <see cref="PersonalDataAccess.Whereabouts"/> allows.</summary>
    public sealed record WhereaboutsView(string? CurrentProvince, IReadOnlyList<ContactRow> Contacts, string? SafetyNotes);

    public sealed record FamilyRow(Guid Id, Relationship Relationship, string Name, string? NativeName, DateOnly? DateOfBirth, DatePrecision Precision, DateOnly? MarriageDate);

    public sealed record ServiceRow(Guid Id, EmployerType EmployerType, string Employer, ServiceRole Role, DateOnly StartDate, DateOnly? EndDate,
        string? Location, string? SupervisorName, string? SupervisorEmail, bool SupervisorEmailVerified, bool? SupervisorIsUsCitizen,
        bool HrLetterObtained, bool RecommendationLetterObtained, string? PrimeContractNumber, string? SubcontractNumber);

    public sealed record CaseRow(Guid Id, string Reference, SivProgram Program, string Stage, ClockState ClockState, int GovernmentDays, int? DaysOver, DateOnly? ClockStartedOn);

    public sealed record HistoryRow(PersonHistoryKind Kind, DateTimeOffset At, string? By, Guid? OtherPersonId, string? Fields);

    public PersonView Person { get; private set; } = null!;
    public IReadOnlyList<string> Spellings { get; private set; } = [];
    public IReadOnlyList<FamilyRow> Family { get; private set; } = [];
    public IReadOnlyList<ServiceRow> Service { get; private set; } = [];
    public IReadOnlyList<CaseRow> Cases { get; private set; } = [];
    public IReadOnlyList<HistoryRow> History { get; private set; } = [];

    /// <summary>Null when the user may not see identity documents.</summary>
    public IdentityView? Identity { get; private set; }

    /// <summary>Empty when the user may not see identity documents.</summary>
    public IReadOnlyList<PassportRow> Passports { get; private set; } = [];

    /// <summary>Null when the user may not see how to reach or find the person.</summary>
    public WhereaboutsView? Whereabouts { get; private set; }

    public int QualifyingMonths { get; private set; }
    public int MinimumMonths { get; private set; }
    public DateOnly Today { get; private set; }
    public bool CanEdit => User.IsInRole(Roles.Caseworker) || User.IsInRole(Roles.Admin);

    public sealed record FileRow(Guid Id, PersonFileKind Kind, string Name, string ContentType, long Size, DateTimeOffset At)
    {
        /// <summary>The versions this one replaced, newest first.</summary>
        public IReadOnlyList<FileRow> Earlier { get; init; } = [];
    }

    /// <summary>Scans and photos kept on the person: shown to those who edit records, as the checklist's files are.</summary>
    public IReadOnlyList<FileRow> Files { get; private set; } = [];

    /// <summary>What came in from the applicant portal and waits for staff: changes to review, messages not yet read.</summary>
    public (int Changes, int Messages) FromPortal { get; private set; }

    /// <summary>What the person's consents in force cover, for the line on their page.</summary>
    public IReadOnlyList<ConsentKind> ConsentsInForce { get; private set; } = [];

    public string? FileError { get; private set; }

    /// <summary>Deleted scans and photos an admin may still restore: shown to admins only.</summary>
    public IReadOnlyList<FileRow> DeletedFiles { get; private set; } = [];

    [Audited(AuditActions.CaseFileDeleted)]
    public async Task<IActionResult> OnPostDeleteFileAsync(Guid id, Guid fileId, CancellationToken ct)
    {
        if (!CanEdit) return Forbid();
        if (!await fileHandler.DeleteAsync(FileHolder.Person(id), fileId, User.UserId(), ct)) return NotFound();
        TempData["Flash"] = T("File deleted. An admin can restore it within {0} days.", SealedFiles.RestoreDays);
        return RedirectToPage(new { id });
    }

    [Audited(AuditActions.CaseFileRestored)]
    public async Task<IActionResult> OnPostRestoreFileAsync(Guid id, Guid fileId, CancellationToken ct)
    {
        if (!User.IsInRole(Roles.Admin)) return Forbid();
        if (!await fileHandler.RestoreAsync(FileHolder.Person(id), fileId, ct)) return NotFound();
        TempData["Flash"] = T("File restored.");
        return RedirectToPage(new { id });
    }

    [Audited(AuditActions.PersonViewed)]
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var access = PersonalDataAccess.For(User);
        var person = await db.Persons.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new PersonView(p.Id, p.Relationship, p.PrincipalId, p.GivenNames, p.FamilyName, p.NativeName,
                p.DateOfBirth, p.DateOfBirthPrecision, p.Sex, p.CurrentCountry, p.SafetyStatus, p.MarriageDate, p.MergedIntoId))
            .FirstOrDefaultAsync(ct);
        if (person is null) return NotFound();
        Person = person;
        if (access.Identifiers)
        {
            Identity = await db.Persons.AsNoTracking().Where(p => p.Id == id)
                .Select(p => new IdentityView(p.FatherName, p.ClanOrTribe, p.PlaceOfBirth, p.TazkiraType, p.TazkiraNumber, p.TazkiraVolume,
                    p.TazkiraPage, p.TazkiraRegister))
                .FirstAsync(ct);
            Passports = await db.Passports.AsNoTracking().Where(p => p.PersonId == id).OrderBy(p => p.ExpiresOn)
                .Select(p => new PassportRow(p.Number, p.Country, p.ExpiresOn)).ToListAsync(ct);
        }
        if (access.Whereabouts)
        {
            var whereabouts = await db.Persons.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.CurrentProvince, p.SafetyNotes }).FirstAsync(ct);
            var contacts = await db.ContactChannels.AsNoTracking().Where(c => c.PersonId == id).OrderBy(c => c.Kind)
                .Select(c => new ContactRow(c.Kind, c.Value, c.LastSuccessfulContactOn)).ToListAsync(ct);
            Whereabouts = new WhereaboutsView(whereabouts.CurrentProvince, contacts, whereabouts.SafetyNotes);
        }
        Today = await calendar.TodayAsync(ct);
        if (CanEdit)
        {
            var restorableSince = fileHandler.RestorableSince;
            var admin = User.IsInRole(Roles.Admin);
            var stored = await db.StoredFiles.AsNoTracking().Where(f => f.PersonId == id && f.CaseId == null && f.PersonKind != null
                    && (f.DeletedAt == null || (admin && f.DeletedAt > restorableSince && f.ShreddedAt == null)))
                .OrderByDescending(f => f.CreatedAt).ToListAsync(ct);
            FileRow Row(StoredFile f) => new(f.Id, f.PersonKind!.Value, f.FileName, f.ContentType, f.Size, f.CreatedAt);
            var notDeleted = stored.Where(f => f.DeletedAt == null).ToList();
            Files = StoredFile.CurrentVersions(notDeleted).Select(f => Row(f) with { Earlier = StoredFile.EarlierVersions(f, notDeleted).Select(Row).ToList() }).ToList();
            DeletedFiles = stored.Where(f => f.DeletedAt != null).Select(Row).ToList();
            FileError = TempData["FileError"] as string;
        }
        ConsentsInForce = (await db.Consents.AsNoTracking().Where(c => c.PersonId == id && c.WithdrawnAt == null).ToListAsync(ct))
            .Where(c => c.InForce(Today)).Select(c => c.Kind).Distinct().ToList();
        FromPortal = (await db.PortalChanges.CountAsync(c => c.PersonId == id && c.Decision == ChangeDecision.Pending, ct),
            await db.PortalMessages.CountAsync(m => m.PersonId == id && m.FromApplicant && m.ReadAt == null, ct));
        // Sealed values are ordered here: the database holds only their ciphertext.
        Spellings = (await db.PersonAliases.AsNoTracking().Where(a => a.PersonId == id).Select(a => a.Spelling).ToListAsync(ct)).Order(StringComparer.CurrentCulture).ToList();
        var principalId = person.PrincipalId ?? person.Id;
        Family = (await db.Persons.AsNoTracking()
            .Where(p => (p.PrincipalId == principalId || p.Id == principalId) && p.Id != id && p.MergedIntoId == null)
            .Select(p => new FamilyRow(p.Id, p.Relationship, Domain.Person.FormatName(p.GivenNames, p.FamilyName), p.NativeName,
                p.DateOfBirth, p.DateOfBirthPrecision, p.MarriageDate))
            .ToListAsync(ct)).OrderBy(p => p.Relationship).ThenBy(p => p.DateOfBirth).ToList();
        var service = db.ServiceRecords.AsNoTracking().Where(s => s.PersonId == id).OrderBy(s => s.StartDate);
        Service = access.Whereabouts
            ? await service.Select(s => new ServiceRow(s.Id, s.EmployerType, s.Employer, s.Role, s.StartDate, s.EndDate, s.Location, s.SupervisorName,
                    s.SupervisorEmail, s.SupervisorEmailVerified, s.SupervisorIsUsCitizen, s.HrLetterObtained, s.RecommendationLetterObtained,
                    s.PrimeContractNumber, s.SubcontractNumber))
                .ToListAsync(ct)
            : await service.Select(s => new ServiceRow(s.Id, s.EmployerType, s.Employer, s.Role, s.StartDate, s.EndDate, s.Location, s.SupervisorName,
                    null, s.SupervisorEmailVerified, s.SupervisorIsUsCitizen, s.HrLetterObtained, s.RecommendationLetterObtained,
                    s.PrimeContractNumber, s.SubcontractNumber))
                .ToListAsync(ct);
        var today = Today;
        Cases = await db.Cases.AsNoTracking().Where(c => c.PrincipalId == principalId)
            .Join(db.Stages, c => c.CurrentStageCode, s => s.Code, (c, s) => new CaseRow(c.Id, c.Reference, c.Program, s.Name, c.ClockState,
                CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today), CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today), c.ClockStartedOn))
            .ToListAsync(ct);
        History = await db.PersonHistory.AsNoTracking().Where(h => h.PersonId == id).OrderByDescending(h => h.At)
            .Select(h => new HistoryRow(h.Kind, h.At, db.Users.Where(u => u.Id == h.ById).Select(u => u.DisplayName).FirstOrDefault(), h.OtherPersonId, h.Fields))
            .ToListAsync(ct);
        QualifyingMonths = ServiceHistory.QualifyingMonths(Service.Select(s => (s.StartDate, s.EndDate)), Today);
        var program = await db.Cases.Where(c => c.PrincipalId == principalId).Select(c => (SivProgram?)c.Program).FirstOrDefaultAsync(ct) ?? SivProgram.AF602B;
        var comSubmitted = await db.StageEvents.Where(e => e.ToStageCode == StageCatalog.ComSubmitted && e.VoidedAt == null
                && db.Cases.Any(c => c.Id == e.CaseId && c.PrincipalId == principalId))
            .OrderBy(e => e.EffectiveOn).Select(e => (DateOnly?)e.EffectiveOn).FirstOrDefaultAsync(ct);
        MinimumMonths = ServiceHistory.MinimumMonths(program, comSubmitted);
        // Every look at a person's details is accounted for. The restricted blocks are part of this page, not views of
        // their own, so the row says which of them the user's role let through.
        var sections = new List<string>();
        if (Identity is not null) sections.Add("identity documents");
        if (Whereabouts is not null) sections.Add("contact and safety details");
        await audit.RecordNowAsync(AuditActions.PersonViewed, "person", id, sections.Count == 0 ? null : $"with {string.Join(", ", sections)}", ct: ct);
        return Page();
    }
}
