using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Exports;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Reports;

/// <summary>The filters the report pages and exports share, bound from the query string (codes and ids only).</summary>
public sealed record ReportQuery
{
    public string? Name { get; init; }
    public SivProgram? Program { get; init; }
    public StepModel? StepModel { get; init; }
    public Guid? Caseworker { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public bool IncludeNames { get; init; }

    public ReportFilter Filter => new() { Program = Program, StepModel = StepModel, CaseworkerId = Caseworker, From = From, To = To, IncludeNames = IncludeNames };

    /// <summary>Case-level reports, and names in them, are for admins.</summary>
    public static bool Allowed(Report report, ReportFilter filter, System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin) || (!report.CaseLevel && !filter.IncludeNames);
}
