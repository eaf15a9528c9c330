using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// Writes audit rows for the acting user: identifiers, actions and field names, never the values of personal data.
/// The table is append-only in the database itself (a trigger refuses UPDATE, DELETE and TRUNCATE).
/// </summary>
public sealed class Audit(AppDbContext db, IHttpContextAccessor http, TimeProvider time)
{
    /// <summary>Adds the row to the current unit of work; it is saved with the change it describes.</summary>
    public void Record(string action, string? entityType = null, Guid? entityId = null, string? details = null, Guid? organisationId = null, Guid? userId = null)
    {
        var user = http.HttpContext?.User;
        db.AuditEvents.Add(new AuditEvent
        {
            OrganisationId = organisationId ?? user?.OrganisationId(), At = time.GetUtcNow(), UserId = userId ?? user?.UserId(), Action = action,
            EntityType = entityType, EntityId = entityId?.ToString(), Details = details,
        });
    }

    /// <summary>For reads and other events with nothing else to save.</summary>
    public async Task RecordNowAsync(string action, string? entityType = null, Guid? entityId = null, string? details = null, Guid? organisationId = null, Guid? userId = null,
        CancellationToken ct = default)
    {
        Record(action, entityType, entityId, details, organisationId, userId);
        await db.SaveChangesAsync(ct);
    }
}
