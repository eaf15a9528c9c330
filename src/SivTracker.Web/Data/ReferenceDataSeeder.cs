using Microsoft.AspNetCore.Identity;
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
        var existingRoles = await db.Roles.Select(r => r.Name).ToListAsync(ct);
        var missingRoles = Roles.All.Where(r => !existingRoles.Contains(r))
            .Select(r => new IdentityRole<Guid> { Id = Guid.CreateVersion7(), Name = r, NormalizedName = r.ToUpperInvariant(), ConcurrencyStamp = Guid.NewGuid().ToString() })
            .ToList();
        db.Roles.AddRange(missingRoles);
        await db.SaveChangesAsync(ct);
        return missing.Count + missingRoles.Count;
    }
}
