using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Evidence;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Reports;

/// <summary>Evidence for many cases at once: a packet per overdue case in one ZIP, and the organisation's backlog brief.</summary>
[EnableRateLimiting(RateLimits.Exports)]
public class Evidence(AppDbContext db, DelayEvidence evidence, BacklogBrief brief, OrganisationCalendar calendar, Audit audit, ILogger<Evidence> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public ReportQuery Query { get; set; } = new();

    /// <summary>Packets for every case the overdue report lists under the same filters; for admins, like that report.</summary>
    [Audited(AuditActions.ExportStarted, AuditActions.ExportFinished, AuditActions.ExportAborted)]
    public async Task<IActionResult> OnGetPacketsAsync(bool identity, CancellationToken ct)
    {
        if (!User.IsInRole(Roles.Admin)) return Forbid();
        var today = await calendar.TodayAsync(ct);
        Response.ContentType = "application/zip";
        Response.Headers.ContentDisposition = $"attachment; filename=\"sivtracker-evidence-packets-{today:yyyy-MM-dd}.zip\"";
        Response.Headers.CacheControl = "no-store";
        // ZipArchive finishes its directory with synchronous writes.
        if (HttpContext.Features.Get<IHttpBodyControlFeature>() is { } body) body.AllowSynchronousIO = true;
        try
        {
            await evidence.WriteOverdueZipAsync(Query.Filter with { IncludeNames = false }, User.OrganisationId()!.Value, identity, Response.Body, User.UserId(), ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // After the first bytes a status can no longer say so: a cut connection keeps a partial archive from passing for whole.
            logger.LogError("Evidence packets failed after they started: {Error}", exception.GetType().Name);
            HttpContext.Abort();
        }
        return new EmptyResult();
    }

    /// <summary>The backlog brief: figures only, for funders, congressional staff and the press.</summary>
    [Audited(AuditActions.BacklogBriefDownloaded)]
    public async Task<IActionResult> OnGetBriefAsync(CancellationToken ct)
    {
        var organisationId = User.OrganisationId()!.Value;
        var name = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).FirstAsync(ct);
        using var pdf = new MemoryStream();
        await brief.WriteAsync(organisationId, name, pdf, ct);
        await audit.RecordNowAsync(AuditActions.BacklogBriefDownloaded, "report", "backlog-brief", null, ct: ct);
        var today = await calendar.TodayAsync(ct);
        Response.Headers.CacheControl = "no-store";
        return File(pdf.ToArray(), FileTypes.Pdf, $"sivtracker-backlog-brief-{today:yyyy-MM-dd}.pdf");
    }
}
