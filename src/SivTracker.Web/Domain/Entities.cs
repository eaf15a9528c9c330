namespace SivTracker.Web.Domain;

/// <summary>Rows whose creation and last change are stamped by the save interceptor.</summary>
public interface IAuditable
{
    DateTimeOffset CreatedAt { get; set; }
    Guid? CreatedById { get; set; }
    DateTimeOffset UpdatedAt { get; set; }
    Guid? UpdatedById { get; set; }
}

/// <summary>Rows that belong to one organisation; the data context filters them by the signed-in user's organisation.</summary>
public interface IOrganisationOwned
{
    Guid OrganisationId { get; set; }
}

/// <summary>Rows with lookup columns derived from sealed values; recomputed when the index key changes.</summary>
public interface IHasLookups
{
    void RefreshLookups();
}

public abstract class OwnedEntity : IAuditable, IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid? UpdatedById { get; set; }

    /// <summary>PostgreSQL xmin: a stale update fails instead of overwriting someone's newer edit.</summary>
    public uint Version { get; set; }
}

public class Organisation : IAuditable
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Slug { get; set; }
    public required string Name { get; set; }

    /// <summary>IANA time zone in which clock days are counted.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Whether the public intake form (/Portal/Intake?o=slug) takes requests; off until an admin opens it.</summary>
    public bool IntakeOpen { get; set; }

    /// <summary>Whether other organisations on the installation see this one (name and description) in the directory.</summary>
    public bool ListedInDirectory { get; set; }

    public string? DirectoryDescription { get; set; }

    /// <summary>Whether other organisations may refer cases here; only a listed organisation does.</summary>
    public bool AcceptsReferrals { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid? UpdatedById { get; set; }
    public uint Version { get; set; }
}

public class Person : OwnedEntity, IHasLookups
{
    /// <summary>As written in the passport or tazkira; "FNU" when U.S. documents say so.</summary>
    [Sealed]
    public required string GivenNames { get; set; }

    /// <summary>Optional: many Afghans have no family name.</summary>
    [Sealed]
    public string? FamilyName { get; set; }

    [Sealed]
    public string? FatherName { get; set; }
    [Sealed]
    public string? NativeName { get; set; }
    [Sealed]
    public string? ClanOrTribe { get; set; }
    [Sealed]
    public DateOnly? DateOfBirth { get; set; }
    public DatePrecision DateOfBirthPrecision { get; set; } = DatePrecision.Exact;
    [Sealed]
    public string? PlaceOfBirth { get; set; }
    public Sex? Sex { get; set; }

    public TazkiraType? TazkiraType { get; set; }

    /// <summary>The number exactly as written; never hard-validated because paper tazkiras vary.</summary>
    [Sealed]
    public string? TazkiraNumber { get; set; }

    [Sealed]
    public string? TazkiraVolume { get; set; }
    [Sealed]
    public string? TazkiraPage { get; set; }
    [Sealed]
    public string? TazkiraRegister { get; set; }

    [Sealed]
    public string? CurrentCountry { get; set; }
    [Sealed]
    public string? CurrentProvince { get; set; }
    [Sealed]
    public SafetyStatus SafetyStatus { get; set; } = SafetyStatus.Unknown;
    [Sealed]
    public string? SafetyNotes { get; set; }

    /// <summary>Principal or derivative; a derivative points at its principal.</summary>
    public Relationship Relationship { get; set; } = Relationship.Principal;

    public Guid? PrincipalId { get; set; }
    public Person? Principal { get; set; }
    public DateOnly? MarriageDate { get; set; }

    /// <summary>Set when an admin merged this record into another; a merged record stays for its history but leaves lists.</summary>
    public Guid? MergedIntoId { get; set; }

    /// <summary>The Idempotency-Key of the API request that registered this person: a retried request finds them.</summary>
    public Guid? IdempotencyKey { get; set; }

    /// <summary>
    /// The words and trigrams of every spelling (<see cref="NameSearch.Tokens"/>), stored only as keyed hashes: the
    /// database finds candidates by shared hashes without ever holding a name.
    /// </summary>
    public string[] SearchTokens { get; set; } = [];

    /// <summary>The safety status in lookup form, so lists can filter on it while the status itself is sealed.</summary>
    public string SafetyLookup { get; set; } = "";

    /// <summary>The tazkira number in lookup form, for exact search and duplicate detection.</summary>
    public string? TazkiraLookup { get; set; }

