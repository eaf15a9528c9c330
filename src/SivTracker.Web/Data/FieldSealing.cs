using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace SivTracker.Web.Data;

/// <summary>
/// Brings every protected column up to the current keys, in batches of rows found by what their stored form says:
/// values still in clear (written before the column was sealed) are sealed, values under an earlier key re-encrypted,
/// blind indexes and search hashes made with an earlier index key made again. It runs after every migration, so an
/// installation that predates a sealed column is sealed by `migrate`; stopped part way, the next run goes on from
/// where it was. `rotate-keys` runs it after a key change.
/// </summary>
public static class FieldSealing
{
    private const int BatchSize = 1000;

    public static async Task<int> SealAsync(AppDbContext db, TextWriter output, CancellationToken ct)
    {
        var current = FieldKeys.Current!.CurrentKeyId;
        // Every organisation's protected fields are under the same key.
        db = db.AllOrganisations();
        db.Database.SetCommandTimeout(AppDbContext.BatchCommandTimeoutSeconds);
        var rotateTable = typeof(FieldSealing).GetMethod(nameof(RotateTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
        var rotateWhole = typeof(FieldSealing).GetMethod(nameof(RotateWholeTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
        var total = 0;
        // The protected columns come from the model, so a newly encrypted column is rotated without being listed here.
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.BaseType is null))
        {
            var columns = entity.GetDerivedTypesInclusive().SelectMany(t => t.GetDeclaredProperties())
                .Where(IsProtected)
                .ToList();
            if (columns.Count == 0) continue;
            if (entity.FindPrimaryKey()?.Properties is not [var key])
            {
                // Identity's tokens (authenticator keys, recovery codes): a few rows a user, rewritten whole.
                if (!await AnyStaleAsync(db, entity, columns, current, ct)) continue;
                var whole = (Task<int>)rotateWhole.MakeGenericMethod(entity.ClrType).Invoke(null, [db, entity, output, ct])!;
                total += await whole;
                continue;
            }
            // EF loads entities only through a typed set, hence the generic method made for each entity and key type.
            var rotation = (Task<int>)rotateTable.MakeGenericMethod(entity.ClrType, key.ClrType).Invoke(null, [db, entity, key, columns, current, output, ct])!;
            total += await rotation;
        }
        return total;
    }

    private static async Task<int> RotateWholeTableAsync<TEntity>(AppDbContext db, IEntityType entity, TextWriter output, CancellationToken ct)
        where TEntity : class
    {
        var rows = await db.Set<TEntity>().IgnoreQueryFilters().ToListAsync(ct);
        foreach (var row in rows)
        {
            foreach (var property in db.Entry(row).Properties.Where(p => IsProtected(p.Metadata)))
            {
                property.IsModified = true;
            }
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        output.WriteLine($"{entity.GetTableName()}: {rows.Count} row(s) sealed");
        return rows.Count;
    }

    private static async Task<int> RotateTableAsync<TEntity, TKey>(AppDbContext db, IEntityType entity, IProperty key, List<IProperty> columns,
        string currentKeyId, TextWriter output, CancellationToken ct)
        where TEntity : class
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = entity.GetTableName()!;
        var query = "select " + sql.DelimitIdentifier(key.GetColumnName()) + " as value from " + sql.DelimitIdentifier(table, entity.GetSchema())
            + " where " + StaleCondition(sql, columns) + " limit " + BatchSize;
        var rotated = 0;
        while (true)
        {
            var ids = await db.Database.SqlQueryRaw<TKey>(query, StaleParameters(currentKeyId)).ToListAsync(ct);
            if (ids.Count == 0) break;
            var batch = db.Set<TEntity>().IgnoreQueryFilters().Where(r => ids.Contains(EF.Property<TKey>(r, key.Name)));
            // A person's search hashes cover their aliases' spellings too.
            if (batch is IQueryable<Domain.Person> people) batch = (IQueryable<TEntity>)people.Include(p => p.Aliases);
            var rows = await batch.ToListAsync(ct);
            foreach (var row in rows)
            {
                // Index values cannot be decrypted: they are made again from the sealed values they stand for.
                (row as Domain.IHasLookups)?.RefreshLookups();
                // Marking the fields modified writes them again through the converters: current key, fresh index.
                foreach (var property in db.Entry(row).Properties.Where(p => IsProtected(p.Metadata)))
                {
                    property.IsModified = true;
                }
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            rotated += rows.Count;
            output.WriteLine($"{table}: {rotated} row(s) sealed");
        }
        return rotated;
    }

    /// <summary>
    /// Rows not yet under the current key or not yet indexed with it, in raw SQL: the converters hide the stored form
    /// from LINQ. Column names come from the model; the key prefixes travel as parameters (<see cref="StaleParameters"/>).
    /// </summary>
    private static string StaleCondition(ISqlGenerationHelper sql, IEnumerable<IProperty> columns) =>
        string.Join(" or ", columns.Select(p =>
        {
            var column = sql.DelimitIdentifier(p.GetColumnName());
            return FieldProtection.IsSealed(p) ? "(" + column + " is not null and " + column + " not like {0})"
                : FieldProtection.IsSearchHash(p) ? "(" + column + "[1] is distinct from {2})"
                : "(" + column + " is not null and " + column + " not like {1})";
        }));

    private static object[] StaleParameters(string currentKeyId) =>
        [$"enc:{currentKeyId}:%", FieldProtection.CurrentIndexPrefix + "%", FieldProtection.SearchKeyCheck];

    private static async Task<bool> AnyStaleAsync(AppDbContext db, IEntityType entity, IEnumerable<IProperty> columns, string currentKeyId, CancellationToken ct)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var query = "select 1 as value from " + sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema()) + " where " + StaleCondition(sql, columns) + " limit 1";
        return await db.Database.SqlQueryRaw<int>(query, StaleParameters(currentKeyId)).AnyAsync(ct);
    }

    private static bool IsProtected(IReadOnlyProperty property) =>
        FieldProtection.IsSealed(property) || FieldProtection.IsBlindIndex(property) || FieldProtection.IsSearchHash(property);
}
