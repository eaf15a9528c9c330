using System.Net;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;

namespace SivTracker.IntegrationTests.Reliability;

/// <summary>Migrations are a step of their own in production: the app will not serve a schema it does not know.</summary>
public class MigrationTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task WithPendingMigrations_TheAppRefusesToStart_UnlessToldToApplyThem()
    {
        var name = $"unmigrated_{Guid.NewGuid():N}"[..20];
        await Fixture.Server.CreateDatabaseAsync(name, DatabaseFixture.OwnerRole);
        // The app connects as the application role; migrations, when it may apply them, run as the owner.
        var app = new NpgsqlConnectionStringBuilder(Fixture.AppConnectionString) { Database = name }.ConnectionString;
        var owner = new NpgsqlConnectionStringBuilder(Fixture.ConnectionString) { Database = name }.ConnectionString;
        try
        {
            await using (var refusing = Fixture.Factory.WithWebHostBuilder(b => b
                             .UseSetting("ConnectionStrings:Default", app).UseSetting("ConnectionStrings:Migrations", owner)))
            {
                var error = Assert.ThrowsAny<Exception>(() => refusing.CreateClient());
                Assert.Contains("pending migration", error.ToString());
                Assert.Contains("migrate", error.ToString());
            }
            await using var migrating = Fixture.Factory.WithWebHostBuilder(b => b
                .UseSetting("ConnectionStrings:Default", app).UseSetting("ConnectionStrings:Migrations", owner).UseSetting("Database:MigrateAtStartup", "true"));
            using var client = migrating.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
            // Migrated by the owner, and the application role was granted what it needs, not the schema.
            await using var connection = new NpgsqlConnection(app);
            await connection.OpenAsync();
            Assert.Equal(DatabaseFixture.OwnerRole, await new NpgsqlCommand("select tableowner from pg_tables where tablename = 'audit_events'", connection).ExecuteScalarAsync());
            var refused = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("delete from audit_events", connection).ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Fixture.Server.AdminConnectionString);
            await admin.OpenAsync();
            await new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", admin).ExecuteNonQueryAsync();
        }
    }
}
