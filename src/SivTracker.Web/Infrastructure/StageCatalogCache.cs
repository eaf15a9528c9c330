using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// The stage catalog as pages read it, kept a minute per instance: it changes rarely (System/Stages), and the instance
/// that saves a change forgets its copy at once. The stages handed out are shared by every request: read, never change.
/// </summary>
public static class StageCatalogCache
{
    private const string Key = "stage-catalog";

    public static async Task<IReadOnlyDictionary<string, Stage>> GetAsync(IMemoryCache cache, AppDbContext db, CancellationToken ct) =>
        (await cache.GetOrCreateAsync(Key, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
            return (IReadOnlyDictionary<string, Stage>)await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
        }))!;

    /// <summary>The stages in their order, for a stage filter's options.</summary>
    public static async Task<IEnumerable<SelectListItem>> ChoicesAsync(IMemoryCache cache, AppDbContext db, CancellationToken ct) =>
        (await GetAsync(cache, db, ct)).Values.OrderBy(s => s.SortOrder).Select(s => new SelectListItem(Text.T(s.Name), s.Code)).ToList();

    /// <summary>After a change to the catalog: the next page on this instance reads it again.</summary>
    public static void Forget(IMemoryCache cache) => cache.Remove(Key);
}