    public List<Person> FamilyMembers { get; set; } = [];
    public List<PersonAlias> Aliases { get; set; } = [];
    public List<Passport> Passports { get; set; } = [];
    public List<ContactChannel> ContactChannels { get; set; } = [];
    public List<ServiceRecord> ServiceRecords { get; set; } = [];

    public string DisplayName => FormatName(GivenNames, FamilyName);

    /// <summary>
    /// A date of birth as typed: YYYY-MM-DD, or YYYY alone when only the year is known (paper tazkiras often give no
    /// more), in Western, Persian or Arabic-Indic digits. A year from 1279 to 1499 is Solar Hijri, as on a tazkira:
    /// 1370/02/22 (or 1370-02-22) is that day, 1370 alone the Solar Hijri year (precision SolarHijriYear).
    /// </summary>
    public static (DateOnly Date, DatePrecision Precision)? ParseDateOfBirth(string? value)
    {
        value = SolarHijri.WesternDigits(value?.Trim() ?? "");
        if (value.Length == 0) return null;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (value.Length == 4 && int.TryParse(value, System.Globalization.NumberStyles.None, invariant, out var year) && year > 0)
        {
            return SolarHijri.IsSolarHijriYear(year) ? (SolarHijri.YearSpan(year).First, DatePrecision.SolarHijriYear) : (new DateOnly(year, 1, 1), DatePrecision.YearOnly);
        }
        if (value.Length >= 4 && int.TryParse(value.AsSpan(0, 4), System.Globalization.NumberStyles.None, invariant, out year) && SolarHijri.IsSolarHijriYear(year))
        {
            return SolarHijri.ParseDate(value) is { } solar ? (solar, DatePrecision.Exact) : null;
        }
        return DateOnly.TryParseExact(value, "yyyy-MM-dd", invariant, System.Globalization.DateTimeStyles.None, out var date) ? (date, DatePrecision.Exact) : null;
    }

    /// <summary>
    /// The days a person's birth year may cover, for the duplicate rule ("a similar name and the same birth year"):
    /// the Gregorian year of a date, or the Solar Hijri year when that is all that is known, which straddles two.
    /// </summary>
    public static (DateOnly First, DateOnly Last)? BirthYearSpan(DateOnly? dateOfBirth, DatePrecision precision) => dateOfBirth switch
    {
        null => null,
        { } d when precision == DatePrecision.SolarHijriYear => SolarHijri.YearSpan(SolarHijri.FromGregorian(d).Year),
        { } d => (new DateOnly(d.Year, 1, 1), new DateOnly(d.Year, 12, 31)),
    };

    /// <summary>The days a person may have been born on: one day, unless only a Solar Hijri year is known.</summary>
    public static (DateOnly First, DateOnly Last)? BirthSpan(DateOnly? dateOfBirth, DatePrecision precision) =>
        precision == DatePrecision.SolarHijriYear ? BirthYearSpan(dateOfBirth, precision) : dateOfBirth is { } d ? (d, d) : null;

    /// <summary>How a person is named on every page, list, report and export: given names, then the family name when there is one.</summary>
    public static string FormatName(string givenNames, string? familyName) =>
        string.IsNullOrWhiteSpace(familyName) ? givenNames.Trim() : $"{givenNames.Trim()} {familyName.Trim()}";

    /// <summary>Recomputes the search and lookup fields from the names, aliases and identifiers; call before saving.</summary>
    public void RefreshSearchFields()
    {
        RefreshLookups();
        foreach (var passport in Passports) passport.RefreshLookups();
        foreach (var channel in ContactChannels) channel.RefreshLookups();
    }

    /// <summary>Every spelling search should find this person by: the name, the native-script name and the aliases.</summary>
    public IEnumerable<string?> Spellings => new[] { FormatName(GivenNames, FamilyName), NativeName }.Concat(Aliases.Select(a => a.Spelling));

    /// <summary>The person's own lookups; the aliases must be loaded, since their spellings are searched too.</summary>
    public void RefreshLookups()
    {
        TazkiraLookup = string.IsNullOrWhiteSpace(TazkiraNumber) ? null : Identifiers.TazkiraLookup(OrganisationId, TazkiraNumber);
        SafetyLookup = SafetyStatusLookup(OrganisationId, SafetyStatus);
        SearchTokens = NameSearch.Tokens(OrganisationId, Spellings);
    }

    public static string SafetyStatusLookup(Guid organisationId, SafetyStatus status) => Identifiers.Lookup(organisationId, "safety:" + status);
}

public enum PersonHistoryKind { Created, Edited, MergedInto, MergedFrom }

