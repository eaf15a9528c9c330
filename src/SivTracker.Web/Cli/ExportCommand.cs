using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Exports;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

internal static class ExportCommand
{
    public static Command Create(IServiceProvider services)
    {
        var reportNames = string.Join(", ", Report.All.Select(r => r.Name));
        var report = new Argument<Report>("report")
        {
            Description = T("The report: {0}.", reportNames),
            CustomParser = result => Report.Find(result.Tokens[0].Value)
                ?? CommandLine.Reject<Report>(result, T("Unknown report '{0}'. Reports: {1}.", result.Tokens[0].Value, reportNames)),
        };
        var format = new Option<ExportFormat>("--format")
        {
            Description = T("The file format."),
            HelpName = "csv|xlsx",
            Required = true,
            CustomParser = result => result.Tokens[0].Value switch
            {
                "csv" => ExportFormat.Csv,
                "xlsx" => ExportFormat.Xlsx,
                _ => CommandLine.Reject<ExportFormat>(result, T("--format must be csv or xlsx.")),
            },
        };
        var path = new Option<string>("--out") { Description = T("The file to write."), HelpName = "file", Required = true };
        var org = new Option<string>("--org") { Description = T("The organisation whose cases are reported."), HelpName = "slug", Required = true };
        var program = Filter<Domain.SivProgram>("--program", "P", T("Only this programme: {0}.", string.Join(", ", Enum.GetNames<Domain.SivProgram>())),
            text => Enum.TryParse<Domain.SivProgram>(text, true, out var value) ? value : null);
        var stepModel = Filter<Domain.StepModel>("--step-model", "M", T("Only this step model: {0}.", string.Join(", ", Enum.GetNames<Domain.StepModel>())),
            text => Enum.TryParse<Domain.StepModel>(text, true, out var value) ? value : null);
        var caseworker = new Option<string>("--caseworker") { Description = T("Only this caseworker's cases."), HelpName = "email" };
        var from = Filter<DateOnly>("--from", "YYYY-MM-DD", T("From this day."), text => DateOnly.TryParseExact(text, "yyyy-MM-dd", out var value) ? value : null);
        var to = Filter<DateOnly>("--to", "YYYY-MM-DD", T("To this day."), text => DateOnly.TryParseExact(text, "yyyy-MM-dd", out var value) ? value : null);
        var includeNames = new Option<bool>("--include-names") { Description = T("Add the principal's name to the cases report.") };
        var command = new Command("export", T("Write a report as the Reports page does."))
        {
            report, format, path, org, program, stepModel, caseworker, from, to, includeNames,
        };
        command.SetAction((parse, ct) =>
        {
            var filter = new ReportFilter
            {
                Program = parse.GetValue(program),
                StepModel = parse.GetValue(stepModel),
                From = parse.GetValue(from),
                To = parse.GetValue(to),
                IncludeNames = parse.GetValue(includeNames),
            };
            return RunAsync(services, parse, parse.GetRequiredValue(report), filter, parse.GetValue(caseworker),
                parse.GetRequiredValue(org), parse.GetRequiredValue(format), parse.GetRequiredValue(path), ct);
        });
        return command;
    }

    /// <summary>An optional filter whose value must parse; a value that does not is a usage error naming it.</summary>
    private static Option<TValue?> Filter<TValue>(string name, string helpName, string description, Func<string, TValue?> parse) where TValue : struct => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => parse(result.Tokens[0].Value)
            ?? CommandLine.Reject<TValue?>(result, T("{0} has a value that is not valid: {1}.", name, result.Tokens[0].Value)),
    };

    private static async Task<int> RunAsync(IServiceProvider services, ParseResult parse, Report report, ReportFilter filter, string? caseworker,
        string slug, ExportFormat format, string path, CancellationToken ct)
    {
        var error = parse.InvocationConfiguration.Error;
        var db = services.GetRequiredService<AppDbContext>();
        if (await CommandLine.FindOrganisationAsync(db, slug, error, ct) is not { } organisationId)
        {
            return 1;
        }
        if (caseworker is not null)
        {
            var caseworkerId = await db.Users.Where(u => u.Email == caseworker && u.OrganisationId == organisationId).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
            if (caseworkerId is null)
            {
                return CommandLine.UsageError(parse, T("No user {0} in {1}.", caseworker, slug), error);
            }
            filter = filter with { CaseworkerId = caseworkerId };
        }
        db.OrganisationId = organisationId;
        // Written to a temporary file first: a failed or cancelled export never leaves a truncated file under the requested name.
        var temporary = path + ".partial";
        int rows;
        try
        {
            await using var file = File.Create(temporary);
            rows = await services.GetRequiredService<ReportExporter>().ExportAsync(report, filter, organisationId, format, file, null, ct);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        File.Move(temporary, path, overwrite: true);
        parse.InvocationConfiguration.Output.WriteLine(T("Wrote {0} row(s) of {1} to {2}.", rows, report.Name, path));
        return 0;
    }
}
