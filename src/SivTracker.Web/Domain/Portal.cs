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