/// <summary>What happened to a person's record and who did it; merges are seen from both records.</summary>
public class PersonHistoryEntry : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid PersonId { get; set; }
    public PersonHistoryKind Kind { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? ById { get; set; }

    /// <summary>The other record of a merge.</summary>
    public Guid? OtherPersonId { get; set; }

    /// <summary>Names of the fields that changed, never their values.</summary>
    public string? Fields { get; set; }
}

/// <summary>Another spelling of a person's name, as found on some document or told by someone.</summary>
public class PersonAlias : OwnedEntity
{
    public Guid PersonId { get; set; }
    [Sealed]
    public required string Spelling { get; set; }
}

public class Passport : OwnedEntity, IHasLookups
{
    public Guid PersonId { get; set; }
    [Sealed]
    public required string Number { get; set; }

    /// <summary>ISO 3166 alpha-2.</summary>
    public required string Country { get; set; }

    public DateOnly? ExpiresOn { get; set; }

    /// <summary>The number in lookup form, for exact search and duplicate detection.</summary>
    public string Lookup { get; set; } = "";

    public void RefreshLookups() => Lookup = Identifiers.PassportLookup(OrganisationId, Number);
}

public class ContactChannel : OwnedEntity, IHasLookups
{
    public Guid PersonId { get; set; }
    public ContactChannelKind Kind { get; set; }
    [Sealed]
    public required string Value { get; set; }
    public DateOnly? LastSuccessfulContactOn { get; set; }

    /// <summary>The value in lookup form (digits of a phone number, lower-case email).</summary>
    public string Lookup { get; set; } = "";

    public void RefreshLookups() => Lookup = Identifiers.ContactLookup(OrganisationId, Kind, Value);
}

public class ServiceRecord : OwnedEntity
{
    public Guid PersonId { get; set; }
    public EmployerType EmployerType { get; set; }
    [Sealed]
    public required string Employer { get; set; }
    [Sealed]
    public string? PrimeContractNumber { get; set; }
    [Sealed]
    public string? SubcontractNumber { get; set; }
    public ServiceRole Role { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    [Sealed]
    public string? Location { get; set; }
    [Sealed]
    public string? SupervisorName { get; set; }
    [Sealed]
    public string? SupervisorEmail { get; set; }
    public bool SupervisorEmailVerified { get; set; }
    public bool? SupervisorIsUsCitizen { get; set; }
    public bool HrLetterObtained { get; set; }
    public bool RecommendationLetterObtained { get; set; }
}

public partial class Case : OwnedEntity
{
    /// <summary>The organisation's own reference, unique within it.</summary>
    public required string Reference { get; set; }

    public Guid PrincipalId { get; set; }
    public Person? Principal { get; set; }
    public SivProgram Program { get; set; }
    public StepModel StepModel { get; set; }
    [Sealed]
    public string? StepModelOverrideReason { get; set; }
    public required string CurrentStageCode { get; set; }
    public DateOnly? CurrentStageEnteredOn { get; set; }
    public Guid? CaseworkerId { get; set; }
    public CasePriority Priority { get; set; } = CasePriority.Normal;
    public bool HighRisk { get; set; }
    [Sealed]
    public string? HighRiskReason { get; set; }

    // The stored clock as of ClockComputedFor, the day the history last changed it: derived from the stage history by
    // StatutoryClock and recomputed whenever the history changes. Read it for a day through CaseClock, never as is.
    public ClockState ClockState { get; set; } = ClockState.NotStarted;
    public DateOnly? ClockStartedOn { get; set; }
    public int GovernmentDays { get; set; }
    public int PausedDays { get; set; }
    public int? LimitDays { get; set; }
    public int? DaysOver { get; set; }
    public DateOnly? ProjectedBreachOn { get; set; }

    /// <summary>The first day the clock stood past its limit, from the history: a backlog imported years late still says when.</summary>
    public DateOnly? PastLimitSince { get; set; }

    public DateOnly? ClockComputedFor { get; set; }

    /// <summary>
    /// The review queue group of the case's most urgent open flag (1 overdue … 4 other), null when it has none; written
    /// only by the sweep, which recounts <see cref="ReviewQueueCount"/> with it.
    /// </summary>
    public int? ReviewUrgency { get; set; }

    /// <summary>
    /// Queue order of a case whose days over stand still (paused, stopped, or running within its limit): urgency group,
    /// then most days over first. Computed by the database from the two columns.
    /// </summary>
    public long? ReviewSort { get; set; }

