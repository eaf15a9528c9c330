using System.Security.Cryptography;
using System.Text;

namespace SivTracker.Web.Domain;

/// <summary>
/// An invitation to the applicant portal: a link and a separate one-time code, passed on through whatever channel the
/// NGO already uses with the applicant. Only hashes are stored: the link's random token (so a stolen database opens
/// nothing) and the code.
/// </summary>
public class PortalInvitation : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid PersonId { get; set; }
    public required string LinkHash { get; set; }
    public required string CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public int FailedAttempts { get; set; }
}

public enum InvitationState { Open, Used, Expired, Revoked, Locked }

/// <summary>The portal's rules, in one place: who may be invited, how long an invitation lasts, how many wrong codes lock it.</summary>
public static class PortalInvitations
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>Wrong codes (or years of birth) before the invitation is locked for good and a new one is needed.</summary>
    public const int MaxAttempts = 5;

    public static InvitationState State(PortalInvitation invitation, DateTimeOffset now) => invitation switch
    {
        { RevokedAt: not null } => InvitationState.Revoked,
        { UsedAt: not null } => InvitationState.Used,
        { FailedAttempts: >= MaxAttempts } => InvitationState.Locked,
        _ when invitation.ExpiresAt <= now => InvitationState.Expired,
        _ => InvitationState.Open,
    };

    /// <summary>The principal, or a family member of 18 or more (or of unknown age): children are not invited.</summary>
    public static bool MayBeInvited(Person person, DateOnly today) =>
        person.Relationship == Relationship.Principal || person.DateOfBirth is not { } born || born.AddYears(18) <= today;

    /// <summary>A new invitation's secrets: the link token (128 random bits) and an eight-digit code, and their hashes.</summary>
    public static (PortalInvitation Invitation, string Token, string Code) Create(Person person, DateTimeOffset now, Guid? createdBy)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var code = RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8");
        var invitation = new PortalInvitation
        {
            OrganisationId = person.OrganisationId, PersonId = person.Id, LinkHash = Hash(token), CodeHash = "",
            CreatedAt = now, CreatedById = createdBy, ExpiresAt = now + Lifetime,
        };
        invitation.CodeHash = CodeHash(invitation.Id, code);
        return (invitation, token, code);
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The code bound to its invitation, so the same code on another invitation hashes differently.</summary>
    public static string CodeHash(Guid invitationId, string code) => Hash($"{invitationId:N}:{SolarHijri.WesternDigits(code).Trim()}");

    public static bool CodeMatches(PortalInvitation invitation, string? code) =>
        code is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(invitation.CodeHash), Encoding.ASCII.GetBytes(CodeHash(invitation.Id, code)));

    /// <summary>
    /// The year of birth as the applicant knows it: Gregorian or Solar Hijri, in any digits, any year the recorded date
    /// (or its span, for a year alone) falls in. A person with no recorded date of birth is checked by the code alone.
    /// </summary>
    public static bool BirthYearMatches(Person person, string? typed)
    {
        if (person.DateOfBirth is not { } born) return true;
        if (!int.TryParse(SolarHijri.WesternDigits(typed ?? "").Trim(), out var year)) return false;
        var (first, last) = Person.BirthSpan(born, person.DateOfBirthPrecision)!.Value;
        return (year >= first.Year && year <= last.Year)
            || (year >= SolarHijri.FromGregorian(first).Year && year <= SolarHijri.FromGregorian(last).Year);
    }
}

/// <summary>The details an applicant may correct from the portal; everything else goes through their caseworker.</summary>
public enum PortalField { Phone, WhatsApp, Signal, Email, CurrentCountry, CurrentProvince, SafetyStatus }

public enum ChangeDecision { Pending, Accepted, Rejected, Superseded }

