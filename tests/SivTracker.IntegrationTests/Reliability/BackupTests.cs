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
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var person = new Person { OrganisationId = users.OrganisationA.Id, GivenNames = "Restored", FamilyName = "Person", TazkiraNumber = "TZ-7770001" };
            person.RefreshSearchFields();
            db.Persons.Add(person);
            await db.SaveChangesAsync();
            personId = person.Id;
        }
        var folder = Directory.CreateTempSubdirectory("sivtracker-backup-").FullName;
        var backup = Path.Combine(folder, "test.dump.enc");
        var key = Path.Combine(folder, "backup-key");
        var restored = $"restored_{Guid.NewGuid():N}"[..20];
        try
        {
            var made = await RunAsync("backup.sh", key, backup);
            Assert.True(made.ExitCode == 0, made.Output);
            Assert.DoesNotContain("Restored", await File.ReadAllTextAsync(backup));

            var wrongKey = Path.Combine(folder, "wrong-key");
            await File.WriteAllTextAsync(wrongKey, "not the passphrase");
            var refused = await RunAsync("restore.sh", wrongKey, backup, restored);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.False(await DatabaseExistsAsync(restored), "a failed restore left a half-made database");

            var done = await RunAsync("restore.sh", key, backup, restored);
            Assert.True(done.ExitCode == 0, done.Output);

            var restoredConnection = new NpgsqlConnectionStringBuilder(Fixture.ConnectionString) { Database = restored }.ConnectionString;
            await using (var app = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Default", restoredConnection)))
            {
                using var client = new AppClient(app);
                Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);
                var page = await client.GetHtmlAsync($"/Applicants/Details?id={personId}");
                Assert.Contains("TZ-7770001", page);
            }

            await using var connection = new NpgsqlConnection(restoredConnection);
            await connection.OpenAsync();
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

    private async Task<(int ExitCode, string Output)> RunAsync(string script, string keyFile, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(PostgresServer.RepositoryRoot(), "scripts", script));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__Default"] = Fixture.ConnectionString;
        start.Environment["BACKUP_KEY_FILE"] = keyFile;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + error);
    }
}