    /// <summary>
    /// A running clock's last day within its limit, fixed while it runs: from the day after, its days over are the days
    /// since. Computed by the database; the queue orders the running clocks past their limit by it.
    /// </summary>
    public DateOnly? LimitReachedOn { get; set; }

    /// <summary>Set when retention removed the personal data of this closed case; its statistics remain.</summary>
    public DateOnly? AnonymisedOn { get; set; }

    public List<CaseNumber> CaseNumbers { get; set; } = [];
    public List<StageEvent> StageEvents { get; set; } = [];
    public List<DocumentItem> Documents { get; set; } = [];
    public List<CaseNote> Notes { get; set; } = [];
}

/// <summary>An NVC/COM case number or USCIS receipt number; kept with history because cases move between posts.</summary>
public class CaseNumber : OwnedEntity, IHasLookups
{
    public Guid CaseId { get; set; }
    public CaseNumberKind Kind { get; set; }

    /// <summary>Normalised: upper case, no spaces or dashes, 3 letters + 10 digits.</summary>
    [Sealed]
    public required string Number { get; set; }

    public DateOnly? AssignedOn { get; set; }

    /// <summary>False once a newer number of the same kind replaced it.</summary>
    public bool IsCurrent { get; set; } = true;

    /// <summary>The number in lookup form, for search: the number itself is sealed.</summary>
    public string Lookup { get; set; } = "";

    public void RefreshLookups() => Lookup = Identifiers.Lookup(OrganisationId, Identifiers.Compact(Number));
}

/// <summary>Reference data: one stage of the process, editable by admins; codes are stable.</summary>
public class Stage
{
    public required string Code { get; set; }
    public required string Name { get; set; }

    /// <summary>The name in Dari and in Pashto as the system administrator wrote it; empty: the translation of the default name.</summary>
    public string? NameDari { get; set; }

    public string? NamePashto { get; set; }

    public ClockOwner ClockOwner { get; set; }
    public int SortOrder { get; set; }
    public bool IsTerminal { get; set; }
    public bool InDs157 { get; set; }
    public bool InLegacy { get; set; }
    public bool InS1059 { get; set; }
    public uint Version { get; set; }

    public bool IsIn(StepModel model) => model switch
    {
        StepModel.DS157 => InDs157,
        StepModel.LEGACY => InLegacy,
        StepModel.S1059 => InS1059,
        _ => false,
    };
}

/// <summary>A stage change. Never edited in place: a mistake is corrected by another event or voided with a reason.</summary>
public class StageEvent : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CaseId { get; set; }
    public string? FromStageCode { get; set; }
    public required string ToStageCode { get; set; }

    /// <summary>The date the case entered the stage, which may be long before it was recorded.</summary>
    public DateOnly EffectiveOn { get; set; }

    public Guid? RecordedById { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    [Sealed]
    public string? Note { get; set; }

    /// <summary>Why a backward move or a reopening was recorded.</summary>
    [Sealed]
    public string? Reason { get; set; }

    /// <summary>Set when this event corrects an earlier one (which is voided by it).</summary>
    public Guid? CorrectsEventId { get; set; }

    /// <summary>Guards against a double-submitted form recording the change twice.</summary>
    public Guid? IdempotencyKey { get; set; }

    public DateTimeOffset? VoidedAt { get; set; }
    public Guid? VoidedById { get; set; }
    [Sealed]
    public string? VoidReason { get; set; }
    public uint Version { get; set; }

    public bool IsVoided => VoidedAt is not null;
}

public class DocumentItem : OwnedEntity
{
    public Guid CaseId { get; set; }

    /// <summary>The family member the document is for; null for case-level items such as the COM package.</summary>
    public Guid? PersonId { get; set; }

    public DocumentKind Kind { get; set; }
    public DocumentStatus Status { get; set; } = DocumentStatus.Missing;
    public DateOnly? StatusOn { get; set; }

    /// <summary>The written statement of unavailability when the status is NotAvailable.</summary>
    [Sealed]
    public string? UnavailabilityStatement { get; set; }
}

/// <summary>
/// A file kept on a case's checklist item or on a person, sealed (Data/SealedFiles): its bytes are AES-256-GCM chunks
/// under a key of its own, and that key is sealed by the key ring like any other value. A replaced file stays, as an
/// earlier version (<see cref="ReplacedById"/>).
/// </summary>
public class StoredFile : OwnedEntity
{
    public Guid? CaseId { get; set; }
    public Guid? DocumentItemId { get; set; }
    public Guid? PersonId { get; set; }

