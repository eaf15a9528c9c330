using Microsoft.AspNetCore.Identity;

namespace SivTracker.Web.Data;

public class AppUser : IdentityUser<Guid>
{
    public AppUser() => Id = Guid.CreateVersion7();

    /// <summary>Null only for system administrators, who manage organisations and see no case data.</summary>
    public Guid? OrganisationId { get; set; }

    public string DisplayName { get; set; } = "";

    /// <summary>A disabled user cannot sign in and their open sessions end at their next request.</summary>
    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The day the last daily digest email went out, so each user gets at most one a day.</summary>
    public DateOnly? LastDigestOn { get; set; }

    /// <summary>The language the user chose ("fa-AF"), or null to follow the browser.</summary>
    public string? Language { get; set; }

    /// <summary>Numbers shown in Persian digits (۱۲۳).</summary>
    public bool PersianDigits { get; set; }

    /// <summary>Dates shown in the Solar Hijri calendar.</summary>
    public bool SolarHijriDates { get; set; }

    /// <summary>SHA-256 of the secret in the user's calendar feed address; null while the feed is off.</summary>
    public string? CalendarFeedHash { get; set; }

    public DateTimeOffset? CalendarFeedIssuedAt { get; set; }
}

public static class Roles
{
    public const string Caseworker = "Caseworker";
    public const string Reviewer = "Reviewer";
    public const string Admin = "Admin";
    public const string SystemAdmin = "SystemAdmin";

    /// <summary>The roles an organisation's admin may grant; system administrators are made only by the CLI or another system administrator.</summary>
    public static readonly string[] Organisation = [Caseworker, Reviewer, Admin];

    public static readonly string[] All = [Caseworker, Reviewer, Admin, SystemAdmin];
}
