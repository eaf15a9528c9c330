using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster started through scripts/pg.sh (the same code scripts/run.sh uses), or the server
/// named by SIVTRACKER_TEST_DB. Tests that stop and restart the database need the cluster this class owns.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? _clusterDir;
    private readonly int _port;

    private PostgresServer(string adminConnectionString, string? clusterDir, int port)
    {
        AdminConnectionString = adminConnectionString;
        _clusterDir = clusterDir;
        _port = port;
    }

    /// <summary>Connects as superuser to the maintenance database.</summary>
    public string AdminConnectionString { get; }

    public bool OwnsCluster => _clusterDir is not null;

    public static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("SIVTRACKER_TEST_DB");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external, null, 0);
        }
        var root = Environment.GetEnvironmentVariable("SIVTRACKER_TEST_ROOT") is { Length: > 0 } given ? given : Path.GetTempPath();
        var dir = Path.Combine(root, $"pg-{Guid.NewGuid():N}"[..15]);
        var port = FreePort();
        var server = new PostgresServer(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=10", dir, port);
        await server.StartClusterAsync();
        return server;
    }

    public Task StartClusterAsync() => RunScriptAsync("start", _clusterDir!, _port.ToString());

    public Task StopClusterAsync(string mode = "fast") => RunScriptAsync("stop", _clusterDir!, mode);

    /// <summary>Creates an empty database, owned by <paramref name="owner"/> when given; returns the superuser's connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string name, string? owner = null)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }
        var ownedBy = owner is null ? "" : $" OWNER \"{owner}\"";
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"{ownedBy}", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>
    /// Creates a login role with a fresh password, or resets one an earlier run left on the same server: never a
    /// superuser, never able to create roles, able to create databases only when asked. Returns its connection string to
    /// the maintenance database.
    /// </summary>
    public async Task<string> CreateLoginRoleAsync(string name, bool canCreateDatabases = false)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = @name", connection) { Parameters = { new("name", name) } };
        var verb = (long)(await exists.ExecuteScalarAsync())! > 0 ? "ALTER" : "CREATE";
        var createDb = canCreateDatabases ? "CREATEDB" : "NOCREATEDB";
        await using var create = new NpgsqlCommand(
            $"{verb} ROLE \"{name}\" LOGIN NOSUPERUSER NOCREATEROLE {createDb} NOREPLICATION NOBYPASSRLS PASSWORD '{password}'", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Username = name, Password = password, Pooling = true }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_clusterDir is null) return;
        NpgsqlConnection.ClearAllPools();
        await StopClusterAsync("immediate");
        try
        {
            Directory.Delete(_clusterDir, recursive: true);
        }
        catch (IOException)
        {
            // scripts/test.sh removes the whole temp root afterwards.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The PostgreSQL server's bin folder (pg_dump and friends), as scripts/pg.sh finds it.</summary>
    public static async Task<string> BinFolderAsync() => (await RunScriptAsync("bin")).Trim();

    private static async Task<string> RunScriptAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "pg.sh"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/pg.sh {string.Join(' ', args)} failed: {await stderr}");
        }
        return stdout;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SivTracker.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("SivTracker.sln not found above the test binaries.");
    }
}
