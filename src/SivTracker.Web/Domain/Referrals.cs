namespace SivTracker.Web.Domain;

public enum ConsentKind { ShareWithOrganisation, ShareWithPartners, ContactByMessage, KeepPastRetention }

public enum ConsentMethod { SignedForm, Verbal, Portal }

/// <summary>
/// What a person agreed to, how and when, until when, and whether they took it back. Sharing a case with another
/// organisation needs one of these on record for that organisation (or for partners in general), in force today.
/// </summary>
public class Consent : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid PersonId { get; set; }
    public ConsentKind Kind { get; set; }

    /// <summary>The organisation a ShareWithOrganisation consent names.</summary>
    public Guid? RecipientOrganisationId { get; set; }

    public ConsentMethod Method { get; set; }
    public DateOnly GivenOn { get; set; }
    public DateOnly? ValidUntil { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public Guid? RecordedById { get; set; }

    [Sealed]
    public string? Note { get; set; }

    public DateTimeOffset? WithdrawnAt { get; set; }
    public Guid? WithdrawnById { get; set; }

    /// <summary>Given by <paramref name="today"/>, not yet ended, not withdrawn.</summary>
    public bool InForce(DateOnly today) => WithdrawnAt is null && GivenOn <= today && (ValidUntil is null || ValidUntil >= today);

    /// <summary>Whether this consent lets the case go to <paramref name="organisationId"/> on <paramref name="today"/>.</summary>
    public bool CoversSharingWith(Guid organisationId, DateOnly today) =>
        InForce(today)
        && (Kind == ConsentKind.ShareWithPartners || Kind == ConsentKind.ShareWithOrganisation && RecipientOrganisationId == organisationId);

    public static bool IsSharing(ConsentKind kind) => kind is ConsentKind.ShareWithOrganisation or ConsentKind.ShareWithPartners;
}

public enum ReferralMode { Refer, Transfer }

public enum ReferralStatus { Pending, Accepted, Declined, Cancelled }

/// <summary>
/// A case handed from one organisation to another: the only record both may see. Until it is accepted the receiver
/// sees the summary (program, stage, family size, what is included, the sender's message), never the packet; on
/// acceptance the packet becomes the receiver's own records and is dropped from here; on decline or cancellation it
/// is dropped too.
/// </summary>
public class Referral
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid FromOrganisationId { get; set; }
    public Guid ToOrganisationId { get; set; }
    public Guid CaseId { get; set; }
    public Guid PersonId { get; set; }
    public Guid ConsentId { get; set; }
    public ReferralMode Mode { get; set; }

    /// <summary>Kept linked after acceptance: the sender's later stage changes are recorded on the receiver's copy too (never the other way).</summary>
    public bool Linked { get; set; }

    public ReferralStatus Status { get; set; }

    // The summary: what the receiver sees before deciding. Codes and counts, no names.
    public SivProgram Program { get; set; }
    public required string StageCode { get; set; }
    public int FamilySize { get; set; }
    public int ServiceRecords { get; set; }
    public int Notes { get; set; }
    public int Files { get; set; }

    [Sealed]
    public string? Message { get; set; }

    /// <summary>The records sent, as JSON: read only by the accept handler, and gone once the referral is decided.</summary>
    [Sealed]
    public string? Packet { get; set; }

    public DateTimeOffset SentAt { get; set; }
    public Guid? SentById { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public Guid? DecidedById { get; set; }

    [Sealed]
    public string? DeclineReason { get; set; }

    public Guid? ReceivedCaseId { get; set; }
    public Guid? ReceivedPersonId { get; set; }
    public uint Version { get; set; }
}
