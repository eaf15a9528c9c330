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
        var empty = await Fixture.Server.CreateDatabaseAsync(name);
        try
        {
            await using (var refusing = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Default", empty)))
            {
                var error = Assert.ThrowsAny<Exception>(() => refusing.CreateClient());
                Assert.Contains("pending migration", error.ToString());
                Assert.Contains("migrate", error.ToString());
            }
            await using var migrating = Fixture.Factory.WithWebHostBuilder(b => b
                .UseSetting("ConnectionStrings:Default", empty).UseSetting("Database:MigrateAtStartup", "true"));
            using var client = migrating.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
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
