using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data;

/// <summary>
/// The order of the caseworker's case lists (the cases list, the API's, the dashboard's own cases): fewest days left
/// before the limit first, so the most days over lead, then the cases nearest their limit; cases whose clock has not
/// started (no limit yet) last; then the id.
/// </summary>
/// <remarks>
/// Today's days left cannot be one stored key: a running clock's fall by one a day while a paused or stopped one's stand
/// still. Each kind is read in order from its own index (migration CaseListOrder) and the page is the merge of the three
/// first pages, so a page costs the same at any caseload: running clocks by the day they reach their limit (days left
/// today are the days until then), the others by their stored days left, the unstarted by id.
/// </remarks>
public static class CaseListOrder
{
    /// <summary>Where a page ends: the last case's days left today (null when its clock has not started) and its id.</summary>
    public sealed record Cursor(int? DaysLeft, Guid Id);

    public static Task<Cursor?> CursorAsync(AppDbContext db, Guid caseId, DateOnly today, CancellationToken ct) =>
        db.Cases.AsNoTracking().Where(c => c.Id == caseId)
            .Select(c => new Cursor(c.LimitDays - CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today), c.Id))
            .FirstOrDefaultAsync(ct);

    /// <summary>
    /// Up to <paramref name="take"/> of <paramref name="cases"/> after <paramref name="after"/>, in list order. A clock
    /// state, or a range of days left today (which leaves out the unstarted), narrows the cases and the indexes read.
    /// </summary>
    public static IQueryable<Case> Page(IQueryable<Case> cases, DateOnly today, int take, Cursor? after = null,
        ClockState? state = null, int? minDaysLeft = null, int? maxDaysLeft = null)
    {
        if (state is { } only) cases = cases.Where(c => c.ClockState == only);
        var running = cases.Where(c => c.LimitReachedOn != null);
        var settled = cases.Where(c => c.LimitReachedOn == null && c.LimitDays != null);
        var unstarted = cases.Where(c => c.LimitDays == null);
        if (minDaysLeft is { } min)
        {
            var reachedFrom = today.AddDays(min);
            running = running.Where(c => c.LimitReachedOn >= reachedFrom);
            settled = settled.Where(c => c.LimitDays!.Value - c.GovernmentDays >= min);
        }
        if (maxDaysLeft is { } max)
        {
            var reachedBy = today.AddDays(max);
            running = running.Where(c => c.LimitReachedOn <= reachedBy);
            settled = settled.Where(c => c.LimitDays!.Value - c.GovernmentDays <= max);
        }
        if (after is { DaysLeft: { } daysLeft })
        {
            var reachedOn = today.AddDays(daysLeft);
            running = running.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.LimitReachedOn!.Value, c.Id), ValueTuple.Create(reachedOn, after.Id)));
            settled = settled.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.LimitDays!.Value - c.GovernmentDays, c.Id), ValueTuple.Create(daysLeft, after.Id)));
        }
        else if (after is not null)
        {
            unstarted = unstarted.Where(c => c.Id.CompareTo(after.Id) > 0);
        }
        var startedAfter = after is null or { DaysLeft: not null };
        var ranged = minDaysLeft is not null || maxDaysLeft is not null;
        // A running clock is running by its state; a paused or stopped one has a limit and no day it reaches it.
        List<IQueryable<Case>> firstPages = [];
        if (startedAfter && state is null or ClockState.Running)
            firstPages.Add(running.OrderBy(c => c.LimitReachedOn).ThenBy(c => c.Id).Take(take));
        if (startedAfter && state is not ClockState.NotStarted)
            firstPages.Add(settled.OrderBy(c => c.LimitDays!.Value - c.GovernmentDays).ThenBy(c => c.Id).Take(take));
        if (!ranged && state is null or ClockState.NotStarted)
            firstPages.Add(unstarted.OrderBy(c => c.Id).Take(take));
        // PostgreSQL sorts a missing figure after every other in ascending order: the unstarted come last.
        return firstPages.Aggregate((page, next) => page.Concat(next))
            .OrderBy(c => c.LimitDays - CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today)).ThenBy(c => c.Id)
            .Take(take);
    }
}
