using System.Security.Cryptography;
using System.Text;

namespace SivTracker.Web.Domain;

/// <summary>
/// An organisation's key to the API, for another system it keeps (a donor CRM, a spreadsheet script): named, scoped,
/// expiring, revocable. Only the SHA-256 of the secret is stored; the secret is shown once.
/// </summary>
public class ApiToken : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string Name { get; set; }
    public string[] Scopes { get; set; } = [];
    public required string SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>What a token may do, and the rules for making one: one home for the CLI, the API access page and the API.</summary>
public static class ApiTokens
{
    public const string PeopleRead = "people:read";
    public const string PeopleWrite = "people:write";
    public const string CasesRead = "cases:read";
    public const string CasesWrite = "cases:write";
    public const string ReportsRead = "reports:read";
    public const string WebhooksManage = "webhooks:manage";

    public static readonly IReadOnlyList<string> Scopes = [PeopleRead, PeopleWrite, CasesRead, CasesWrite, ReportsRead, WebhooksManage];

    public const int DefaultLifetimeDays = 90;
    public const int MaxLifetimeDays = 730;
    public const string SecretPrefix = "sivt_";

    public static bool IsActive(ApiToken token, DateTimeOffset now) => token.RevokedAt is null && token.ExpiresAt > now;

    /// <summary>Why a token cannot be made as asked, or null: a name, known scopes, a lifetime in range.</summary>
    public static string? Problem(string? name, IReadOnlyCollection<string> scopes, int lifetimeDays)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100) return Text.T("Name the token (up to 100 characters): who or what uses it.");
        if (scopes.Count == 0) return Text.T("Choose at least one scope.");
        if (scopes.FirstOrDefault(s => !Scopes.Contains(s)) is { } unknown) return Text.T("Unknown scope '{0}'. Scopes: {1}.", unknown, string.Join(", ", Scopes));
        if (lifetimeDays is < 1 or > MaxLifetimeDays) return Text.T("A token lasts from 1 to {0} days.", MaxLifetimeDays);
        return null;
    }

    /// <summary>A new token and its secret (the only time it exists in clear): 256 random bits, prefixed so it can be recognised when leaked.</summary>
    public static (ApiToken Token, string Secret) Create(Guid organisationId, string name, IEnumerable<string> scopes, int lifetimeDays, DateTimeOffset now, Guid? createdBy)
    {
        var secret = SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new ApiToken
        {
            OrganisationId = organisationId, Name = name.Trim(), Scopes = scopes.Distinct().Order().ToArray(), SecretHash = Hash(secret),
            CreatedAt = now, CreatedById = createdBy, ExpiresAt = now.AddDays(lifetimeDays),
        }, secret);
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

/// <summary>
/// An Idempotency-Key an API client sent with a POST, claimed before the request runs and holding its answer after:
/// a retry gets the first answer, never a second change.
/// </summary>
public class ApiIdempotencyKey : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public Guid Key { get; set; }

    /// <summary>The method and path the key was first used with: the same key for another request is refused.</summary>
    public required string Request { get; set; }

    /// <summary>Null while the first request runs (or if it was cut off after its change committed).</summary>
    public int? StatusCode { get; set; }

    /// <summary>The first answer's body: it may name what was made (a webhook's secret), so sealed.</summary>
    [Sealed]
    public string? Body { get; set; }

    public string? Location { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>How long a key is remembered.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(7);
}
