using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SivTracker.Web.Domain;

/// <summary>
/// An organisation's subscription: a URL told of chosen events, each message signed with the subscription's secret.
/// A subscription that keeps failing is paused until its admin resumes it.
/// </summary>
public class WebhookSubscription : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string Url { get; set; }
    public string? Description { get; set; }
    public string[] Events { get; set; } = [];

    /// <summary>The signing secret (whsec_…): needed in clear to sign, so sealed like every other secret at rest.</summary>
    [Sealed]
    public required string Secret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTimeOffset? PausedAt { get; set; }
    public string? PauseReason { get; set; }
}

public enum WebhookMessageStatus { Pending, Delivered, Failed }

/// <summary>
/// One event for one subscription: the outbox row, written in the transaction of the change it tells of, so a change
/// rolled back tells nobody, and a change made is told even if the instance dies before sending.
/// </summary>
public class WebhookMessage : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid SubscriptionId { get; set; }
    public required string Type { get; set; }

    /// <summary>The event's facts as JSON: ids, codes, dates and figures, never a name or an identifier.</summary>
    public required string Data { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public WebhookMessageStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Set by the instance sending it, until when: no other instance takes the message meanwhile.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    /// <summary>When this run of attempts began: the retry window counts from here, and resuming a paused subscription starts a new run.</summary>
    public DateTimeOffset? FirstAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    /// <summary>What the receiver answered (its first characters), or why nothing came back: the receiver's words, so sealed.</summary>
    [Sealed]
    public string? LastResponse { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>The events, the signature and the retry rule: one home for the admin page, the API, the outbox and the sender.</summary>
public static class Webhooks
{
    public const string CaseOpened = "case.opened";
    public const string CaseStageChanged = "case.stage_changed";
    public const string CaseFlagRaised = "case.flag_raised";
    public const string CaseFlagCleared = "case.flag_cleared";
    public const string PersonCreated = "person.created";
    public const string IntakeSubmitted = "intake.submitted";

    public static readonly IReadOnlyList<string> Events = [CaseOpened, CaseStageChanged, CaseFlagRaised, CaseFlagCleared, PersonCreated, IntakeSubmitted];

    public const string SecretPrefix = "whsec_";
    public const int MaxUrlLength = 500;

    /// <summary>A new signing secret in the Standard Webhooks form: whsec_ and 32 random bytes in base64.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The webhook-id header: the same on every attempt, so a receiver that saw it already can skip it.</summary>
    public static string MessageId(Guid id) => $"msg_{id:N}";

    /// <summary>
    /// The webhook-signature header (Standard Webhooks): "v1," and the base64 HMAC-SHA256, keyed with the secret's
    /// bytes, of "{id}.{timestamp}.{body}".
    /// </summary>
    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}")));
    }

    /// <summary>
    /// When to try again after a failed attempt: the first retry after <paramref name="firstRetry"/>, doubling each time up
    /// to two hours; null once the message has been failing for <paramref name="giveUpAfter"/> (24 hours by default) since
    /// <paramref name="createdAt"/>, the start of its run of attempts.
    /// </summary>
    public static DateTimeOffset? NextAttempt(int attempts, DateTimeOffset createdAt, DateTimeOffset now, TimeSpan firstRetry, TimeSpan giveUpAfter)
    {
        if (now - createdAt >= giveUpAfter) return null;
        var delay = TimeSpan.FromTicks((long)Math.Min(TimeSpan.FromHours(2).Ticks, firstRetry.Ticks * Math.Pow(2, Math.Max(0, attempts - 1))));
        var next = now + delay;
        return next - createdAt > giveUpAfter ? createdAt + giveUpAfter : next;
    }

    /// <summary>Why a subscription cannot be made as asked, or null: an https URL (http only where allowed, for a local receiver) and known events.</summary>
    public static (string Field, string Message)? Problem(string? url, IReadOnlyCollection<string> events, string? description, bool allowHttp)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Trim().Length > MaxUrlLength
            || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || allowHttp && uri.Scheme == Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return ("Url", allowHttp
                ? Text.T("Enter the receiver's address, starting with https:// or http://, up to {0} characters.", MaxUrlLength)
                : Text.T("Enter the receiver's address, starting with https://, up to {0} characters.", MaxUrlLength));
        }
        if (events.Count == 0) return ("Events", Text.T("Choose at least one event."));
        if (events.FirstOrDefault(e => !Events.Contains(e)) is { } unknown)
        {
            return ("Events", Text.T("Unknown event '{0}'. Events: {1}.", unknown, string.Join(", ", Events)));
        }
        if (description?.Trim().Length > 200) return ("Description", Text.T("Describe it in up to 200 characters."));
        return null;
    }

    /// <summary>
    /// Addresses a webhook never reaches unless the installation allows it: loopback, private networks, link-local (cloud
    /// metadata) and the like, so an admin's URL cannot be turned against the installation's own network.
    /// </summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        }
        var b = address.GetAddressBytes();
        return b[0] is 10 or 0 or >= 224 || b[0] == 172 && b[1] is >= 16 and <= 31 || b[0] == 192 && b[1] == 168 || b[0] == 169 && b[1] == 254
            || b[0] == 100 && b[1] is >= 64 and <= 127;
    }
}