    /// <summary>For a file kept on the person rather than on a checklist item: what it is.</summary>
    public PersonFileKind? PersonKind { get; set; }

    /// <summary>The name it was uploaded under, cleaned of paths and invisible characters.</summary>
    [Sealed]
    public required string FileName { get; set; }

    /// <summary>Decided from the content (Domain/FileTypes), never from the name.</summary>
    public required string ContentType { get; set; }

    public long Size { get; set; }

    /// <summary>Plain bytes per chunk: every chunk but the last holds exactly this many.</summary>
    public int ChunkSize { get; set; }

    /// <summary>SHA-256 of the content, hex: checked again on every download.</summary>
    [Sealed]
    public string Sha256 { get; set; } = "";

    /// <summary>The file's own AES-256 key, base64, sealed by the key ring: rotate-keys re-wraps it, the chunks stay as they are.</summary>
    [Sealed]
    public required string DataKey { get; set; }

    /// <summary>Sent by the applicant from the portal: received, not yet verified by anyone at the NGO.</summary>
    public bool FromApplicant { get; set; }

    /// <summary>Sent with a request through the public intake form; on the person once the request is registered or attached.</summary>
    public Guid? IntakeSubmissionId { get; set; }

    /// <summary>Where the chunks are: PostgreSQL or the S3 bucket (migrate-documents moves them).</summary>
    public FileStore Store { get; set; }

    /// <summary>The newer version that replaced this one; the file stays, as that version's history.</summary>
    public Guid? ReplacedById { get; set; }

    /// <summary>
    /// Of files not deleted, those in use: never replaced, or replaced by a version since deleted (deleting a new
    /// version brings back the one before it).
    /// </summary>
    public static IEnumerable<StoredFile> CurrentVersions(IReadOnlyCollection<StoredFile> notDeleted)
    {
        var ids = notDeleted.Select(f => f.Id).ToHashSet();
        return notDeleted.Where(f => f.ReplacedById is not { } newer || !ids.Contains(newer));
    }

    /// <summary>What <paramref name="file"/> replaced, and what that replaced, newest first.</summary>
    public static IEnumerable<StoredFile> EarlierVersions(StoredFile file, IReadOnlyCollection<StoredFile> notDeleted)
    {
        for (var earlier = notDeleted.FirstOrDefault(f => f.ReplacedById == file.Id); earlier is not null; earlier = notDeleted.FirstOrDefault(f => f.ReplacedById == earlier.Id))
        {
            yield return earlier;
        }
    }

    /// <summary>Deleted files can be restored by an admin for <c>SealedFiles.RestoreDays</c>; then their key is destroyed.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
    public Guid? DeletedById { get; set; }

    /// <summary>When the key and the chunks were destroyed: what is left can never be read again.</summary>
    public DateTimeOffset? ShreddedAt { get; set; }
}

/// <summary>One sealed chunk of a <see cref="StoredFile"/>: ciphertext and tag.</summary>
public class StoredFileChunk
{
    public Guid FileId { get; set; }
    public int Index { get; set; }
    public required byte[] Data { get; set; }
}

public class CaseNote : OwnedEntity
{
    public Guid CaseId { get; set; }
    [Sealed]
    public required string Body { get; set; }
}

/// <summary>A document status change, for the case timeline.</summary>
public class DocumentChange : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CaseId { get; set; }
    public Guid DocumentItemId { get; set; }
    public DocumentKind Kind { get; set; }
    public Guid? PersonId { get; set; }
    public DocumentStatus From { get; set; }
    public DocumentStatus To { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? ById { get; set; }
}

/// <summary>
/// Who did what to which record, for sensitive reads, edits and exports. Holds identifiers and field names,
/// never the values of personal data.
/// </summary>
public class AuditEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Null for instance-level events (system administration, catalog-wide changes by the CLI).</summary>
    public Guid? OrganisationId { get; set; }

    public DateTimeOffset At { get; set; }
    public Guid? UserId { get; set; }
    public required string Action { get; set; }
    public string? EntityType { get; set; }
    public string? EntityId { get; set; }

    /// <summary>Non-personal detail: changed field names, filters, counts.</summary>
    public string? Details { get; set; }
}

public enum FlagType
{
    StatutoryOverdue,
    StatutoryApproaching90,
    StatutoryApproaching30,
    InternalTargetOverdue,
    ComAppealWindow,
    MedicalExpiry,
    PassportExpiry,
    Refusal221gDeadline,
    Inactivity,
    NoContact,
}

