using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SivTracker.Web.Data;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>
/// One migrated database for the whole run, emptied before each test but for its reference data. As in production,
/// an owner role migrates it and the app under test connects as an application role holding only the grants of
/// Data/AppRoleGrants.sql.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    /// <summary>Owns the database and its schema, runs migrations; may create databases, for the restore test.</summary>
    public const string OwnerRole = "sivtracker_test_owner";

    /// <summary>What the app under test (<see cref="Factory"/>) and the CLI commands it runs connect as.</summary>
    public const string AppRole = "sivtracker_test_app";

    private string _resetSql = "";
    private string _resetConnectionString = "";

    public PostgresServer Server { get; private set; } = null!;

    /// <summary>
    /// The owner's connection: for what the app may not do, such as raw reads of what the database holds, taking a
    /// table lock, pg_dump and the backup scripts. Server-wide views and dropping databases need the superuser
    /// (<see cref="PostgresServer.AdminConnectionString"/>).
    /// </summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The application role's connection, the app's ConnectionStrings:Default.</summary>
    public string AppConnectionString { get; private set; } = "";

    public SivWebFactory Factory { get; private set; } = null!;

    /// <summary>Where mailed links point (App:PublicUrl). Test requests go to localhost, so a link built from the request would show.</summary>
    public const string PublicUrl = "https://sivtracker.test";

    /// <summary>Starts at a fixed instant so date rules are reproducible; tests move it as they need.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        Server = await PostgresServer.StartAsync();
        var owner = await Server.CreateLoginRoleAsync(OwnerRole, canCreateDatabases: true);
        var app = await Server.CreateLoginRoleAsync(AppRole);
        _resetConnectionString = await Server.CreateDatabaseAsync("sivtracker_test", OwnerRole);
        ConnectionString = new NpgsqlConnectionStringBuilder(owner) { Database = "sivtracker_test" }.ConnectionString;
        AppConnectionString = new NpgsqlConnectionStringBuilder(app) { Database = "sivtracker_test" }.ConnectionString;
        // The app reads its connection strings while Program builds, before any test hook could add them. `migrate`
        // (the CLI tests) runs as the owner and grants the application role, as in production.
        Environment.SetEnvironmentVariable("ConnectionStrings__Default", AppConnectionString);
        Environment.SetEnvironmentVariable("ConnectionStrings__Migrations", ConnectionString);
        Environment.SetEnvironmentVariable("Database__AppRole", AppRole);
        // Fixed test keys for field encryption; production keys live in a key file outside the database.
        Environment.SetEnvironmentVariable("FieldEncryption__Keys__test1", Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
        Environment.SetEnvironmentVariable("FieldEncryption__CurrentKeyId", "test1");
        Environment.SetEnvironmentVariable("FieldEncryption__IndexKey", Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray()));
        Environment.SetEnvironmentVariable("App__PublicUrl", PublicUrl);
        // Tests run the sweep themselves, on the days they choose.
        Environment.SetEnvironmentVariable("Sweep__Enabled", "false");
        // Test hosts start and stop by the dozen; the drain before shutdown is for instances behind a proxy.
        Environment.SetEnvironmentVariable("Telemetry__DrainSeconds", "0");
        // Each test reads the dashboard figures of the data it just made.
        Environment.SetEnvironmentVariable("Dashboard__CacheSeconds", "0");
        // Tests send webhook messages themselves, pass by pass, to receivers on loopback; one test runs the sender service.
        Environment.SetEnvironmentVariable("Webhooks__Enabled", "false");
        Environment.SetEnvironmentVariable("Webhooks__AllowLocalReceivers", "true");
        Environment.SetEnvironmentVariable("Webhooks__FirstRetry", "00:00:00");
        // Long enough for a loopback answer on two cores busy with the other test classes, short enough for the timeout test.
        Environment.SetEnvironmentVariable("Webhooks__Timeout", "00:00:03");
        // Most tests sign in as admins with a password only; one test turns the two-factor requirement on for itself.
        Environment.SetEnvironmentVariable("Security__RequireTwoFactorForRoles", " ");
        // Tests sign in hundreds of times from one address; one test checks the limit on its own host.
        Environment.SetEnvironmentVariable("RateLimits__SignInsPerMinute", "100000");
        Environment.SetEnvironmentVariable("RateLimits__SearchesPerMinute", "100000");
        Environment.SetEnvironmentVariable("RateLimits__IntakesPerHour", "100000");
        Environment.SetEnvironmentVariable("RateLimits__ApiRequestsPerMinute", "100000");
        // Migrations are a separate step in production too (the app refuses to start on a schema it does not know), and
        // this is the step `migrate` takes: migrations, reference data and the application role's grants, as the owner.
        // The host loads the keys at startup; `migrate` seals what is still in clear, so it needs them first.
        SivTracker.Web.Data.FieldKeys.Current = SivTracker.Web.Data.FieldKeys.Load(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        await new SchemaMigration(ConnectionString, AppRole, []).RunAsync();
        Factory = new SivWebFactory(Time);
        await using var connection = new NpgsqlConnection(_resetConnectionString);
        await connection.OpenAsync();
        // The audit table refuses DELETE by design: its rows stay, and tests look only at their own. The key ring stays
        // too, as it would in production, so cookies made before a reset still decrypt. The catalog and roles are
        // reference data.
        await using var tables = new NpgsqlCommand("""
            select quote_ident(tablename) from pg_tables where schemaname = 'public'
            and tablename not in ('__EFMigrationsHistory', 'stages', 'roles', 'audit_events', 'data_protection_keys')
            """, connection);
        var names = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        }
        // DELETE, not TRUNCATE: a test leaves a few rows, and truncating some sixty tables (new files for each table and
        // index) took a fifth of a second before every test. Replica mode skips the foreign-key checks, so the order of
        // the tables does not matter; it takes a superuser, whose connection this is.
        _resetSql = $"set session_replication_role = replica; {string.Concat(names.Select(n => $"delete from {n}; "))}set session_replication_role = origin;";
    }

    public async Task ResetAsync()
    {
        await using var connection = new NpgsqlConnection(_resetConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand(_resetSql, connection).ExecuteNonQueryAsync();
        // AdjustTime may move backwards, unlike SetUtcNow.
        Time.AdjustTime(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    }

    /// <summary>A fresh DI scope, as a request would have, with its own context.</summary>
    public AsyncServiceScope Scope() => Factory.Services.CreateAsyncScope();

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<DatabaseFixture>
{
    public const string Name = "database";
}

/// <summary>Base for tests that share the database: each starts from empty tables.</summary>
[Collection(DatabaseCollection.Name)]
public abstract class DatabaseTest(DatabaseFixture fixture) : IAsyncLifetime
{
    protected DatabaseFixture Fixture { get; } = fixture;

    public virtual Task InitializeAsync() => Fixture.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
