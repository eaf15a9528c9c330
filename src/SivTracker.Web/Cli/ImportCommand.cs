using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Imports;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

internal static class ImportCommand
{
    public static Command Create(IServiceProvider services)
    {
        var file = new Argument<string>("file") { Description = T("The CSV or XLSX spreadsheet.") };
        var org = new Option<string>("--org") { Description = T("The organisation the cases belong to."), HelpName = "slug", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = T("Check the file and print what would change; write nothing.") };
        var mapping = new Option<string?>("--mapping") { Description = T("A mapping saved on the import page, for a file in the organisation's own layout."), HelpName = "name" };
        var command = new Command("import",
            T("Check a CSV or XLSX spreadsheet and, unless --dry-run, import it in one transaction; prints the summary and every problem, exits 1 on problems."))
        {
            file,
            org,
            dryRun,
            mapping,
        };
        command.SetAction((parse, ct) => RunAsync(services, parse.GetRequiredValue(file), parse.GetRequiredValue(org), parse.GetValue(dryRun), parse.GetValue(mapping),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, string path, string slug, bool dryRun, string? mappingName, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            error.WriteLine(T("No file at {0}.", path));
            return 1;
        }
        var db = services.GetRequiredService<AppDbContext>();
        if (await CommandLine.FindOrganisationAsync(db, slug, error, ct) is not { } organisationId)
        {
            return 1;
        }
        db.OrganisationId = organisationId;
        ImportMapping? mapping = null;
        if (mappingName is not null)
        {
            var saved = await db.ImportMappings.AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct);
            if (saved.FirstOrDefault(m => string.Equals(m.Name, mappingName, StringComparison.OrdinalIgnoreCase)) is not { } found)
            {
                error.WriteLine(saved.Count == 0
                    ? T("No mapping named '{0}': the organisation has none yet. Save one on the import page.", mappingName)
                    : T("No mapping named '{0}'. Saved mappings: {1}.", mappingName, string.Join(", ", saved.Select(m => m.Name))));
                return 1;
            }
            mapping = ImportMapping.FromJson(found.Definition);
        }
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
        var outcome = await services.GetRequiredService<SpreadsheetImport>().RunAsync(sheet, organisationId, null, commit: !dryRun, ct, mapping);
        if (outcome.Notice is not null) output.WriteLine(outcome.Notice);
        foreach (var notice in outcome.Notices) output.WriteLine(notice);
        foreach (var duplicate in outcome.Duplicates)
        {
            output.WriteLine(T("row {0}: {1} ({2}) may already be in SivTracker: {3}", duplicate.Row, duplicate.Name, duplicate.BirthYear,
                string.Join("; ", duplicate.Matches.Select(m => $"{Domain.Person.FormatName(m.GivenNames, m.FamilyName)} ({m.DateOfBirth?.Year})"))));
        }
        foreach (var problem in outcome.Problems)
        {
            error.WriteLine(T("row {0}, column {1}, value '{2}': {3}", problem.Row, problem.Column, problem.Value, problem.Message));
        }
        var summary = ImportWorker.Describe(outcome.Summary);
        output.WriteLine(outcome.Committed ? T("Imported: {0}", summary)
            : outcome.Problems.Count > 0 ? T("Not imported: {0}", summary)
            : T("Dry run, nothing written: {0}", summary));
        return outcome.Problems.Count > 0 ? 1 : 0;
    }
}
