using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Admin;

/// <summary>The organisation's audit trail, searchable by user, record and date range; newest first.</summary>
public class AuditLog(AppDbContext db) : PageModel
{
    public const int Limit = 200;

    public sealed record Filter
    {
        public Guid? User { get; init; }
        public string? Record { get; init; }
        public DateOnly? From { get; init; }
        public DateOnly? To { get; init; }
    }

    public sealed record Row(DateTimeOffset At, string? User, string Action, string? EntityType, string? EntityId, string? Details);

    [BindProperty(SupportsGet = true)]
    public Filter Filters { get; set; } = new();

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IEnumerable<SelectListItem> Users { get; private set; } = [];

    [NotAudited("Audit rows hold identifiers, field names and counts, never personal data; reading them changes nothing.")]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var organisationId = User.OrganisationId();
        Users = await Choices.UsersAsync(db, organisationId, activeOnly: false, ct);
        var events = db.AuditEvents.AsNoTracking().Where(a => a.OrganisationId == organisationId);
        if (Filters.User is { } user) events = events.Where(a => a.UserId == user);
        if (!string.IsNullOrWhiteSpace(Filters.Record)) events = events.Where(a => a.EntityId == Filters.Record.Trim());
        if (Filters.From is { } from) events = events.Where(a => a.At >= new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (Filters.To is { } to) events = events.Where(a => a.At < new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        Rows = await events.OrderByDescending(a => a.At).Take(Limit)
            .Select(a => new Row(a.At, db.Users.Where(u => u.Id == a.UserId).Select(u => u.DisplayName).FirstOrDefault(), a.Action, a.EntityType, a.EntityId, a.Details))
            .ToListAsync(ct);
    }
}