/// <summary>
/// One field an applicant asked to change, waiting for their caseworker: nothing an applicant types changes the record
/// until a caseworker accepts it. The proposed value, and the value it would replace, are sealed like the record.
/// </summary>
public class PortalChange : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid PersonId { get; set; }
    public PortalField Field { get; set; }

    /// <summary>Empty when the applicant asks for the value to be removed.</summary>
    [Sealed]
    public string? Proposed { get; set; }

    /// <summary>The value the applicant saw when they asked, so the caseworker sees both.</summary>
    [Sealed]
    public string? Previous { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }
    public ChangeDecision Decision { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public Guid? DecidedById { get; set; }

    /// <summary>Why a caseworker rejected it; shown to the applicant.</summary>
    [Sealed]
    public string? Reason { get; set; }
}

/// <summary>A message between an applicant and their NGO: one thread per invited person, text only, sealed.</summary>
public class PortalMessage : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid PersonId { get; set; }
    public bool FromApplicant { get; set; }

    /// <summary>The staff member who wrote it; null for the applicant's own.</summary>
    public Guid? AuthorId { get; set; }

    [Sealed]
    public required string Body { get; set; }

    public DateTimeOffset SentAt { get; set; }

    /// <summary>When the other side first saw it: staff for the applicant's messages, the applicant for staff's.</summary>
    public DateTimeOffset? ReadAt { get; set; }
}

/// <summary>
/// An applicant's own way back in: a sign-in number SivTracker gives them and a passphrase they choose, held only as
/// a hash. Locked for a while after a few wrong passphrases; a caseworker can switch it off.
/// </summary>
public class PortalAccount : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid PersonId { get; set; }

    /// <summary>Ten random digits: names nobody, and types on any phone keyboard.</summary>
    public required string SignInNumber { get; set; }

    public required string PassphraseHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
}

/// <summary>What an applicant may change and say from the portal, in one place.</summary>
public static class PortalCorrections
{
    public const int MaxMessageLength = 2000;

    public static ContactChannelKind? ChannelKind(PortalField field) => field switch
    {
        PortalField.Phone => ContactChannelKind.Phone,
        PortalField.WhatsApp => ContactChannelKind.WhatsApp,
        PortalField.Signal => ContactChannelKind.Signal,
        PortalField.Email => ContactChannelKind.Email,
        _ => null,
    };

    /// <summary>The value on record, as the portal form shows it: the first channel of a kind stands for that kind.</summary>
    public static string? Current(Person person, PortalField field) => field switch
    {
        PortalField.CurrentCountry => person.CurrentCountry,
        PortalField.CurrentProvince => person.CurrentProvince,
        PortalField.SafetyStatus => person.SafetyStatus.ToString(),
        _ => person.ContactChannels.Where(c => c.Kind == ChannelKind(field)).Select(c => c.Value).FirstOrDefault(),
    };

    /// <summary>A typed value in the form it is compared and stored: trimmed, empty as null, a country code in capitals.</summary>
    public static string? Normalise(PortalField field, string? value)
    {
        var trimmed = SolarHijri.WesternDigits(value ?? "").Trim();
        if (trimmed.Length == 0) return null;
        return field == PortalField.CurrentCountry ? trimmed.ToUpperInvariant() : trimmed;
    }
}

/// <summary>The passphrase door's rules: how long a passphrase, how many wrong ones before a pause, how long the pause.</summary>
public static class PortalAccounts
{
    public const int MinPassphraseLength = 10;
    public const int MaxPassphraseLength = 200;
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    public static string NewSignInNumber() => RandomNumberGenerator.GetInt32(1_000_000_000, int.MaxValue).ToString("D10");

    /// <summary>The number as typed: any digits, spaces or dashes between groups.</summary>
    public static string CleanNumber(string? typed) => new(SolarHijri.WesternDigits(typed ?? "").Where(char.IsAsciiDigit).ToArray());

    public static bool IsLocked(PortalAccount account, DateTimeOffset now) => account.LockedUntil is { } until && until > now;
}
