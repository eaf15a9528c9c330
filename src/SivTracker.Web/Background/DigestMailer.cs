using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Background;

/// <summary>
/// One email a day per user with open flags in their scope: counts and a link, never a name, number or note, because
/// mail crosses servers SivTracker does not control.
/// </summary>
public sealed class DigestMailer(AppDbContext db, IEmailSender email, PublicLinks links, TimeProvider time, ILogger<DigestMailer> logger)
{
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        if (!email.IsConfigured) return 0;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var users = await db.Users.AsNoTracking()
            .Where(u => !u.IsDisabled && u.OrganisationId != null && u.Email != null && (u.LastDigestOn == null || u.LastDigestOn < today))
            .Select(u => new
            {
                u.Id, u.Email, u.OrganisationId, u.LastDigestOn, u.Language,
                SeesAll = db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && (r.Name == Roles.Reviewer || r.Name == Roles.Admin))),
            })
            .ToListAsync(ct);
        var sent = 0;
        foreach (var user in users)
        {
            var counts = await db.CaseFlags.AsNoTracking().IgnoreQueryFilters()
                .Where(f => f.OrganisationId == user.OrganisationId && f.ClearedOn == null
                    && (user.SeesAll || db.Cases.IgnoreQueryFilters().Any(c => c.Id == f.CaseId && c.OrganisationId == user.OrganisationId && c.CaseworkerId == user.Id)))
                .GroupBy(f => f.Type).Select(g => new { Type = g.Key, Count = g.Count() }).ToListAsync(ct);
            if (counts.Count == 0) continue;
            // Each user reads their digest in the language they chose.
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo((Text.Find(user.Language) ?? Text.English).Code);
            var lines = counts.OrderBy(c => c.Type).Select(c => $"  {Describe(c.Type)}: {c.Count}");
            var body = string.Join("\n",
                T("Your SivTracker digest for {0}.", Day(today)),
                "",
                user.SeesAll ? T("Open deadline flags in your organisation:") : T("Open deadline flags on your cases:"),
                string.Join("\n", lines),
                "",
                T("Review them in SivTracker: {0}", links.OverdueCases()),
                "",
                T("This message holds counts only. Sign in to see the cases."));
            // Claimed in the database before it is sent: however many instances run this, one of them wins each user's day.
            var claimed = await db.Users.Where(u => u.Id == user.Id && (u.LastDigestOn == null || u.LastDigestOn < today))
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastDigestOn, today), ct);
            if (claimed == 0) continue;
            try
            {
                await email.SendAsync(user.Email!, T("SivTracker daily digest"), body, ct);
                sent++;
            }
            catch (Exception exception)
            {
                // Not sent: give the day back so the next run tries again.
                await db.Users.Where(u => u.Id == user.Id && u.LastDigestOn == today)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastDigestOn, user.LastDigestOn), CancellationToken.None);
                if (exception is OperationCanceledException) throw;
                logger.LogWarning("Digest to user {UserId} failed: {Error}", user.Id, exception.GetType().Name);
            }
        }
        return sent;
    }

    public static string Describe(FlagType type) => type switch
    {
        FlagType.StatutoryOverdue => T("Past the nine-month statutory limit"),
        FlagType.StatutoryApproaching30 => T("Statutory limit within 30 days"),
        FlagType.StatutoryApproaching90 => T("Statutory limit within 90 days"),
        FlagType.InternalTargetOverdue => T("Past the internal target (S1059)"),
        FlagType.ComAppealWindow => T("COM appeal window closing"),
        FlagType.MedicalExpiry => T("Medical exam expiring"),
        FlagType.PassportExpiry => T("Passport expiring within 6 months"),
        FlagType.Refusal221gDeadline => T("221(g) refusal deadline approaching"),
        FlagType.Inactivity => T("No activity recently"),
        _ => T("No recent contact with the applicant"),
    };
}
