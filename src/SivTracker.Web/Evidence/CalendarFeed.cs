using System.Security.Cryptography;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Evidence;

/// <summary>
/// A user's deadlines as an iCalendar feed their calendar service fetches by a secret address. A calendar service is a
/// third party: events name the case by its reference and link to it, never a person's name or identifier.
/// </summary>
public sealed class CalendarFeed(AppDbContext db, ClockSettings clock, PublicLinks links)
{
    public sealed record Deadline(Guid CaseId, string Reference, string Kind, DateOnly On, string Summary);

    /// <summary>Only the hash is stored: a database copy gives nobody a working feed address.</summary>
    public static (string Secret, string Hash) NewSecret()
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (secret, Hash(secret));
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    /// <summary>
    /// The deadlines of the open cases assigned to the user, from today on, and the review dates they set. The clock's
    /// dates come from the stored clock; the other deadlines from the flags the sweep raised, each from the day its
    /// warning starts (the sweep is the one home of those rules).
    /// </summary>
    public async Task<IReadOnlyList<Deadline>> DeadlinesAsync(Guid userId, DateOnly today, CancellationToken ct)
    {
        var cases = await db.Cases.AsNoTracking()
            .Where(c => c.CaseworkerId == userId && !db.Stages.Any(s => s.Code == c.CurrentStageCode && s.IsTerminal))
            .Select(c => new
            {
                c.Id, c.Reference, ProjectedBreachOn = CaseClock.ProjectedBreachOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today),
                c.CurrentStageCode, c.CurrentStageEnteredOn, c.Program,
            })
            .ToListAsync(ct);
        var deadlines = new List<Deadline>();
        foreach (var c in cases)
        {
            if (c.ProjectedBreachOn is { } breach)
            {
                var limit = CaseStatus.HasStatutoryLimit(c.Program) ? T("Projected breach of the statutory limit") : T("Projected end of the internal target");
                deadlines.Add(new Deadline(c.Id, c.Reference, "breach", breach, limit));
                deadlines.Add(new Deadline(c.Id, c.Reference, "warning90", breach.AddDays(-clock.FirstWarningDays), T("{0} days to the limit", clock.FirstWarningDays)));
                deadlines.Add(new Deadline(c.Id, c.Reference, "warning30", breach.AddDays(-clock.SecondWarningDays), T("{0} days to the limit", clock.SecondWarningDays)));
            }
            if (c.CurrentStageCode == StageCatalog.InterviewScheduled && c.CurrentStageEnteredOn is { } interview)
            {
                deadlines.Add(new Deadline(c.Id, c.Reference, "interview", interview, T("Visa interview")));
            }
        }
        var ids = cases.Select(c => c.Id).ToList();
        var references = cases.ToDictionary(c => c.Id, c => c.Reference);
        var flags = await db.CaseFlags.AsNoTracking()
            .Where(f => ids.Contains(f.CaseId) && f.ClearedOn == null && f.DeadlineOn != null
                && f.Type != FlagType.StatutoryApproaching30 && f.Type != FlagType.StatutoryApproaching90)
            .Select(f => new { f.CaseId, f.Type, f.DeadlineOn }).ToListAsync(ct);
        deadlines.AddRange(flags.Select(f => new Deadline(f.CaseId, references[f.CaseId], f.Type.ToString(), f.DeadlineOn!.Value, Background.DigestMailer.Describe(f.Type))));

        // Review dates: the latest one set for each case, on the user's cases or by the user.
        var reviews = (await db.ReviewActions.AsNoTracking()
                .Where(a => a.Kind == ReviewActionKind.NextReviewSet && a.Date != null && (ids.Contains(a.CaseId) || a.ById == userId))
                .Select(a => new { a.CaseId, a.At, a.Date }).ToListAsync(ct))
            .GroupBy(a => a.CaseId).Select(g => g.MaxBy(a => a.At)!).ToList();
        var others = reviews.Select(r => r.CaseId).Where(id => !references.ContainsKey(id)).ToList();
        foreach (var other in await db.Cases.AsNoTracking().Where(c => others.Contains(c.Id)).Select(c => new { c.Id, c.Reference }).ToListAsync(ct))
        {
            references[other.Id] = other.Reference;
        }
        deadlines.AddRange(reviews.Where(r => references.ContainsKey(r.CaseId))
            .Select(r => new Deadline(r.CaseId, references[r.CaseId], "review", r.Date!.Value, T("Next review"))));
        return deadlines.Where(d => d.On >= today).OrderBy(d => d.On).ThenBy(d => d.Reference).ToList();
    }

    public string Ics(IReadOnlyList<Deadline> deadlines, DateTimeOffset now)
    {
        var calendar = new Calendar { ProductId = "-//SivTracker//Deadlines//EN" };
        calendar.AddProperty("X-WR-CALNAME", T("SivTracker deadlines"));
        foreach (var deadline in deadlines)
        {
            var link = links.Case(deadline.CaseId);
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{deadline.CaseId}-{deadline.Kind}@sivtracker",
                Summary = $"{deadline.Summary}: {deadline.Reference}",
                Description = link,
                Url = new Uri(link, UriKind.RelativeOrAbsolute),
                DtStart = new CalDateTime(deadline.On),
                DtStamp = new CalDateTime(now.UtcDateTime),
            });
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
