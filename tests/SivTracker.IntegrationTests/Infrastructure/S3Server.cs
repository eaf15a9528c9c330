using System.Diagnostics;
using SivTracker.Web.Data;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>
/// A real S3-compatible server (s3rver, through scripts/s3.sh) for the S3 document store, started once for the test run
/// the first time a test asks for it, and stopped when the run ends. Its objects are files under <see cref="Directory"/>.
/// </summary>
public sealed class S3Server
{
    private static readonly Lazy<Task<S3Server>> Shared = new(StartAsync);

    private S3Server(string directory, int port)
    {
        Directory = directory;
        Settings = new S3Settings { Bucket = "sivtracker-test", ServiceUrl = $"http://127.0.0.1:{port}", AccessKey = "S3RVER", SecretKey = "S3RVER" };
    }

    /// <summary>Where the server keeps the bucket's objects on disk: what a stolen bucket would be.</summary>
    public string Directory { get; }

    public S3Settings Settings { get; }

    /// <summary>The settings an app instance needs to keep its files in this bucket.</summary>
    public Dictionary<string, string?> AppSettings(bool storeNewFilesHere = true) => new()
    {
        ["Documents:Store"] = storeNewFilesHere ? "S3" : "Postgres",
        ["Documents:S3:Bucket"] = Settings.Bucket,
        ["Documents:S3:ServiceUrl"] = Settings.ServiceUrl,
        ["Documents:S3:AccessKey"] = Settings.AccessKey,
        ["Documents:S3:SecretKey"] = Settings.SecretKey,
    };

    public static Task<S3Server> GetAsync() => Shared.Value;

    private static async Task<S3Server> StartAsync()
    {
        var root = Environment.GetEnvironmentVariable("SIVTRACKER_TEST_ROOT") is { Length: > 0 } given ? given : Path.GetTempPath();
        var directory = Path.Combine(root, $"s3-{Guid.NewGuid():N}"[..15]);
        var port = PostgresServer.FreePort();
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { Path.Combine(PostgresServer.RepositoryRoot(), "scripts", "s3.sh"), "start", directory, port.ToString(), "sivtracker-test" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scripts/s3.sh start failed: {await stderr}");
        var pid = int.Parse(stdout.Trim());
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        };
        return new S3Server(directory, port);
    }
}
