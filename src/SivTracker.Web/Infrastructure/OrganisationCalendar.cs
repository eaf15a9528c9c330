using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>"Today" for the signed-in user's organisation: dates are counted in its time zone.</summary>
public sealed class OrganisationCalendar(AppDbContext db, TimeProvider time)
{
    private DateOnly? _today;

    public async Task<DateOnly> TodayAsync(CancellationToken ct = default)
    {
        if (_today is { } cached) return cached;
        var zone = db.OrganisationId is { } id
            ? await db.Organisations.Where(o => o.Id == id).Select(o => o.TimeZone).FirstOrDefaultAsync(ct)
            : null;
        _today = StatutoryClock.Today(time, StatutoryClock.ZoneOrUtc(zone));
        return _today.Value;
    }
}
