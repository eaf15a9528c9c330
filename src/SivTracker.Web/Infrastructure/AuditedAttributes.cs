namespace SivTracker.Web.Infrastructure;

/// <summary>
/// Names the audit actions a page handler records (any one of them, depending on the outcome), so a reader of the page
/// sees what it leaves on record. On a page class it covers the handlers that say nothing themselves. A test requires
/// every page handler to carry this or <see cref="NotAuditedAttribute"/>, and calls some of them to check the row appears.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class AuditedAttribute(params string[] actions) : Attribute
{
    /// <summary>Values of <see cref="AuditActions"/>.</summary>
    public IReadOnlyList<string> Actions { get; } = actions;
}

/// <summary>
/// Says why a page handler records nothing: it shows no personal data and changes nothing worth a row, or its event is
/// recorded elsewhere. The reason is read in review; write it for the person who will doubt it.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class NotAuditedAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
