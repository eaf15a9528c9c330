using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data;

/// <summary>Inserts the reference data that is missing and never touches what is there: admins may have edited it.</summary>
public static class ReferenceDataSeeder
{
    public static async Task<int> SeedAsync(AppDbContext db, CancellationToken ct = default)
    {
        var existing = await db.Stages.Select(s => s.Code).ToListAsync(ct);
        var missing = StageCatalog.Defaults().Where(s => !existing.Contains(s.Code)).ToList();
        db.Stages.AddRange(missing);
        await db.SaveChangesAsync(ct);
        return missing.Count;
    }
}
