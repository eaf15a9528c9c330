using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Exports;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Reports;

/// <summary>A report on screen (and in print), with links to the same rows as CSV and XLSX.</summary>
public class Index(AppDbContext db, ReportExporter exporter, Audit audit) : PageModel
{
    public const int PreviewRows = 500;

    [BindProperty(SupportsGet = true)]
    public ReportQuery Query { get; set; } = new();

    public Report? Report { get; private set; }
    public IReadOnlyList<Report> Available { get; private set; } = [];
    public IReadOnlyList<string> Columns { get; private set; } = [];
    public IReadOnlyList<object?[]> Rows { get; private set; } = [];
    public bool More { get; private set; }
    public IEnumerable<SelectListItem> Caseworkers { get; private set; } = [];

    [Audited(AuditActions.ReportViewed)]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Available = Exports.Report.All.Where(r => ReportQuery.Allowed(r, new ReportFilter(), User)).ToList();
        var organisationId = User.OrganisationId()!.Value;
        Caseworkers = await Choices.UsersAsync(db, organisationId, activeOnly: false, ct);
        if (Query.Name is null) return Page();
        Report = Exports.Report.Find(Query.Name);
        if (Report is null) return NotFound();
        if (!ReportQuery.Allowed(Report, Query.Filter, User)) return Forbid();
        Columns = Report.Columns(Query.Filter);
        (Rows, More) = await exporter.PreviewAsync(Report, Query.Filter, organisationId, PreviewRows, ct);
        // Up to 500 case rows, with names when asked for: as much a read as an export of them.
        await audit.RecordNowAsync(AuditActions.ReportViewed, "report", Report.Name,
            $"filters: {(Query.Filter.ToString() is { Length: > 0 } filters ? filters : "none")}; rows={Rows.Count}", organisationId, ct: ct);
        return Page();
    }

    public object ExportRoute(ExportFormat format) => new
    {
        Query.Name, Query.Program, Query.StepModel, Query.Caseworker, Query.From, Query.To, Query.IncludeNames, Format = format,
    };
}
