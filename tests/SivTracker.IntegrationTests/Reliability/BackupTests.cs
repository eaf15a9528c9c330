using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Reliability;

public class BackupTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task ABackup_RestoresIntoAFreshDatabase_ThatTheAppServes_WithEncryptedFieldsReadableOnlyWithTheKeys()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        Guid personId;
        Guid scanId;
        // A tazkira scan kept in PostgreSQL (the default store), which the backup must carry, sealed.
        var scan = new byte[600_000];
        Random.Shared.NextBytes(scan);
        "%PDF-1.7\n"u8.CopyTo(scan);
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var person = new Person { OrganisationId = users.OrganisationA.Id, GivenNames = "Restored", FamilyName = "Person", TazkiraNumber = "TZ-7770001" };
            person.RefreshSearchFields();
            db.Persons.Add(person);
            await db.SaveChangesAsync();
            personId = person.Id;
            await using var transaction = await db.Database.BeginTransactionAsync();
            scanId = (await scope.ServiceProvider.GetRequiredService<SealedFiles>().WriteAsync(
                new StoredFile { OrganisationId = users.OrganisationA.Id, PersonId = person.Id, PersonKind = PersonFileKind.Tazkira, FileName = "tazkira.pdf", ContentType = "", DataKey = "" },
                new MemoryStream(scan), CancellationToken.None)).Id;
            await transaction.CommitAsync();
        }
        var folder = Directory.CreateTempSubdirectory("sivtracker-backup-").FullName;
        var backup = Path.Combine(folder, "test.dump.age");
        var key = Path.Combine(folder, "backup-key");
        var recipient = Path.Combine(folder, "backup-recipient");
        var restored = $"restored_{Guid.NewGuid():N}"[..20];
        try
        {
            var made = await RunAsync("backup.sh", key, recipient, backup);
            Assert.True(made.ExitCode == 0, made.Output);
            Assert.DoesNotContain("Restored", await File.ReadAllTextAsync(backup));
            // Only the public recipient is needed to make the next backup: the identity can leave this machine.
            File.Move(key, key + ".away");
            Assert.Equal(0, (await RunAsync("backup.sh", key, recipient, backup + ".second")).ExitCode);
            Assert.False(File.Exists(key), "a second backup made a new identity instead of using the recipient");
            File.Move(key + ".away", key);

            var wrongKey = Path.Combine(folder, "wrong-key");
            var madeWrong = await RunAsync("backup.sh", wrongKey, Path.Combine(folder, "wrong-recipient"), Path.Combine(folder, "other.dump.age"));
            Assert.Equal(0, madeWrong.ExitCode);
            var refused = await RunAsync("restore.sh", wrongKey, recipient, backup, restored);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.False(await DatabaseExistsAsync(restored), "a failed restore left a half-made database");

            // One byte changed in the middle of the file: authenticated encryption refuses it, and nothing is restored.
            var tampered = backup + ".tampered";
            var bytes = await File.ReadAllBytesAsync(backup);
            bytes[bytes.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(tampered, bytes);
            var altered = await RunAsync("restore.sh", key, recipient, tampered, restored);
            Assert.NotEqual(0, altered.ExitCode);
            Assert.Contains("altered", altered.Output);
            Assert.False(await DatabaseExistsAsync(restored), "a tampered backup left a database behind");

            var done = await RunAsync("restore.sh", key, recipient, backup, restored);
            Assert.True(done.ExitCode == 0, done.Output);

            // The restore re-applied the application role's grants: the app serves the restored database as that role.
            var restoredConnection = new NpgsqlConnectionStringBuilder(Fixture.ConnectionString) { Database = restored }.ConnectionString;
            var restoredForApp = new NpgsqlConnectionStringBuilder(Fixture.AppConnectionString) { Database = restored }.ConnectionString;
            await using (var app = Fixture.Factory.WithWebHostBuilder(b => b
                             .UseSetting("ConnectionStrings:Default", restoredForApp).UseSetting("ConnectionStrings:Migrations", restoredConnection)))
            {
                using var client = new AppClient(app);
                Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);
                var page = await client.GetHtmlAsync($"/Applicants/Details?id={personId}");
                Assert.Contains("TZ-7770001", page);
                Assert.Equal(scan, await (await client.GetAsync($"/Cases/Files?id={scanId}")).Content.ReadAsByteArrayAsync());
            }

            await using (var asApp = new NpgsqlConnection(restoredForApp))
            {
                await asApp.OpenAsync();
                var denied = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("delete from audit_events", asApp).ExecuteNonQueryAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
            }
            await using var connection = new NpgsqlConnection(restoredConnection);
            await connection.OpenAsync();
            Assert.Equal(DatabaseFixture.OwnerRole, await new NpgsqlCommand("select tableowner from pg_tables where tablename = 'audit_events'", connection).ExecuteScalarAsync());
            var stored = (string)(await new NpgsqlCommand($"select tazkira_number from persons where id = '{personId}'", connection).ExecuteScalarAsync())!;
            Assert.StartsWith("enc:test1:", stored);
            var rightKeys = FieldKeys.Current;
            try
            {
                FieldKeys.Current = new FieldKeys
                {
                    Keys = new Dictionary<string, byte[]> { ["test1"] = RandomNumberGenerator.GetBytes(32) }, CurrentKeyId = "test1", IndexKey = RandomNumberGenerator.GetBytes(32),
                };
                Assert.ThrowsAny<CryptographicException>(() => FieldProtection.Unprotect(stored));
            }
            finally
            {
                FieldKeys.Current = rightKeys;
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using (var admin = new NpgsqlConnection(Fixture.Server.AdminConnectionString))
            {
                await admin.OpenAsync();
                await new NpgsqlCommand($"drop database if exists \"{restored}\" with (force)", admin).ExecuteNonQueryAsync();
            }
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<bool> DatabaseExistsAsync(string name)
    {
        await using var admin = new NpgsqlConnection(Fixture.Server.AdminConnectionString);
        await admin.OpenAsync();
        return await new NpgsqlCommand($"select count(*) from pg_database where datname = '{name}'", admin).ExecuteScalarAsync() is 1L;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string script, string keyFile, string recipientFile, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(PostgresServer.RepositoryRoot(), "scripts", script));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // As on a server: the scripts dump and restore as the owner (ConnectionStrings__Migrations), and the restore
        // grants the application role (Database__AppRole) again.
        start.Environment["ConnectionStrings__Default"] = Fixture.AppConnectionString;
        start.Environment["ConnectionStrings__Migrations"] = Fixture.ConnectionString;
        start.Environment["Database__AppRole"] = DatabaseFixture.AppRole;
        start.Environment["BACKUP_KEY_FILE"] = keyFile;
        start.Environment["BACKUP_RECIPIENT_FILE"] = recipientFile;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + error);
    }
}
