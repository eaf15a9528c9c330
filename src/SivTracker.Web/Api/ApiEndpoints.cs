using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using CaseList = SivTracker.Web.Pages.Cases.Index;

namespace SivTracker.Web.Api;

/// <summary>
/// The JSON API under /api/v1, for the systems an NGO already keeps. Each endpoint asks for a token scope, answers
/// through the same queries and handlers as the pages (never a second copy of a rule), audits what it reads as the
/// pages do, and reports errors as RFC 9457 problem details. Versions carry an ETag from the row's version.
/// </summary>
public static class ApiEndpoints
{
    public const int PageSize = 100;

    public sealed record CaseSummary(Guid Id, string Reference, string PrincipalName, SivProgram Program, string Stage, ClockState ClockState, int GovernmentDays,
        int? LimitDays, int? DaysOver, bool HighRisk, string? Caseworker, int OpenFlags);

    public sealed record CasePage(IReadOnlyList<CaseSummary> Items, string? Next);

    public sealed record Clock(ClockState State, DateOnly? StartedOn, int GovernmentDays, int PausedDays, int? LimitDays, int? DaysOver, DateOnly? ProjectedBreachOn);

    public sealed record Flag(FlagType Type, DateOnly RaisedOn, int? DaysOver, DateOnly? DeadlineOn);

    public sealed record CaseDetail(Guid Id, string Reference, Guid PrincipalId, SivProgram Program, StepModel StepModel, string StageCode, DateOnly? StageEnteredOn,
        CasePriority Priority, bool HighRisk, Clock Clock, IReadOnlyList<Flag> Flags);

    public sealed record PersonDetail(Guid Id, string GivenNames, string? FamilyName, string? NativeName, DateOnly? DateOfBirth, DatePrecision DateOfBirthPrecision,
        Relationship Relationship, Guid? PrincipalId, string? CurrentCountry, IReadOnlyList<Guid> FamilyIds);

    public static IEndpointRouteBuilder MapSivApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireRateLimiting(RateLimits.Api);

        api.MapGet("/cases", ListCasesAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.CasesRead));
        api.MapGet("/cases/{id:guid}", ReadCaseAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.CasesRead));
        api.MapGet("/people/{id:guid}", ReadPersonAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.PeopleRead));
        return app;
    }

    /// <summary>The case list with the page's filters, a page at a time; `next` is the link to the following page.</summary>
    private static async Task<IResult> ListCasesAsync(HttpContext http, AppDbContext db, ClockSettings settings, Audit audit, SivProgram? program, string? stage,
        ClockState? state, Guid? caseworker, bool? overdue, bool? approaching, Guid? after, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > PageSize) return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: Text.T("limit is from 1 to {0}.", PageSize));
        var filter = new CaseList.Filter
        {
            Program = program, Stage = stage, State = state, Caseworker = caseworker, Overdue = overdue == true, Approaching = approaching == true, After = after,
        };
        var (rows, hasMore) = await CaseList.ListAsync(db, settings, filter, limit ?? PageSize, ct);
        await audit.RecordNowAsync(AuditActions.CaseListViewed, details: Audit.ListDetails(rows.Count, ("program", program), ("stage", stage), ("state", state),
            ("caseworker", caseworker), ("overdue", overdue == true), ("approaching", approaching == true), ("after", after)), ct: ct);
        string? next = null;
        if (hasMore)
        {
            var query = http.Request.Query.Where(q => q.Key != "after").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"after={rows[^1].Id}");
            next = $"/api/v1/cases?{string.Join('&', query)}";
            http.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        }
        return Results.Ok(new CasePage(rows.Select(r => new CaseSummary(r.Id, r.Reference, r.PrincipalName, r.Program, r.Stage, r.State, r.GovernmentDays, r.LimitDays,
            r.DaysOver, r.HighRisk, r.Caseworker, r.OpenFlags)).ToList(), next));
    }

    private static async Task<IResult> ReadCaseAsync(Guid id, HttpContext http, AppDbContext db, Audit audit, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (c is null) return NotFound();
        var flags = await db.CaseFlags.AsNoTracking().Where(f => f.CaseId == id && f.ClearedOn == null).OrderBy(f => f.RaisedOn)
            .Select(f => new Flag(f.Type, f.RaisedOn, f.DaysOver, f.DeadlineOn)).ToListAsync(ct);
        await audit.RecordNowAsync(AuditActions.CaseViewed, "case", id, ct: ct);
        return Tagged(http, c.Version, new CaseDetail(c.Id, c.Reference, c.PrincipalId, c.Program, c.StepModel, c.CurrentStageCode, c.CurrentStageEnteredOn, c.Priority,
            c.HighRisk, new Clock(c.ClockState, c.ClockStartedOn, c.GovernmentDays, c.PausedDays, c.LimitDays, c.DaysOver, c.ProjectedBreachOn), flags));
    }

    private static async Task<IResult> ReadPersonAsync(Guid id, HttpContext http, AppDbContext db, Audit audit, CancellationToken ct)
    {
        var p = await db.Persons.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.MergedIntoId == null, ct);
        if (p is null) return NotFound();
        var principalId = p.PrincipalId ?? p.Id;
        var family = await db.Persons.AsNoTracking().Where(f => (f.PrincipalId == principalId || f.Id == principalId) && f.Id != id && f.MergedIntoId == null)
            .Select(f => f.Id).ToListAsync(ct);
        await audit.RecordNowAsync(AuditActions.PersonViewed, "person", id, ct: ct);
        return Tagged(http, p.Version, new PersonDetail(p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.DateOfBirth, p.DateOfBirthPrecision, p.Relationship,
            p.PrincipalId, p.CurrentCountry, family));
    }

    /// <summary>The resource with its version as a strong ETag; a request that already holds it gets 304.</summary>
    private static IResult Tagged<T>(HttpContext http, uint version, T body)
    {
        var etag = $"\"{version}\"";
        http.Response.Headers.ETag = etag;
        return http.Request.Headers.IfNoneMatch.Contains(etag) ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Ok(body);
    }

    /// <summary>Missing and another organisation's look the same: the data filter never shows the other.</summary>
    private static IResult NotFound() => Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: Text.T("Nothing with this id in your organisation."));
}
