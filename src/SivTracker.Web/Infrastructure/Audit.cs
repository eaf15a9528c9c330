using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// Writes audit rows for the acting user: identifiers, actions and field names, never the values of personal data.
/// Every row goes through here, named by a constant of <see cref="AuditActions"/>.
/// The table is append-only in the database itself (a trigger refuses UPDATE, DELETE and TRUNCATE).
/// </summary>
public sealed class Audit(AppDbContext db, IHttpContextAccessor http, TimeProvider time)
{
    /// <summary>Adds the row to the current unit of work; it is saved with the change it describes.</summary>
    public void Record(string action, string? entityType = null, Guid? entityId = null, string? details = null, Guid? organisationId = null, Guid? userId = null) =>
        Add(action, entityType, entityId?.ToString(), details, organisationId, userId);

    /// <summary>For a record known by a code rather than an id: a stage of the catalog, a report.</summary>
    public void Record(string action, string entityType, string entityKey, string? details = null, Guid? organisationId = null, Guid? userId = null) =>
        Add(action, entityType, entityKey, details, organisationId, userId);

    /// <summary>For reads and other events with nothing else to save.</summary>
    public async Task RecordNowAsync(string action, string? entityType = null, Guid? entityId = null, string? details = null, Guid? organisationId = null, Guid? userId = null,
        CancellationToken ct = default)
    {
        Add(action, entityType, entityId?.ToString(), details, organisationId, userId);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>For reads and other events with nothing else to save, about a record known by a code.</summary>
    public async Task RecordNowAsync(string action, string entityType, string entityKey, string? details = null, Guid? organisationId = null, Guid? userId = null,
        CancellationToken ct = default)
    {
        Add(action, entityType, entityKey, details, organisationId, userId);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// "filters: program=AF602B, overdue; rows=50": what a list was asked for and how many rows it showed. Filters are
    /// codes, ids, numbers and switches, never typed text; one left empty or off is left out.
    /// </summary>
    public static string ListDetails(int rows, params (string Name, object? Value)[] filters)
    {
        var set = filters.Where(f => f.Value is not (null or false or ""))
            .Select(f => f.Value is true ? f.Name : $"{f.Name}={Convert.ToString(f.Value, System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
        return $"filters: {(set.Count == 0 ? "none" : string.Join(", ", set))}; rows={rows}";
    }

    private void Add(string action, string? entityType, string? entityId, string? details, Guid? organisationId, Guid? userId)
    {
        var user = http.HttpContext?.User;
        // A request made with an API token is the token's doing: its name leads the row.
        if (ApiAuth.TokenName(user) is { } token) details = details is null ? $"api token '{token}'" : $"api token '{token}'; {details}";
        db.AuditEvents.Add(new AuditEvent
        {
            OrganisationId = organisationId ?? user?.OrganisationId(), At = time.GetUtcNow(), UserId = userId ?? user?.UserId(), Action = action,
            EntityType = entityType, EntityId = entityId, Details = details,
        });
    }
}
