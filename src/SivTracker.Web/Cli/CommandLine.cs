using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;

namespace SivTracker.Web.Cli;

/// <summary>Admin commands run as `dotnet SivTracker.Web.dll &lt;command&gt;` instead of the web server.</summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: SivTracker.Web <command> [options]

        Commands:
          migrate                        apply database migrations and seed reference data
          seed-demo --scale N [--if-empty]
                                         generate N demo cases with families (--if-empty: only into an empty database)

        Without a command the web server starts. The database is ConnectionStrings__Default, or the local
        cluster started by scripts/run.sh when run from the repository.
        """;

    /// <summary>A first argument that is not an option names a command; options alone (--urls ...) start the web server.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && !args[0].StartsWith('-');

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            var options = Options.Parse(args.Skip(1));
            await using var scope = services.CreateAsyncScope();
            return args[0] switch
            {
                "migrate" => await MigrateAsync(scope.ServiceProvider, options, output),
                "seed-demo" => await SeedDemoAsync(scope.ServiceProvider, options, output),
                "help" or "--help" => Print(output, Usage, 0),
                _ => Print(error, $"Unknown command '{args[0]}'.\n\n{Usage}", 2),
            };
        }
        catch (UsageException exception)
        {
            return Print(error, $"{exception.Message}\n\n{Usage}", 2);
        }
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, Options options, TextWriter output)
    {
        options.EnsureOnly();
        var db = services.GetRequiredService<AppDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        var seeded = await ReferenceDataSeeder.SeedAsync(db);
        output.WriteLine($"Applied {pending.Count} migration(s); seeded {seeded} reference row(s).");
        return 0;
    }

    private static async Task<int> SeedDemoAsync(IServiceProvider services, Options options, TextWriter output)
    {
        var scale = options.RequiredInt("scale", min: 1, max: 2_000_000);
        var ifEmpty = options.Flag("if-empty");
        options.EnsureOnly("scale", "if-empty");
        var db = services.GetRequiredService<AppDbContext>();
        if (ifEmpty && await db.Organisations.AnyAsync())
        {
            output.WriteLine("Demo data not generated: the database already holds organisations.");
            return 0;
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await services.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale, progress: output.WriteLine);
        output.WriteLine($"Generated {result.Cases} cases, {result.Persons} people and {result.StageEvents} stage events in {started.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    private static int Print(TextWriter writer, string text, int exitCode)
    {
        writer.WriteLine(text);
        return exitCode;
    }

    public sealed class UsageException(string message) : Exception(message);

    /// <summary>`--name value` and `--flag` options; anything else is a usage error rather than silently ignored.</summary>
    public sealed class Options
    {
        private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

        public static Options Parse(IEnumerable<string> args)
        {
            var options = new Options();
            var list = args.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                if (!list[i].StartsWith("--") || list[i].Length < 3)
                {
                    throw new UsageException($"Unexpected argument '{list[i]}'.");
                }
                var name = list[i][2..];
                string? value = null;
                if (i + 1 < list.Count && !list[i + 1].StartsWith("--"))
                {
                    value = list[++i];
                }
                if (!options._values.TryAdd(name, value))
                {
                    throw new UsageException($"Option --{name} is given twice.");
                }
            }
            return options;
        }

        public string? Value(string name) => _values.TryGetValue(name, out var value) ? value : null;

        public string Required(string name) =>
            Value(name) is { Length: > 0 } value ? value : throw new UsageException($"Option --{name} is required.");

        public int RequiredInt(string name, int min, int max) =>
            int.TryParse(Required(name), out var value) && value >= min && value <= max
                ? value
                : throw new UsageException($"Option --{name} must be a whole number from {min} to {max}.");

        public bool Flag(string name)
        {
            if (!_values.TryGetValue(name, out var value)) return false;
            return value is null ? true : throw new UsageException($"Option --{name} takes no value.");
        }

        public void EnsureOnly(params string[] known)
        {
            var unknown = _values.Keys.Except(known).ToList();
            if (unknown.Count > 0)
            {
                throw new UsageException($"Unknown option --{unknown[0]}.");
            }
        }
    }
}
