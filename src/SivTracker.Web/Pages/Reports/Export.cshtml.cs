using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using SivTracker.Web.Exports;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Reports;

/// <summary>
/// Streams a report as CSV or XLSX. Rows go from the database to the response as they are read; if anything fails
/// after the first bytes, the connection is aborted so a truncated file never passes for a complete one.
/// </summary>
[EnableRateLimiting(RateLimits.Exports)]
public class Export(ReportExporter exporter, OrganisationCalendar calendar, ILogger<Export> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public ReportQuery Query { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public ExportFormat Format { get; set; }

    /// <summary>The exporter records the start, and the finish or the abort, with the rows sent.</summary>
    [Audited(AuditActions.ExportStarted, AuditActions.ExportFinished, AuditActions.ExportAborted)]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var report = Exports.Report.Find(Query.Name);
        if (report is null) return NotFound();
        if (!ReportQuery.Allowed(report, Query.Filter, User)) return Forbid();
        var today = await calendar.TodayAsync(ct);
        Response.ContentType = ReportExporter.ContentType(Format);
        Response.Headers.ContentDisposition = $"attachment; filename=\"{ReportExporter.FileName(report, Format, today)}\"";
        Response.Headers.CacheControl = "no-store";
        // The zip writer of the XLSX format finishes its directory with synchronous writes.
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>() is { } body)
        {
            body.AllowSynchronousIO = true;
        }
        try
        {
            await exporter.ExportAsync(report, Query.Filter, User.OrganisationId()!.Value, Format, Response.Body, User.UserId(), ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError("Export of {Report} failed after it started: {Error}", report.Name, exception.GetType().Name);
            HttpContext.Abort();
        }
        return new EmptyResult();
    }
}
