using System.Diagnostics;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;

namespace SivTracker.IntegrationTests.Reliability;

/// <summary>
/// Point-in-time recovery on a cluster of its own, archiving as deploy/postgres/wal-archive.conf says: a base backup,
/// then the encrypted WAL archive, replayed by scripts/restore.sh --to-time into a new database.
/// </summary>
// The scripts and the cluster are Linux ones, like the servers SivTracker runs on.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PointInTimeRecoveryTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        var root = Environment.GetEnvironmentVariable("SIVTRACKER_TEST_ROOT") is { Length: > 0 } given ? given : Path.GetTempPath();
        _folder = Directory.CreateDirectory(Path.Combine(root, $"pitr-{Guid.NewGuid():N}"[..13])).FullName;
        // The cluster runs as the postgres user when the tests run as root: it must reach the archive and the script.
        foreach (var dir in new[] { _folder, Directory.CreateDirectory(Path.Combine(_folder, "wal")).FullName })
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
        }
        var script = Path.Combine(_folder, "archive-wal.sh");
        File.Copy(Path.Combine(PostgresServer.RepositoryRoot(), "scripts", "archive-wal.sh"), script);
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        var keygen = await RunAsync("age-keygen", "-o", Key);
        Assert.True(keygen.ExitCode == 0, keygen.Output);
        var recipient = await RunAsync("age-keygen", "-y", Key);
        await File.WriteAllTextAsync(Recipient, recipient.Output.Trim() + "\n");
        File.SetUnixFileMode(Recipient, (UnixFileMode)0b110_100_100);

        _server = await PostgresServer.StartAsync();
        await using (var admin = new NpgsqlConnection(_server.AdminConnectionString))
        {
            await admin.OpenAsync();
            foreach (var setting in new[]
                     {
                         "archive_mode = on", "archive_timeout = 60",
                         $"archive_command = '{script} %p %f {Path.Combine(_folder, "wal")} {Recipient}'",
                     })
            {
                await new NpgsqlCommand($"alter system set {setting}", admin).ExecuteNonQueryAsync();
            }
            await new NpgsqlCommand("create database sivtracker", admin).ExecuteNonQueryAsync();
        }
        // archive_mode takes effect on a restart only.
        NpgsqlConnection.ClearAllPools();
        await _server.StopClusterAsync();
        await _server.StartClusterAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string Key => Path.Combine(_folder, "backup-key");

    private string Recipient => Path.Combine(_folder, "backup-recipient");

    private string Database(string name) => new NpgsqlConnectionStringBuilder(_server.AdminConnectionString) { Database = name }.ConnectionString;

    [Fact]
    public async Task ARestoreToANotedTime_HoldsWhatWasWrittenBefore_AndNothingAfter()
    {
        var made = await RunScriptAsync("basebackup.sh", Path.Combine(_folder, "base"));
        Assert.True(made.ExitCode == 0, made.Output);
        Assert.Single(Directory.GetFiles(Path.Combine(_folder, "base"), "base-*Z.tar.age"));

        await using var app = new NpgsqlConnection(Database("sivtracker"));
        await app.OpenAsync();
        // Base backups are named to the second they finished: the noted time must lie after this one's.
        await WaitForNextSecondAsync(app);
        await Execute(app, "create table notes (body text); insert into notes values ('A')");
        // A noted time as an operator reads it off a clock, to the second: A lies before it, B after it.
        var noted = await WaitForNextSecondAsync(app);
        await WaitForNextSecondAsync(app);
        await Execute(app, "insert into notes values ('B')");
        var segment = (string)(await new NpgsqlCommand("select pg_walfile_name(pg_switch_wal())", app).ExecuteScalarAsync())!;
        await WaitUntilArchivedAsync(app, segment);

        var archived = Directory.GetFiles(Path.Combine(_folder, "wal"), "*.age");
        Assert.NotEmpty(archived);
        // Archived segments are sealed for the backup recipient: no clear text of the notes on disk.
        foreach (var file in archived)
        {
            Assert.DoesNotContain("create table notes", await File.ReadAllTextAsync(file));
        }

        var restore = await RunScriptAsync("restore.sh", "--to-time", noted.ToString("yyyy-MM-dd HH:mm:ss"), "recovered");
        Assert.True(restore.ExitCode == 0, restore.Output);
        await using (var recovered = new NpgsqlConnection(Database("recovered")))
        {
            await recovered.OpenAsync();
            var rows = new List<string>();
            await using var reader = await new NpgsqlCommand("select body from notes order by body", recovered).ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            Assert.Equal(["A"], rows);
        }

        // A time past the end of the archive is refused, and leaves no database behind.
        var tooLate = await RunScriptAsync("restore.sh", "--to-time", noted.AddHours(1).ToString("yyyy-MM-dd HH:mm:ss"), "too_late");
        Assert.NotEqual(0, tooLate.ExitCode);
        Assert.Contains("did not reach", tooLate.Output);
        await using var admin = new NpgsqlConnection(_server.AdminConnectionString);
        await admin.OpenAsync();
        Assert.Equal(0L, await new NpgsqlCommand("select count(*) from pg_database where datname = 'too_late'", admin).ExecuteScalarAsync());
    }

    private static async Task Execute(NpgsqlConnection connection, string sql) => await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();

    /// <summary>Waits on the server's clock until a new second begins and returns that second, in UTC.</summary>
    private static async Task<DateTime> WaitForNextSecondAsync(NpgsqlConnection connection)
    {
        var now = (DateTime)(await new NpgsqlCommand("select clock_timestamp()", connection).ExecuteScalarAsync())!;
        var next = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddSeconds(1);
        await Task.Delay(next - now + TimeSpan.FromMilliseconds(20));
        return next;
    }

    private static async Task WaitUntilArchivedAsync(NpgsqlConnection connection, string segment)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var last = await new NpgsqlCommand("select coalesce(last_archived_wal, '') from pg_stat_archiver", connection).ExecuteScalarAsync() as string;
            if (string.CompareOrdinal(last, segment) >= 0) return;
            Assert.True(DateTime.UtcNow < deadline, $"segment {segment} was not archived within a minute (last: {last})");
            await Task.Delay(100);
        }
    }

    private Task<(int ExitCode, string Output)> RunScriptAsync(string script, params string[] args) =>
        RunAsync("bash", [Path.Combine(PostgresServer.RepositoryRoot(), "scripts", script), .. args], new Dictionary<string, string>
        {
            ["ConnectionStrings__Migrations"] = Database("sivtracker"),
            ["BACKUP_KEY_FILE"] = Key,
            ["BACKUP_RECIPIENT_FILE"] = Recipient,
            ["BASE_BACKUP_DIR"] = Path.Combine(_folder, "base"),
            ["WAL_ARCHIVE_DIR"] = Path.Combine(_folder, "wal"),
            ["TMPDIR"] = _folder,
            // A plain table, no application role to grant (the backup test covers the grants).
            ["Database__AppRole"] = "",
        });

    private static Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args) => RunAsync(program, args, new Dictionary<string, string>());

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + error);
    }
}
