namespace SivTracker.Web.Domain;

/// <summary>
/// Stored encrypted: the database and its dumps hold only ciphertext, so the database cannot filter, sort or group by
/// it. What is sealed and what stays in clear, and why, is in docs/security.md.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SealedAttribute : Attribute;