/// <summary>
/// A deadline condition on a case, raised and cleared by the sweep. Holds the figures behind it, never personal data.
/// At most one open flag per case and type (a unique index), so raising is idempotent.
/// </summary>
public class CaseFlag : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CaseId { get; set; }
    public FlagType Type { get; set; }
    /// <summary>The day the sweep first saw the condition.</summary>
    public DateOnly RaisedOn { get; set; }

    public DateOnly? ClearedOn { get; set; }

    /// <summary>An overdue flag's days over on the day it was raised; today's are the case's, read for the day.</summary>
    public int? DaysOver { get; set; }

    /// <summary>For a limit flag, the day the clock actually passed the limit (from the case's history).</summary>
    public DateOnly? PastLimitSince { get; set; }

    public DateOnly? DeadlineOn { get; set; }

    /// <summary>A reviewer may put off a non-statutory flag; it stays visible as snoozed.</summary>
    public DateOnly? SnoozedUntil { get; set; }

    public bool IsStatutoryBreach => Type is FlagType.StatutoryOverdue;
}

/// <summary>
/// One row per sweep interval that has been swept, installation-wide: with several instances each ticking on the same
/// interval boundaries, the first to claim an interval sweeps it and the others skip, so the sweep runs once per interval.
/// </summary>
public class SweepSlot
{
    public DateTimeOffset StartsAt { get; set; }
}

/// <summary>
/// When the sweep must next decide a case's flags: the earliest day a deadline condition can change with nothing
/// edited; null means now. Triggers write it (migration SweepDueCases) on every change to what the conditions read,
/// beside the case rather than on it, so a new note or passport never changes the case row's version.
/// </summary>
public class CaseSweepDue
{
    public Guid CaseId { get; set; }
    public Guid OrganisationId { get; set; }
    public DateOnly? DueOn { get; set; }
}

/// <summary>
/// How many of an organisation's cases stand in each review queue group: moved by the deadline sweep, the one writer
/// of <see cref="Case.ReviewUrgency"/>, as it moves cases between groups, in the transaction that does it, so the
/// unfiltered queue reads four numbers however many cases there are.
/// </summary>
public class ReviewQueueCount : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public int Urgency { get; set; }
    public int Cases { get; set; }
}

public enum ReviewActionKind { Acknowledged, NextReviewSet, Escalated, Snoozed }

public enum EscalationReason { RequestExpedite, CongressionalInquiry, LitigationCounsel, SafetyConcern, Other }

/// <summary>What a reviewer did about a case, for its timeline and the queue's "not reviewed lately" filter.</summary>
public class ReviewAction : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CaseId { get; set; }
    public ReviewActionKind Kind { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? ById { get; set; }
    [Sealed]
    public string? Note { get; set; }
    public EscalationReason? Reason { get; set; }
    public Guid? AssigneeId { get; set; }
    public Guid? FlagId { get; set; }

    /// <summary>The next review date, or the date a flag is snoozed until.</summary>
    public DateOnly? Date { get; set; }

}

/// <summary>An in-app notice for one user about a newly raised flag.</summary>
public class Notification : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid UserId { get; set; }
    public Guid CaseId { get; set; }
    public Guid FlagId { get; set; }
    public FlagType Type { get; set; }
    public DateOnly RaisedOn { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

public enum ImportStatus { Checked, Queued, Running, Succeeded, Failed }

/// <summary>
/// An organisation's saved way of reading its own sheet (Imports/ImportMapping), offered again for the next file with
/// the same headers. Headers and the values of fixed-choice columns are sealed like everything else a file brings in.
/// </summary>
public class SavedImportMapping : OwnedEntity
{
    public required string Name { get; set; }

    /// <summary>The file's headers, folded, in order (ImportMapping.HeaderSignature).</summary>
    [Sealed]
    public required string Headers { get; set; }

    /// <summary>The mapping as JSON: columns to fields, date formats, what each value means.</summary>
    [Sealed]
    public required string Definition { get; set; }
}

/// <summary>One spreadsheet import: who, when, which file, what it found and how it ended. Never the file's content.</summary>
public class ImportRecord : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid? UserId { get; set; }
    public DateTimeOffset At { get; set; }
    [Sealed]
    public required string FileName { get; set; }
    public ImportStatus Status { get; set; }
    public int Problems { get; set; }

    /// <summary>Counts of cases and people created, updated and unchanged.</summary>
    public string? Summary { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}
