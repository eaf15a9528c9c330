using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Cli;

/// <summary>Admin commands run as `dotnet SivTracker.Web.dll &lt;command&gt;` instead of the web server.</summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: SivTracker.Web <command> [options]

        Commands:
          migrate                        apply database migrations and seed reference data
          seed-demo --scale N [--if-empty]
                                         generate N demo cases with families and the demo users
                                         (--if-empty: only into an empty database); their password is
                                         SIVTRACKER_DEMO_PASSWORD, or generated and printed
          sweep [--today YYYY-MM-DD]     advance clocks and raise and clear deadline flags (as the background
                                         service does every 15 minutes); prints what it raised and cleared
          export <report> --format csv|xlsx --out <file> --org <slug>
                 [--program P] [--step-model M] [--caseworker <email>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--include-names]
                                         write a report (backlog, aging, overdue, throughput, cases) as the Reports page does
          import <file> --org <slug> [--dry-run]
                                         check a CSV or XLSX spreadsheet and, unless --dry-run, import it in one
                                         transaction; prints the summary and every problem, exits 1 on problems
          rotate-keys                    re-encrypt every protected field with the current key (FieldEncryption__CurrentKeyId),
                                         in batches; values still unencrypted are encrypted too
          recompute-clocks [--org <slug>]
                                         recompute every case's stored clock from its stage history
          create-admin --org <slug> --name <org name> --email <email> [--display-name <name>]
                                         create the organisation if needed and an admin for it
          create-admin --system --email <email> [--display-name <name>]
                                         create a system administrator (manages organisations, sees no case data)
                                         create-admin reads the password from standard input (one line)

        Without a command the web server starts. The database is ConnectionStrings__Default, or the local
        cluster started by scripts/run.sh when run from the repository.
        """;

    /// <summary>A first argument that is not an option names a command; options alone (--urls ...) start the web server.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && !args[0].StartsWith('-');

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        try
        {
            var options = Options.Parse(args.Skip(1));
            await using var scope = services.CreateAsyncScope();
            return args[0] switch
            {
                "migrate" => await MigrateAsync(scope.ServiceProvider, options, output),
                "seed-demo" => await SeedDemoAsync(scope.ServiceProvider, options, output),
                "create-admin" => await CreateAdminAsync(scope.ServiceProvider, options, input, output, error),
                "recompute-clocks" => await RecomputeClocksAsync(scope.ServiceProvider, options, output, error),
                "sweep" => await SweepAsync(scope.ServiceProvider, options, output),
                "export" => await ExportAsync(scope.ServiceProvider, options, output, error),
                "import" => await ImportAsync(scope.ServiceProvider, options, output, error),
                "rotate-keys" => await RotateKeysAsync(scope.ServiceProvider, options, output),
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
        db.Database.SetCommandTimeout(DataServices.BatchCommandTimeoutSeconds);
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
        var generator = services.GetRequiredService<DemoDataGenerator>();
        var result = await generator.GenerateAsync(scale, progress: output.WriteLine);
        output.WriteLine($"Generated {result.Cases} cases, {result.Persons} people and {result.StageEvents} stage events in {started.Elapsed.TotalSeconds:0.0} s.");
        var configured = Environment.GetEnvironmentVariable("SIVTRACKER_DEMO_PASSWORD");
        var password = string.IsNullOrEmpty(configured) ? UserAccounts.GeneratePassword() : configured;
        var users = await generator.EnsureDemoUsersAsync(password);
        if (users > 0)
        {
            output.WriteLine($"Created {users} demo users.");
            output.WriteLine(string.IsNullOrEmpty(configured) ? $"Demo users' password: {password}" : "Demo users' password: the value of SIVTRACKER_DEMO_PASSWORD");
        }
        return 0;
    }

    private static async Task<int> CreateAdminAsync(IServiceProvider services, Options options, TextReader input, TextWriter output, TextWriter error)
    {
        var system = options.Flag("system");
        var email = options.Required("email");
        var displayName = options.Value("display-name") ?? email.Split('@')[0];
        string? slug = null, name = null;
        if (system)
        {
            options.EnsureOnly("system", "email", "display-name");
        }
        else
        {
            slug = options.Required("org");
            name = options.Required("name");
            options.EnsureOnly("org", "name", "email", "display-name");
            if (!System.Text.RegularExpressions.Regex.IsMatch(slug, "^[a-z0-9][a-z0-9-]{1,39}$"))
            {
                throw new UsageException("--org must be 2 to 40 lower-case letters, digits and dashes.");
            }
        }
        // Read from standard input so the password never appears in the process list or shell history.
        var password = input.ReadLine()?.TrimEnd('\r');
        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine("No password on standard input. Example: printf '%s\\n' \"$PASSWORD\" | ... create-admin ...");
            return 2;
        }

        var db = services.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        Guid? organisationId = null;
        if (!system)
        {
            var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.Slug == slug);
            if (organisation is null)
            {
                organisation = new Domain.Organisation { Slug = slug!, Name = name! };
                db.Organisations.Add(organisation);
                await db.SaveChangesAsync();
                output.WriteLine($"Created organisation {slug}.");
            }
            organisationId = organisation.Id;
        }
        var created = await services.GetRequiredService<UserAccounts>()
            .CreateAsync(email, displayName, organisationId, [system ? Roles.SystemAdmin : Roles.Admin], password);
        if (created.User is null)
        {
            await transaction.RollbackAsync();
            foreach (var problem in created.Result.Errors)
            {
                error.WriteLine(problem.Description);
            }
            return 1;
        }
        await transaction.CommitAsync();
        output.WriteLine(system ? $"Created system administrator {email}." : $"Created admin {email} for {slug}.");
        return 0;
    }

    private static async Task<int> ExportAsync(IServiceProvider services, Options options, TextWriter output, TextWriter error)
    {
        var reports = string.Join(", ", Exports.Report.All.Select(r => r.Name));
        var name = options.Positional.Count == 1 ? options.Positional[0] : throw new UsageException($"Name one report: {reports}.");
        var report = Exports.Report.Find(name) ?? throw new UsageException($"Unknown report '{name}'. Reports: {reports}.");
        var format = options.Required("format") switch
        {
            "csv" => Exports.ExportFormat.Csv,
            "xlsx" => Exports.ExportFormat.Xlsx,
            _ => throw new UsageException("--format must be csv or xlsx."),
        };
        var path = options.Required("out");
        var slug = options.Required("org");
        T? Parse<T>(string name, Func<string, T?> parse) where T : struct =>
            options.Value(name) is { } text ? parse(text) ?? throw new UsageException($"--{name} has a value that is not valid: {text}.") : null;
        var filter = new Exports.ReportFilter
        {
            Program = Parse("program", t => Enum.TryParse<Domain.SivProgram>(t, true, out var v) ? v : (Domain.SivProgram?)null),
            StepModel = Parse("step-model", t => Enum.TryParse<Domain.StepModel>(t, true, out var v) ? v : (Domain.StepModel?)null),
            From = Parse("from", t => DateOnly.TryParseExact(t, "yyyy-MM-dd", out var v) ? v : (DateOnly?)null),
            To = Parse("to", t => DateOnly.TryParseExact(t, "yyyy-MM-dd", out var v) ? v : (DateOnly?)null),
            IncludeNames = options.Flag("include-names"),
        };
        options.EnsureOnly(positional: 1, "format", "out", "org", "program", "step-model", "caseworker", "from", "to", "include-names");
        var db = services.GetRequiredService<AppDbContext>();
        var organisationId = await db.Organisations.Where(o => o.Slug == slug).Select(o => (Guid?)o.Id).FirstOrDefaultAsync();
        if (organisationId is null)
        {
            error.WriteLine($"No organisation '{slug}'.");
            return 1;
        }
        if (options.Value("caseworker") is { } email)
        {
            var caseworker = await db.Users.Where(u => u.Email == email && u.OrganisationId == organisationId).Select(u => (Guid?)u.Id).FirstOrDefaultAsync();
            filter = filter with { CaseworkerId = caseworker ?? throw new UsageException($"No user {email} in {slug}.") };
        }
        db.OrganisationId = organisationId;
        // Written to a temporary file first: a failed export never leaves a truncated file under the requested name.
        var temporary = path + ".partial";
        int rows;
        await using (var file = File.Create(temporary))
        {
            rows = await services.GetRequiredService<Exports.ReportExporter>().ExportAsync(report, filter, organisationId.Value, format, file, null, CancellationToken.None);
        }
        File.Move(temporary, path, overwrite: true);
        output.WriteLine($"Wrote {rows} row(s) of {report.Name} to {path}.");
        return 0;
    }

    private static async Task<int> RotateKeysAsync(IServiceProvider services, Options options, TextWriter output)
    {
        options.EnsureOnly();
        var current = FieldKeys.Current!.CurrentKeyId;
        var prefix = $"enc:{current}:";
        var db = services.GetRequiredService<AppDbContext>();
        db.Database.SetCommandTimeout(DataServices.BatchCommandTimeoutSeconds);
        var total = 0;
        // Raw SQL finds the rows not yet under the current key (the converters hide the stored form from LINQ).
        total += await RotateAsync(db, db.Persons, "persons", ["tazkira_number", "current_province", "safety_notes"], ["tazkira_lookup"], prefix, output);
        total += await RotateAsync(db, db.Passports, "passports", ["number"], ["lookup"], prefix, output);
        total += await RotateAsync(db, db.ContactChannels, "contact_channels", ["value"], ["lookup"], prefix, output);
        total += await RotateAsync(db, db.ServiceRecords, "service_records", ["supervisor_email"], [], prefix, output);
        output.WriteLine($"Rotated {total} row(s) to key {current}.");
        return 0;
    }

    private static async Task<int> RotateAsync<T>(AppDbContext db, DbSet<T> set, string table, string[] encrypted, string[] indexed, string prefix, TextWriter output)
        where T : Domain.OwnedEntity
    {
        // Table and column names are constants of this file; the key prefix travels as a parameter.
        var condition = string.Join(" or ", encrypted.Select(c => "(" + c + " is not null and " + c + " not like {0})")
            .Concat(indexed.Select(c => "(" + c + " is not null and " + c + " not like 'hmac:%')")));
        var sql = "select id as value from " + table + " where " + condition + " limit 1000";
        var rotated = 0;
        while (true)
        {
            var ids = await db.Database.SqlQueryRaw<Guid>(sql, prefix + "%").ToListAsync();
            if (ids.Count == 0) break;
            var rows = await set.IgnoreQueryFilters().Where(r => ids.Contains(r.Id)).ToListAsync();
            foreach (var row in rows)
            {
                // Marking the fields modified writes them again through the converters: current key, fresh index.
                foreach (var property in db.Entry(row).Properties.Where(p => p.Metadata.GetValueConverter() is not null && p.Metadata.ClrType == typeof(string)))
                {
                    property.IsModified = true;
                }
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            rotated += rows.Count;
            output.WriteLine($"{table}: {rotated} row(s) rotated");
        }
        return rotated;
    }

    private static async Task<int> ImportAsync(IServiceProvider services, Options options, TextWriter output, TextWriter error)
    {
        var path = options.Positional.Count == 1 ? options.Positional[0] : throw new UsageException("Name one file to import.");
        var slug = options.Required("org");
        var dryRun = options.Flag("dry-run");
        options.EnsureOnly(positional: 1, "org", "dry-run");
        if (!File.Exists(path))
        {
            error.WriteLine($"No file at {path}.");
            return 1;
        }
        var db = services.GetRequiredService<AppDbContext>();
        var organisationId = await db.Organisations.Where(o => o.Slug == slug).Select(o => (Guid?)o.Id).FirstOrDefaultAsync();
        if (organisationId is null)
        {
            error.WriteLine($"No organisation '{slug}'.");
            return 1;
        }
        db.OrganisationId = organisationId;
        Imports.ImportFile.Sheet sheet;
        try
        {
            sheet = Imports.ImportFile.Read(await File.ReadAllBytesAsync(path), path);
        }
        catch (Imports.ImportFile.FileProblem problem)
        {
            error.WriteLine(problem.Message);
            return 1;
        }
        var outcome = await services.GetRequiredService<Imports.SpreadsheetImport>().RunAsync(sheet, organisationId.Value, null, commit: !dryRun, CancellationToken.None);
        if (outcome.Notice is not null) output.WriteLine(outcome.Notice);
        foreach (var problem in outcome.Problems)
        {
            error.WriteLine($"row {problem.Row}, column {problem.Column}, value '{problem.Value}': {problem.Message}");
        }
        output.WriteLine((outcome.Committed ? "Imported: " : outcome.Problems.Count > 0 ? "Not imported: " : "Dry run, nothing written: ") + Imports.ImportWorker.Describe(outcome.Summary));
        return outcome.Problems.Count > 0 ? 1 : 0;
    }

    private static async Task<int> SweepAsync(IServiceProvider services, Options options, TextWriter output)
    {
        var todayText = options.Value("today");
        options.EnsureOnly("today");
        DateOnly? today = null;
        if (todayText is not null)
        {
            today = DateOnly.TryParseExact(todayText, "yyyy-MM-dd", out var parsed) ? parsed : throw new UsageException("--today must be a date as YYYY-MM-DD.");
        }
        // Builds the EF model and opens the pool first, so the time printed is the sweep's own, as in the running app.
        await services.GetRequiredService<AppDbContext>().Organisations.AnyAsync();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await services.GetRequiredService<Background.DeadlineSweep>().RunAsync(today);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (!result.Ran)
        {
            output.WriteLine("Another instance is sweeping right now; nothing done.");
            return 0;
        }
        var mailed = await services.GetRequiredService<Background.DigestMailer>().SendDueAsync(CancellationToken.None);
        output.WriteLine($"Sweep done: {result.Raised} flag(s) raised, {result.Cleared} cleared, {result.ClocksAdvanced} clock(s) advanced, {result.Notifications} notification(s), {mailed} digest(s) mailed; the sweep took {elapsed.TotalMilliseconds:F0} ms.");
        return 0;
    }

    private static async Task<int> RecomputeClocksAsync(IServiceProvider services, Options options, TextWriter output, TextWriter error)
    {
        var slug = options.Value("org");
        options.EnsureOnly("org");
        var db = services.GetRequiredService<AppDbContext>();
        Guid? organisationId = null;
        if (slug is not null)
        {
            organisationId = await db.Organisations.Where(o => o.Slug == slug).Select(o => (Guid?)o.Id).FirstOrDefaultAsync();
            if (organisationId is null)
            {
                error.WriteLine($"No organisation '{slug}'.");
                return 1;
            }
        }
        var lastReport = -1;
        var changed = await services.GetRequiredService<ClockRecompute>().RecomputeAllAsync(organisationId, (done, total) =>
        {
            var percent = total == 0 ? 100 : done * 100 / total;
            if (percent / 10 != lastReport / 10 || done == total)
            {
                output.WriteLine($"{done} of {total} cases ({percent}%)");
                lastReport = percent;
            }
        });
        output.WriteLine($"Recomputed clocks: {changed} case(s) changed.");
        return 0;
    }

    private static int Print(TextWriter writer, string text, int exitCode)
    {
        writer.WriteLine(text);
        return exitCode;
    }

    public sealed class UsageException(string message) : Exception(message);

    /// <summary>
    /// Leading positional arguments, then `--name value` and `--flag` options; anything a command does not take is a
    /// usage error rather than silently ignored.
    /// </summary>
    public sealed class Options
    {
        private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

        public List<string> Positional { get; } = [];

        public static Options Parse(IEnumerable<string> args)
        {
            var options = new Options();
            var list = args.ToList();
            var i = 0;
            for (; i < list.Count && !list[i].StartsWith("--"); i++)
            {
                options.Positional.Add(list[i]);
            }
            for (; i < list.Count; i++)
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

        public void EnsureOnly(params string[] known) => EnsureOnly(positional: 0, known);

        public void EnsureOnly(int positional, params string[] known)
        {
            if (Positional.Count > positional)
            {
                throw new UsageException($"Unexpected argument '{Positional[positional]}'.");
            }
            var unknown = _values.Keys.Except(known).ToList();
            if (unknown.Count > 0)
            {
                throw new UsageException($"Unknown option --{unknown[0]}.");
            }
        }
    }
}
