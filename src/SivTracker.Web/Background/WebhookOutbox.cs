using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Background;

/// <summary>
/// Adds an event's messages, one per subscription that wants it, to the context of the change it tells of: they are
/// saved by the same SaveChanges, in the same transaction, or not at all. A paused subscription's messages wait for it
/// to be resumed, so its receiver misses nothing.
/// </summary>
public sealed class WebhookOutbox(AppDbContext db, WebhookSignal signal, TimeProvider time)
{
    /// <summary>The API's JSON: camelCase, enums by name, dates as ISO 8601 dates.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private bool _wakesSender;

    public async Task RaiseAsync(Guid organisationId, string type, object data, CancellationToken ct)
    {
        var subscriptions = await db.WebhookSubscriptions.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.OrganisationId == organisationId && s.Events.Contains(type)).Select(s => s.Id).ToListAsync(ct);
        if (subscriptions.Count == 0) return;
        var now = time.GetUtcNow();
        var json = JsonSerializer.Serialize(data, Json);
        db.WebhookMessages.AddRange(subscriptions.Select(id => new WebhookMessage
        {
            OrganisationId = organisationId, SubscriptionId = id, Type = type, Data = json, CreatedAt = now, NextAttemptAt = now,
        }));
        if (!_wakesSender)
        {
            // Once saved, the sender need not wait for its next poll; a wake-up for a change rolled back later finds nothing.
            db.SavedChanges += (_, _) => signal.Wake();
            _wakesSender = true;
        }
    }
}
