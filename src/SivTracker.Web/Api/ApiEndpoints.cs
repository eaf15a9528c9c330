using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using CaseList = SivTracker.Web.Pages.Cases.Index;
using ChangeStage = SivTracker.Web.Pages.Cases.ChangeStage;
using CreatePerson = SivTracker.Web.Pages.Applicants.Create;
using PersonForm = SivTracker.Web.Pages.Applicants.PersonForm;
using Documents = SivTracker.Web.Pages.Cases.Documents;

namespace SivTracker.Web.Api;

/// <summary>
/// The JSON API under /api/v1, for the systems an NGO already keeps. Each endpoint asks for a token scope, answers
/// through the same queries and handlers as the pages (never a second copy of a rule), audits what it reads as the
/// pages do, and reports errors as RFC 9457 problem details. Versions carry an ETag from the row's version.
/// </summary>
public static partial class ApiEndpoints
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
        // Every operation may be refused so: no or a bad token, a missing scope, another organisation's id, too many requests.
        var api = app.MapGroup("/api/v1").RequireRateLimiting(RateLimits.Api).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("/cases", ListCasesAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.CasesRead)).Produces<CasePage>();
        api.MapGet("/cases/{id:guid}", ReadCaseAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.CasesRead)).Produces<CaseDetail>();
        api.MapGet("/people/{id:guid}", ReadPersonAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.PeopleRead)).Produces<PersonDetail>();
        api.MapPost("/people", RegisterPersonAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.PeopleWrite)).Writes(StatusCodes.Status201Created);
        api.MapPost("/cases/{id:guid}/stage-events", RecordStageAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.CasesWrite)).Writes(StatusCodes.Status201Created);
        api.MapGet("/cases/{id:guid}/checklist", ReadChecklistAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.CasesRead)).Produces<List<ChecklistItem>>();
        api.MapPut("/cases/{id:guid}/checklist/{itemId:guid}", ChangeChecklistItemAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.CasesWrite)).Writes(StatusCodes.Status200OK).Produces<ChecklistItem>();
        MapWork(api);
        api.MapGet("/reports/{name}", ReportAsync).RequireAuthorization(ApiAuth.Policy(ApiTokens.ReportsRead)).RequireRateLimiting(RateLimits.Exports);
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(ApiAuth.DocumentReaderPolicy);
        return app;
    }

    /// <summary>The case list with the page's filters, a page at a time; `next` is the link to the following page.</summary>
    public static async Task<IResult> ListCasesAsync(HttpContext http, AppDbContext db, ClockSettings settings, Audit audit, OrganisationCalendar calendar, SivProgram? program, string? stage,
        ClockState? state, Guid? caseworker, bool? overdue, bool? approaching, Guid? after, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > PageSize) return LimitProblem();
        var filter = new CaseList.Filter
        {
            Program = program, Stage = stage, State = state, Caseworker = caseworker, Overdue = overdue == true, Approaching = approaching == true, After = after,
        };
        var (rows, hasMore) = await CaseList.ListAsync(db, settings, filter, await calendar.TodayAsync(ct), limit ?? PageSize, ct);
        await audit.RecordNowAsync(AuditActions.CaseListViewed, details: Audit.ListDetails(rows.Count, ("program", program), ("stage", stage), ("state", state),
            ("caseworker", caseworker), ("overdue", overdue == true), ("approaching", approaching == true), ("after", after)), ct: ct);
        return Results.Ok(new CasePage(rows.Select(r => new CaseSummary(r.Id, r.Reference, r.PrincipalName, r.Program, r.Stage, r.State, r.GovernmentDays, r.LimitDays,
            r.DaysOver, r.HighRisk, r.Caseworker, r.OpenFlags)).ToList(), NextLink(http, hasMore, rows.Count > 0 ? rows[^1].Id : null)));
    }

    /// <summary>One case with its clock and open flags, its version as the ETag. Audited as a read of the case.</summary>
    public static async Task<IResult> ReadCaseAsync(Guid id, HttpContext http, AppDbContext db, Audit audit, OrganisationCalendar calendar, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (c is null) return NotFound();
        var flags = await db.CaseFlags.AsNoTracking().Where(f => f.CaseId == id && f.ClearedOn == null).OrderBy(f => f.RaisedOn)
            .Select(f => new Flag(f.Type, f.RaisedOn, f.DaysOver, f.DeadlineOn)).ToListAsync(ct);
        await audit.RecordNowAsync(AuditActions.CaseViewed, "case", id, ct: ct);
        var clock = CaseClock.On(c, await calendar.TodayAsync(ct));
        // An open overdue flag's days over are the case's today, not those it was raised with.
        flags = flags.Select(f => f.DaysOver is null ? f : f with { DaysOver = clock.DaysOver }).ToList();
        return Tagged(http, c.Version, new CaseDetail(c.Id, c.Reference, c.PrincipalId, c.Program, c.StepModel, c.CurrentStageCode, c.CurrentStageEnteredOn, c.Priority,
            c.HighRisk, new Clock(c.ClockState, c.ClockStartedOn, clock.GovernmentDays, clock.PausedDays, c.LimitDays, clock.DaysOver, clock.ProjectedBreachOn), flags));
    }

    /// <summary>One person with their family's ids, their version as the ETag. Audited as a read of the person.</summary>
    public static async Task<IResult> ReadPersonAsync(Guid id, HttpContext http, AppDbContext db, Audit audit, CancellationToken ct)
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

    public sealed record ChecklistItem(Guid Id, DocumentKind Kind, Guid? PersonId, DocumentStatus Status, DateOnly? StatusOn, string Version);

    /// <summary>A case's checklist: each item with its status and its version, to send back as If-Match when changing it.</summary>
    public static async Task<IResult> ReadChecklistAsync(Guid id, AppDbContext db, Audit audit, CancellationToken ct)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == id, ct)) return NotFound();
        var items = await db.DocumentItems.AsNoTracking().Where(d => d.CaseId == id).OrderBy(d => d.PersonId).ThenBy(d => d.Kind)
            .Select(d => new { d.Id, d.Kind, d.PersonId, d.Status, d.StatusOn, d.Version }).ToListAsync(ct);
        await audit.RecordNowAsync(AuditActions.CaseViewed, "case", id, "checklist", ct: ct);
        return Results.Ok(items.Select(d => new ChecklistItem(d.Id, d.Kind, d.PersonId, d.Status, d.StatusOn, $"\"{d.Version}\"")).ToList());
    }

    public sealed record ChecklistChange(DocumentStatus Status, DateOnly? StatusOn, string? Statement);

    /// <summary>
    /// Sets a checklist item's status through the checklist handler the documents page uses (its dates, statements and
    /// rules), with the item's version as If-Match: a stale one is 412.
    /// </summary>
    public static async Task<IResult> ChangeChecklistItemAsync(Guid id, Guid itemId, ChecklistChange body, HttpContext http, AppDbContext db, Documents.Handler handler,
        CancellationToken ct)
    {
        if (!await db.DocumentItems.AnyAsync(d => d.Id == itemId && d.CaseId == id, ct)) return NotFound();
        if (Version(http) is not { } version) return PreconditionRequired("item");
        var result = await handler.HandleAsync(id, new Documents.Command { ItemId = itemId, Status = body.Status, StatusOn = body.StatusOn, Statement = body.Statement, Version = version },
            null, ct);
        switch (result.Outcome)
        {
            case Documents.Outcome.NotFound:
                return NotFound();
            case Documents.Outcome.Conflict:
                return Stale("item");
            case Documents.Outcome.Refused:
                return Refused(result.Errors);
        }
        var now = await db.DocumentItems.AsNoTracking().Where(d => d.Id == itemId).Select(d => new { d.Id, d.Kind, d.PersonId, d.Status, d.StatusOn, d.Version }).FirstAsync(ct);
        http.Response.Headers.ETag = $"\"{now.Version}\"";
        return Results.Ok(new ChecklistItem(now.Id, now.Kind, now.PersonId, now.Status, now.StatusOn, $"\"{now.Version}\""));
    }

    public sealed record ContactRequest(ContactChannelKind Kind, string? Value);

    public sealed record PersonRequest(string? GivenNames, string? FamilyName, string? OtherSpellings, string? NativeName, string? FatherName, string? DateOfBirth,
        Sex? Sex, string? TazkiraNumber, string? CurrentCountry, string? CurrentProvince, SafetyStatus? SafetyStatus, IReadOnlyList<ContactRequest>? Contacts,
        Guid? PrincipalId, Relationship? Relationship, bool ConfirmedNotDuplicate);

    /// <summary>
    /// Registers a person (a principal, or with principalId a spouse or child) through the registration handler the page
    /// uses: the same checks, the same duplicate warnings (409 with the candidates, unless confirmedNotDuplicate), the
    /// same history. An Idempotency-Key makes a retry find the person it registered.
    /// </summary>
    public static async Task<IResult> RegisterPersonAsync(PersonRequest body, HttpContext http, CreatePerson.Handler handler, CancellationToken ct)
    {
        if (!Idempotency.TryRead(http, out var idempotencyKey)) return Idempotency.Malformed();
        var command = new PersonForm.Command
        {
            GivenNames = body.GivenNames ?? "", FamilyName = body.FamilyName, OtherSpellings = body.OtherSpellings, NativeName = body.NativeName, FatherName = body.FatherName,
            DateOfBirth = body.DateOfBirth, Sex = body.Sex, TazkiraNumber = body.TazkiraNumber, CurrentCountry = body.CurrentCountry, CurrentProvince = body.CurrentProvince,
            SafetyStatus = body.SafetyStatus ?? SafetyStatus.Unknown, Relationship = body.Relationship ?? Relationship.Principal,
            Contacts = (body.Contacts ?? []).Select(c => new PersonForm.ContactRow { Kind = c.Kind, Value = c.Value }).ToList(),
            ConfirmedNotDuplicate = body.ConfirmedNotDuplicate,
        };
        var result = await handler.HandleAsync(command, body.PrincipalId, null, ct, idempotencyKey);
        if (result.PersonId is { } id)
        {
            return result.AlreadyRegistered ? Results.Ok(new { id, alreadyRegistered = true }) : Results.Created($"/api/v1/people/{id}", new { id, alreadyRegistered = false });
        }
        if (result.Duplicates.Count > 0) return DuplicatesProblem(result.Duplicates);
        return Refused(result.Errors);
    }

    public sealed record StageEventRequest(string? To, DateOnly? EffectiveOn, string? Note, string? Reason, Guid? Corrects);

    /// <summary>
    /// Records a stage change (or corrects an earlier event) through the stage-change handler the page uses. The case's
    /// ETag must come back as If-Match, so a change made from a stale read is 412, never a lost update; an
    /// Idempotency-Key (a UUID) makes a retried request record one event.
    /// </summary>
    public static async Task<IResult> RecordStageAsync(Guid id, StageEventRequest body, HttpContext http, AppDbContext db, ChangeStage.Handler handler, CancellationToken ct)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == id, ct)) return NotFound();
        if (Version(http) is not { } version) return PreconditionRequired("case");
        if (!Idempotency.TryRead(http, out var sentKey)) return Idempotency.Malformed();
        // Without a key the request still gets one of its own: the handler records each event under one.
        var idempotencyKey = sentKey ?? Guid.NewGuid();
        var result = await handler.RecordAsync(id, new ChangeStage.Command
        {
            To = body.To, EffectiveOn = body.EffectiveOn, Note = body.Note, Reason = body.Reason, Corrects = body.Corrects, IdempotencyKey = idempotencyKey, Version = version,
        }, null, ct);
        switch (result.Outcome)
        {
            case ChangeStage.Outcome.NotFound:
                return NotFound();
            case ChangeStage.Outcome.Conflict:
                return Stale("case");
            case ChangeStage.Outcome.Refused:
                return Refused(result.Errors);
        }
        var now = await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Version, c.CurrentStageCode }).FirstAsync(ct);
        http.Response.Headers.ETag = $"\"{now.Version}\"";
        // A retried request finds its event recorded already: the same answer, and nothing recorded twice.
        return result.Outcome == ChangeStage.Outcome.AlreadyRecorded
            ? Results.Ok(new { stage = now.CurrentStageCode, alreadyRecorded = true })
            : Results.Created($"/api/v1/cases/{id}", new { stage = now.CurrentStageCode, alreadyRecorded = false });
    }

    /// <summary>
    /// One of the reports, streamed as the export streams it (and audited as an export): JSON, or CSV for a client that
    /// asks with Accept: text/csv. Names are never included: the pages add them only for an admin who asks.
    /// </summary>
    public static async Task ReportAsync(string name, HttpContext http, Exports.ReportExporter exporter, SivProgram? program, StepModel? stepModel,
        Guid? caseworker, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        if (Exports.Report.Find(name) is not { } report)
        {
            await NotFound().ExecuteAsync(http);
            return;
        }
        var csv = http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        var format = csv ? Exports.ExportFormat.Csv : Exports.ExportFormat.Json;
        http.Response.ContentType = Exports.ReportExporter.ContentType(format);
        var filter = new Exports.ReportFilter { Program = program, StepModel = stepModel, CaseworkerId = caseworker, From = from, To = to };
        await exporter.ExportAsync(report, filter, http.User.OrganisationId()!.Value, format, http.Response.Body, null, ct);
    }

    /// <summary>The version an If-Match names, from a strong ETag ("12345"); null when there is none.</summary>
    private static uint? Version(HttpContext http) =>
        http.Request.Headers.IfMatch.ToString().Trim() is { Length: > 2 } tag && tag[0] == '"' && tag[^1] == '"' && uint.TryParse(tag[1..^1], out var version) ? version : null;

    /// <summary>The handler's named errors as RFC 9457 validation problems: each field (in the API's camelCase) with the page's own message.</summary>
    private static IResult Refused(IReadOnlyList<FieldError> errors) => Results.ValidationProblem(
        errors.GroupBy(e => e.Field.Length == 0 ? "" : char.ToLowerInvariant(e.Field[0]) + e.Field[1..]).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
        statusCode: StatusCodes.Status422UnprocessableEntity);

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

/// <summary>
/// The API's OpenAPI document (/openapi/v1.json), generated from the endpoints, with the bearer token and the scope each
/// operation needs: for signed-in staff and for tokens, not for the world.
/// </summary>
public static class ApiDocument
{
    public static IServiceCollection AddSivApiDocument(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new Microsoft.OpenApi.OpenApiInfo
                {
                    Title = "SivTracker API", Version = "v1",
                    Description = "Cases and people of the token's organisation. Send the token as Authorization: Bearer <token>; each operation names the scope it needs.",
                };
                document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["token"] = new Microsoft.OpenApi.OpenApiSecurityScheme
                {
                    Type = Microsoft.OpenApi.SecuritySchemeType.Http, Scheme = "bearer",
                    Description = "An API token from Admin → API access or create-token.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var scopes = context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
                    .Select(a => a.Policy).Where(p => p?.StartsWith("api:", StringComparison.Ordinal) == true).Select(p => p![4..]).ToList();
                if (scopes.Count > 0)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new Microsoft.OpenApi.OpenApiSecurityRequirement
                    {
                        [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("token", context.Document)] = scopes,
                    });
                }
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
