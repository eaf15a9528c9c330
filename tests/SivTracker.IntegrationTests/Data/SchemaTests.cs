using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Data;

public class SchemaTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task Migrations_ApplyToAnEmptyDatabase()
    {
        var connectionString = await Fixture.Server.CreateDatabaseAsync("sivtracker_empty");
        await using var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.Cases.CountAsync());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from pg_extension where extname = 'pg_trgm'", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task StageCatalog_SeedsExactlyTheDomainStages_AndReseedingChangesNothing()
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var before = await db.Stages.AsNoTracking().OrderBy(s => s.SortOrder).ToListAsync();

        var inserted = await ReferenceDataSeeder.SeedAsync(db);

        var after = await db.Stages.AsNoTracking().OrderBy(s => s.SortOrder).ToListAsync();
        Assert.Equal(0, inserted);
        // The defaults themselves are checked against DOMAIN.md in the unit tests.
        Assert.Equal(StageCatalog.Defaults().Select(s => (s.Code, s.ClockOwner)), after.Select(s => (s.Code, s.ClockOwner)));
        // xmin changes on any write, so equal versions prove the rows were not touched.
        Assert.Equal(before.Select(s => s.Version), after.Select(s => s.Version));
    }

    [Fact]
    public async Task ReseedingAfterAnAdminRename_KeepsTheAdminsName()
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var stage = await db.Stages.SingleAsync(s => s.Code == StageCatalog.ComReview);
        var original = stage.Name;
        stage.Name = "Embassy review";
        await db.SaveChangesAsync();
        try
        {
            await ReferenceDataSeeder.SeedAsync(db);
            db.ChangeTracker.Clear();
            Assert.Equal("Embassy review", (await db.Stages.SingleAsync(s => s.Code == StageCatalog.ComReview)).Name);
        }
        finally
        {
            await db.Stages.Where(s => s.Code == StageCatalog.ComReview).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, original));
        }
    }
}
