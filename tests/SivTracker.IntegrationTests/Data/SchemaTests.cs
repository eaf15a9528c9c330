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
            .UseNpgsql(connectionString).UseSnakeCaseNamingConvention().UseApplicationServiceProvider(AppDbContext.StandaloneServices).Options);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.AllOrganisations().Cases.CountAsync());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from pg_extension where extname = 'pg_trgm'", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task TheModel_HasNoChangesThatNeedAMigration()
    {
        await using var scope = Fixture.Scope();

        Assert.False(scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.HasPendingModelChanges(),
            "The EF model differs from the last migration: add one with dotnet ef migrations add.");
    }

    [Fact]
    public async Task TheHandWrittenObjects_ExistAfterMigrating()
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        async Task<long> CountAsync(string sql) => (long)(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync())!;

        Assert.Equal(2, await CountAsync("select count(*) from pg_trigger where tgrelid = 'audit_events'::regclass and tgname like 'audit_events_no_%'"));
        Assert.Equal(1, await CountAsync("select count(*) from pg_indexes where indexname = 'ix_persons_search_hashes' and indexdef like '%gin (search_hashes gin__int_ops)%'"));
        Assert.Equal(0, await CountAsync("select count(*) from information_schema.columns where table_name = 'persons' and column_name = 'search_name'"));
        Assert.Equal(1, await CountAsync("select count(*) from pg_indexes where indexname = 'ix_cases_organisation_id_upper_reference' and indexdef like '%upper((reference)::text)%'"));
        Assert.Equal(1, await CountAsync("select count(*) from pg_indexes where indexname = 'ix_cases_organisation_id_review_sort_id' and indexdef like '%WHERE ((review_urgency IS NOT NULL) AND (limit_reached_on IS NULL))%'"));
        Assert.Equal(1, await CountAsync("select count(*) from pg_proc where proname = 'uuid_v7'"));
        Assert.Equal(1, await CountAsync("select count(*) from information_schema.columns where table_name = 'cases' and column_name = 'review_sort' and is_generated = 'ALWAYS'"));
        Assert.Equal(1, await CountAsync("select count(*) from pg_extension where extname = 'pg_trgm'"));
        // And the trigger does its job, for whoever connects.
        await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("truncate audit_events", connection).ExecuteNonQueryAsync());
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
