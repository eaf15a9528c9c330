using System.Security.Cryptography;
using System.Text;

namespace SivTracker.Web.Domain;

/// <summary>The "Intake" section.</summary>
public sealed record IntakeSettings
{
    /// <summary>Zero bits the intake form's proof of work needs: 16 is about 65,000 hashes, a second or two on a phone.</summary>
    public int ProofBits { get; init; } = 16;
}

public enum IntakeStatus { Pending, Registered, Attached, Rejected }

/// <summary>
/// A request for help from someone the NGO does not know yet, sent through the organisation's public intake form.
/// Nothing in it reaches the registry until a caseworker registers it as a new person or attaches it to one already
/// known. Everything the person typed is sealed like the registry.
/// </summary>
public class IntakeSubmission : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }

    [Sealed]
    public required string GivenNames { get; set; }
    [Sealed]
    public string? FamilyName { get; set; }
    [Sealed]
    public string? NativeName { get; set; }

    /// <summary>As typed (Gregorian or Solar Hijri, a year alone allowed): read by the person form's own rule.</summary>
    [Sealed]
    public string? DateOfBirth { get; set; }

    [Sealed]
    public string? Phone { get; set; }
    [Sealed]
    public string? Email { get; set; }

    public SivProgram Program { get; set; }
    public EmployerType? EmployerType { get; set; }
    [Sealed]
    public string? Employer { get; set; }
    public DateOnly? ServiceStart { get; set; }
    public DateOnly? ServiceEnd { get; set; }

    [Sealed]
    public string? Message { get; set; }

    /// <summary>The SHA-256 of the proof-of-work challenge it was sent with: each challenge sends one request.</summary>
    public required string ProofHash { get; set; }

    public IntakeStatus Status { get; set; }

    /// <summary>The person it was registered as or attached to.</summary>
    public Guid? PersonId { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }
    public Guid? DecidedById { get; set; }
    [Sealed]
    public string? Reason { get; set; }
}

/// <summary>
/// The intake form's guard against scripted floods, with no third party: the page must find a number that, hashed
/// with the challenge the server gave it, starts with enough zero bits. A phone spends a second or two on it; a flood
/// spends that per request, on top of the per-address rate limit.
/// </summary>
public static class IntakeProof
{
    public const int MaxAttachments = 5;

    public static bool Holds(string challenge, string? nonce, int bits)
    {
        if (string.IsNullOrEmpty(nonce) || nonce.Length > 20 || !nonce.All(char.IsAsciiDigit)) return false;
        return LeadingZeroBits(SHA256.HashData(Encoding.UTF8.GetBytes($"{challenge}:{nonce}"))) >= bits;
    }

    /// <summary>The nonce a browser would find: the first that holds (for tests and tools that send the form).</summary>
    public static string Solve(string challenge, int bits)
    {
        for (long nonce = 0; ; nonce++)
        {
            if (Holds(challenge, nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), bits)) return nonce.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public static string Hash(string challenge) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(challenge)));

    private static int LeadingZeroBits(byte[] hash)
    {
        var bits = 0;
        foreach (var b in hash)
        {
            if (b == 0)
            {
                bits += 8;
                continue;
            }
            return bits + System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;
        }
        return bits;
    }
}
