using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

/// <summary>Admin commands run as `dotnet SivTracker.Web.dll &lt;command&gt;` instead of the web server.</summary>
public static class CommandLine
{
    /// <summary>
    /// A first argument that is not an option names a command, and asking for help or the version is one too; other
    /// options alone (--urls ...) start the web server.
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (!args[0].StartsWith('-') || args[0] is "--help" or "-h" or "-?" or "--version");

    /// <summary>Runs one command and returns its exit code: 0 done, 1 a problem in the data, 2 a usage error.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error,
        CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var root = BuildRootCommand(scope.ServiceProvider, input);
        // `help` and `help <command>` worked before System.CommandLine, which only knows --help.
        if (args is ["help", .. var rest])
        {
            args = [.. rest, "--help"];
        }
        // No response files: an argument starting with @ is a file name, not a list of arguments.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            return UsageError(parse, Problem(parse), error);
        }
        try
        {
            // Without the default handler an exception fails the process as it always did, instead of becoming exit 1.
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: each command's writes are transactional or batched, so what was not committed is not
            // there. 130 is what shells report for a command stopped by Ctrl+C.
            error.WriteLine(T("Cancelled."));
            return 130;
        }
    }

    private static RootCommand BuildRootCommand(IServiceProvider services, TextReader input)
    {
        var root = new RootCommand(T("SivTracker admin commands. Without a command the web server starts. The database is ConnectionStrings__Default, or the local cluster started by scripts/run.sh when run from the repository."))
        {
            MigrateCommand.Create(services),
            SeedDemoCommand.Create(services),
            SweepCommand.Create(services),
            ExportCommand.Create(services),
            ImportCommand.Create(services),
            RotateKeysCommand.Create(services),
            MigrateDocumentsCommand.Create(services),
            RecomputeClocksCommand.Create(services),
            CreateAdminCommand.Create(services, input),
            CreateTokenCommand.Create(services),
        };
        // The same name in help whichever process hosts the commands (tests run them inside the test host).
        root.HelpName = "SivTracker.Web";
        return root;
    }

    /// <summary>System.CommandLine calls every stray token "unrecognized"; say which kind it is, as the old parser did.</summary>
    private static string Problem(ParseResult parse) => parse.UnmatchedTokens switch
    {
        [var token, ..] when token.StartsWith('-') => T("Unknown option {0}.", token),
        [var token, ..] when parse.CommandResult.Command is RootCommand => T("Unknown command '{0}'.", token),
        [var token, ..] => T("Unexpected argument '{0}'.", token),
        _ => string.Join(Environment.NewLine, parse.Errors.Select(e => e.Message).Distinct()),
    };

    /// <summary>Prints the problem and then the command's help on the error writer; returns the usage error exit code.</summary>
    internal static int UsageError(ParseResult parse, string problem, TextWriter error)
    {
        error.WriteLine(problem);
        error.WriteLine();
        // Help is written by System.CommandLine's own help action, which writes to the output writer of an invocation.
        var command = parse.CommandResult.Command;
        string[] helpArgs = command is RootCommand ? ["--help"] : [command.Name, "--help"];
        parse.RootCommandResult.Command.Parse(helpArgs).Invoke(new InvocationConfiguration { Output = error });
        return 2;
    }

    /// <summary>Records a value an option or argument cannot take as a usage error, in the words the user sees.</summary>
    internal static T Reject<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    /// <summary>The organisation's id, or null after telling the user there is none with that slug (exit code 1).</summary>
    internal static async Task<Guid?> FindOrganisationAsync(AppDbContext db, string slug, TextWriter error, CancellationToken ct)
    {
        var id = await db.Organisations.Where(o => o.Slug == slug).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        if (id is null)
        {
            error.WriteLine(T("No organisation '{0}'.", slug));
        }
        return id;
    }
}
