using System.CommandLine;
using SivTracker.Web.Data;
using SivTracker.Web.Imports;

namespace SivTracker.Web.Cli;

internal static class ImportCommand
{
    public static Command Create(IServiceProvider services)
    {
        var file = new Argument<string>("file") { Description = "The CSV or XLSX spreadsheet." };
        var org = new Option<string>("--org") { Description = "The organisation the cases belong to.", HelpName = "slug", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file and print what would change; write nothing." };
        var command = new Command("import",
            "Check a CSV or XLSX spreadsheet and, unless --dry-run, import it in one transaction; prints the summary and every problem, exits 1 on problems.")
        {
            file,
            org,
            dryRun,
        };
        command.SetAction((parse, ct) => RunAsync(services, parse.GetRequiredValue(file), parse.GetRequiredValue(org), parse.GetValue(dryRun),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, string path, string slug, bool dryRun, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            error.WriteLine($"No file at {path}.");
            return 1;
        }
        var db = services.GetRequiredService<AppDbContext>();
        if (await CommandLine.FindOrganisationAsync(db, slug, error, ct) is not { } organisationId)
        {
            return 1;
        }
        db.OrganisationId = organisationId;
        var limits = services.GetRequiredService<ImportSettings>();
        // Refused before it is read: a file over the limit would otherwise be held whole in memory first.
        if (new FileInfo(path).Length > limits.MaxBytes)
        {
            error.WriteLine(ImportFile.TooLarge(limits));
            return 1;
        }
        ImportFile.Sheet sheet;
        try
        {
            sheet = ImportFile.Read(await File.ReadAllBytesAsync(path, ct), path, limits);
        }
        catch (ImportFile.FileProblem problem)
        {
            error.WriteLine(problem.Message);
            return 1;
        }
        // One transaction: cancelled part way (Ctrl+C), the import rolls back and writes nothing.
        var outcome = await services.GetRequiredService<SpreadsheetImport>().RunAsync(sheet, organisationId, null, commit: !dryRun, ct);
        if (outcome.Notice is not null) output.WriteLine(outcome.Notice);
        foreach (var problem in outcome.Problems)
        {
            error.WriteLine($"row {problem.Row}, column {problem.Column}, value '{problem.Value}': {problem.Message}");
        }
        output.WriteLine((outcome.Committed ? "Imported: " : outcome.Problems.Count > 0 ? "Not imported: " : "Dry run, nothing written: ") + ImportWorker.Describe(outcome.Summary));
        return outcome.Problems.Count > 0 ? 1 : 0;
    }
}
