using System.CommandLine;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Cli;

internal static class RotateKeysCommand
{
    private const int BatchSize = 1000;

    public static Command Create(IServiceProvider services)
    {
        var command = new Command("rotate-keys",
            "Re-encrypt every protected field with the current key (FieldEncryption__CurrentKeyId) and recompute every blind index with the current index key (FieldEncryption__IndexKey), in batches; values still unencrypted are encrypted too.");
        command.SetAction((parse, ct) => RunAsync(services, parse.InvocationConfiguration.Output, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var current = FieldKeys.Current!.CurrentKeyId;
        // Every organisation's protected fields are under the same key.
        var db = services.GetRequiredService<AppDbContext>().AllOrganisations();
        db.Database.SetCommandTimeout(AppDbContext.BatchCommandTimeoutSeconds);
        var rotateTable = typeof(RotateKeysCommand).GetMethod(nameof(RotateTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
        var rotateWhole = typeof(RotateKeysCommand).GetMethod(nameof(RotateWholeTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
        var total = 0;
        // The protected columns come from the model, so a newly encrypted column is rotated without being listed here.
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.BaseType is null))
        {
            var columns = entity.GetDerivedTypesInclusive().SelectMany(t => t.GetDeclaredProperties())
                .Where(p => FieldProtection.IsSealed(p) || FieldProtection.IsBlindIndex(p))
                .ToList();
            if (columns.Count == 0) continue;
            if (entity.FindPrimaryKey()?.Properties is not [var key])
            {
                // Identity's tokens (authenticator keys, recovery codes): a few rows a user, rewritten whole.
                var whole = (Task<int>)rotateWhole.MakeGenericMethod(entity.ClrType).Invoke(null, [db, entity, output, ct])!;
                total += await whole;
                continue;
            }
            // EF loads entities only through a typed set, hence the generic method made for each entity and key type.
            var rotation = (Task<int>)rotateTable.MakeGenericMethod(entity.ClrType, key.ClrType).Invoke(null, [db, entity, key, columns, current, output, ct])!;
            total += await rotation;
        }
        output.WriteLine($"Rotated {total} row(s) to key {current}.");
        return 0;
    }

    private static async Task<int> RotateWholeTableAsync<TEntity>(AppDbContext db, IEntityType entity, TextWriter output, CancellationToken ct)
        where TEntity : class
    {
        var rows = await db.Set<TEntity>().IgnoreQueryFilters().ToListAsync(ct);
        foreach (var row in rows)
        {
            foreach (var property in db.Entry(row).Properties.Where(p => FieldProtection.IsSealed(p.Metadata) || FieldProtection.IsBlindIndex(p.Metadata)))
            {
                property.IsModified = true;
            }
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        output.WriteLine($"{entity.GetTableName()}: {rows.Count} row(s) rotated");
        return rows.Count;
    }

    private static async Task<int> RotateTableAsync<TEntity, TKey>(AppDbContext db, IEntityType entity, IProperty key, List<IProperty> columns,
        string currentKeyId, TextWriter output, CancellationToken ct)
        where TEntity : class
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = entity.GetTableName()!;
        // Raw SQL finds the rows not yet under the current key or not yet indexed (the converters hide the stored form
        // from LINQ). Table and column names come from the model; the key prefix travels as a parameter.
        var condition = string.Join(" or ", columns.Select(p =>
        {
            var column = sql.DelimitIdentifier(p.GetColumnName());
            return FieldProtection.IsSealed(p)
                ? "(" + column + " is not null and " + column + " not like {0})"
                : "(" + column + " is not null and " + column + " not like {1})";
        }));
        var query = "select " + sql.DelimitIdentifier(key.GetColumnName()) + " as value from " + sql.DelimitIdentifier(table, entity.GetSchema())
            + " where " + condition + " limit " + BatchSize;
        var rotated = 0;
        while (true)
        {
            var ids = await db.Database.SqlQueryRaw<TKey>(query, $"enc:{currentKeyId}:%", FieldProtection.CurrentIndexPrefix + "%").ToListAsync(ct);
            if (ids.Count == 0) break;
            var rows = await db.Set<TEntity>().IgnoreQueryFilters().Where(r => ids.Contains(EF.Property<TKey>(r, key.Name))).ToListAsync(ct);
            foreach (var row in rows)
            {
                // Index values cannot be decrypted: they are made again from the sealed values they stand for.
                (row as Domain.IHasLookups)?.RefreshLookups();
                // Marking the fields modified writes them again through the converters: current key, fresh index.
                foreach (var property in db.Entry(row).Properties.Where(p => FieldProtection.IsSealed(p.Metadata) || FieldProtection.IsBlindIndex(p.Metadata)))
                {
                    property.IsModified = true;
                }
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            rotated += rows.Count;
            output.WriteLine($"{table}: {rotated} row(s) rotated");
        }
        return rotated;
    }
}
