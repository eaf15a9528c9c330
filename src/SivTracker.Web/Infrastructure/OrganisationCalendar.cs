using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>"Today" for the signed-in user's organisation: dates are counted in its time zone.</summary>
public sealed class OrganisationCalendar(AppDbContext db, TimeProvider time, IMemoryCache cache)
{
    private DateOnly? _today;

    public async Task<DateOnly> TodayAsync(CancellationToken ct = default)
    {
        if (_today is { } cached) return cached;
        // An organisation's time zone is chosen when it is created and never changes: one read per instance.
        var zone = db.OrganisationId is { } id
            ? await cache.GetOrCreateAsync(("time-zone", id), _ => db.Organisations.Where(o => o.Id == id).Select(o => o.TimeZone).FirstOrDefaultAsync(ct))
            : null;
        _today = StatutoryClock.Today(time, StatutoryClock.ZoneOrUtc(zone));
        return _today.Value;
    }
}
