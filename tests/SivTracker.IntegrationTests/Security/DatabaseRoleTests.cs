using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Cli;
using SivTracker.Web.Data;

namespace SivTracker.IntegrationTests.Security;

/// <summary>
/// The app connects as an application role that may read and write data and append to the audit trail, nothing more:
/// whoever holds its connection string cannot switch the audit trigger off, rewrite the trail or change the schema.
/// </summary>
public class DatabaseRoleTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Theory]
    [InlineData("alter table audit_events disable trigger all")]
    [InlineData("delete from audit_events")]
    [InlineData("update audit_events set action = 'rewritten'")]
    [InlineData("truncate audit_events")]
    [InlineData("drop table audit_events")]
    [InlineData("create table x (i int)")]
    [InlineData("alter table audit_events owner to sivtracker_test_app")]
    [InlineData("drop function audit_events_append_only() cascade")]
    [InlineData("alter table persons add column x int")]
    [InlineData("drop table persons cascade")]
    [InlineData("create schema x")]
    [InlineData("set role sivtracker_test_owner")]
    [InlineData("create role x login superuser")]
    public async Task TheApplicationRole_CannotRewriteTheAuditTrailOrChangeTheSchema(string sql)
    {
        var action = $"test.role-{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(Fixture.AppConnectionString);
        await connection.OpenAsync();
        await using (var append = new NpgsqlCommand("insert into audit_events (id, at, action) values (gen_random_uuid(), now(), @action)", connection))
        {
            append.Parameters.AddWithValue("action", action);
            await append.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync());

        // Refused for want of privilege, before the append-only trigger is even reached.
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        await using var owner = new NpgsqlConnection(Fixture.ConnectionString);
        await owner.OpenAsync();
        await using var row = new NpgsqlCommand("select count(*) from audit_events where action = @action", owner);
        row.Parameters.AddWithValue("action", action);
        Assert.Equal(1L, await row.ExecuteScalarAsync());
        Assert.Equal(2L, await new NpgsqlCommand(
            "select count(*) from pg_trigger where tgrelid = 'audit_events'::regclass and tgname like 'audit_events_no_%' and tgenabled = 'O'", owner).ExecuteScalarAsync());
    }

    [Fact]
    public async Task TheApp_ConnectsAsTheApplicationRole_AndStillWritesItsAuditTrail()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, users.OrganisationA.Id, "Granted", "Person");
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        var page = await client.GetAsync($"/Applicants/Details?id={person.Id}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await using (var scope = Fixture.Scope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking();
            Assert.True(await audit.AnyAsync(a => a.Action == "person.viewed" && a.EntityId == person.Id.ToString() && a.UserId == users.CaseworkerA.Id));
        }
        await using var connection = await Fixture.Factory.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        Assert.Equal(DatabaseFixture.AppRole, await new NpgsqlCommand("select current_user::text", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task TheApplicationRole_HoldsExactlyItsGrants_AndOwnsNothing()
    {
        await using var owner = new NpgsqlConnection(Fixture.ConnectionString);
        await owner.OpenAsync();
        async Task<List<string>> ListAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, owner);
            command.Parameters.AddWithValue("role", DatabaseFixture.AppRole);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            return rows;
        }

        // Per table, the privileges the role holds, memberships and grants to PUBLIC included.
        var held = await ListAsync("""
            select c.relname || ':' || concat_ws(',',
                case when has_table_privilege(@role, c.oid, 'SELECT') then 'select' end,
                case when has_table_privilege(@role, c.oid, 'INSERT') then 'insert' end,
                case when has_table_privilege(@role, c.oid, 'UPDATE') then 'update' end,
                case when has_table_privilege(@role, c.oid, 'DELETE') then 'delete' end,
                case when has_table_privilege(@role, c.oid, 'TRUNCATE') then 'truncate' end,
                case when has_table_privilege(@role, c.oid, 'REFERENCES') then 'references' end,
                case when has_table_privilege(@role, c.oid, 'TRIGGER') then 'trigger' end)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p')
            """);
        Assert.Contains("audit_events:select,insert", held);
        Assert.Contains("__EFMigrationsHistory:select", held);
        Assert.All(held.Where(t => !t.StartsWith("audit_events:") && !t.StartsWith("__EFMigrationsHistory:")),
            t => Assert.EndsWith(":select,insert,update,delete", t));
        Assert.True(held.Count > 20, $"only {held.Count} tables found");

        Assert.Equal("f,f,f,f,f", Assert.Single(await ListAsync(
            "select concat_ws(',', rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls) from pg_roles where rolname = @role")));
        Assert.Equal("f,f,t,t", Assert.Single(await ListAsync(
            "select concat_ws(',', has_database_privilege(@role, current_database(), 'CREATE'), has_schema_privilege(@role, 'public', 'CREATE'), " +
            "has_database_privilege(@role, current_database(), 'CONNECT'), has_schema_privilege(@role, 'public', 'USAGE'))")));
        Assert.Empty(await ListAsync("""
            select relname::text from pg_class where pg_has_role(@role, relowner, 'MEMBER')
            union all select proname::text from pg_proc where pg_has_role(@role, proowner, 'MEMBER')
            union all select nspname::text from pg_namespace where pg_has_role(@role, nspowner, 'MEMBER') and nspname not like 'pg\_temp\_%' and nspname not like 'pg\_toast\_temp\_%'
            union all select datname::text from pg_database where pg_has_role(@role, datdba, 'MEMBER')
            """));
        // Identity columns draw from their sequences; the role may use every sequence there is.
        Assert.Empty(await ListAsync("""
            select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and case when c.relkind = 'S' then not has_sequence_privilege(@role, c.oid, 'USAGE') else false end
            """));
    }

    [Fact]
    public async Task Migrate_ReappliesTheGrants_AndTakesBackWhatWasGrantedByHand()
    {
        await using (var owner = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await owner.OpenAsync();
            await new NpgsqlCommand($"grant update, delete, truncate on audit_events to {DatabaseFixture.AppRole}", owner).ExecuteNonQueryAsync();
        }
        try
        {
            var output = new StringWriter();

            var exitCode = await CommandLine.RunAsync(Fixture.Factory.Services, ["migrate"], new StringReader(""), output, new StringWriter());

            Assert.Equal(0, exitCode);
            Assert.Contains($"Granted the application role {DatabaseFixture.AppRole} its privileges.", output.ToString());
            await using var connection = new NpgsqlConnection(Fixture.AppConnectionString);
            await connection.OpenAsync();
            var error = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("truncate audit_events", connection).ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
        finally
        {
            // Whatever happened above, the tests after this one get the role as the fixture made it.
            await AppRoleGrants.ApplyAsync(Fixture.ConnectionString, DatabaseFixture.AppRole);
        }
    }

    [Fact]
    public async Task Migrate_RefusesAnApplicationRoleThatCouldActAsTheOwner_AndSaysWhy()
    {
        const string risky = "sivtracker_test_risky";
        await using var admin = new NpgsqlConnection(Fixture.Server.AdminConnectionString);
        await admin.OpenAsync();
        await new NpgsqlCommand($"drop role if exists {risky}", admin).ExecuteNonQueryAsync();
        await new NpgsqlCommand($"create role {risky} login in role {DatabaseFixture.OwnerRole}", admin).ExecuteNonQueryAsync();
        try
        {
            await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Database:AppRole", risky));
            var error = new StringWriter();

            var exitCode = await CommandLine.RunAsync(factory.Services, ["migrate"], new StringReader(""), new StringWriter(), error);

            Assert.Equal(1, exitCode);
            Assert.Contains($"The application role {risky} owns this database, its schema or objects in it, or is a member of a role that does", error.ToString());
            await Assert.ThrowsAsync<AppRoleGrants.Refused>(() => AppRoleGrants.ApplyAsync(Fixture.ConnectionString, "sivtracker_test_missing"));
        }
        finally
        {
            await new NpgsqlCommand($"drop role if exists {risky}", admin).ExecuteNonQueryAsync();
        }
    }

    [Theory]
    [InlineData("sivtracker_app", true)]
    [InlineData("_app2", true)]
    [InlineData("SivTracker", false)]
    [InlineData("2app", false)]
    [InlineData("app\"; drop table audit_events; --", false)]
    [InlineData("app'", false)]
    [InlineData("app\n", false)]
    [InlineData("", false)]
    public void RoleNames_ArePlainLowerCaseIdentifiers(string name, bool valid)
    {
        Assert.Equal(valid, AppRoleGrants.IsValidRoleName(name));
    }
}
