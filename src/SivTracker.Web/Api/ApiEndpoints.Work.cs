using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using Act = SivTracker.Web.Pages.Review.Act;
using CaseDetails = SivTracker.Web.Pages.Cases.Details;
using ChangeStage = SivTracker.Web.Pages.Cases.ChangeStage;
using EditPerson = SivTracker.Web.Pages.Applicants.Edit;
using OpenCase = SivTracker.Web.Pages.Cases.Open;
using PeopleList = SivTracker.Web.Pages.Applicants.Index;
using PersonForm = SivTracker.Web.Pages.Applicants.PersonForm;
using ReviewQueue = SivTracker.Web.Pages.Review.Index;
using ServiceRecordPage = SivTracker.Web.Pages.Applicants.ServiceRecord;
using WebhooksPage = SivTracker.Web.Pages.Admin.WebhooksModel;

namespace SivTracker.Web.Api;

/// <summary>The API's people, case work, review and webhook endpoints, each on the handler its page uses.</summary>
public static partial class ApiEndpoints
{
    private static void MapWork(RouteGroupBuilder api)
    {
        var peopleRead = ApiAuth.Policy(ApiTokens.PeopleRead);
        var peopleWrite = ApiAuth.Policy(ApiTokens.PeopleWrite);
        var casesRead = ApiAuth.Policy(ApiTokens.CasesRead);
        var casesWrite = ApiAuth.Policy(ApiTokens.CasesWrite);
        var webhooks = ApiAuth.Policy(ApiTokens.WebhooksManage);

        api.MapGet("/people", ListPeopleAsync).RequireAuthorization(peopleRead).Produces<PeoplePage>();
        api.MapPatch("/people/{id:guid}", UpdatePersonAsync).RequireAuthorization(peopleWrite).Writes(StatusCodes.Status204NoContent);
        api.MapGet("/people/{id:guid}/service-records", ListServiceRecordsAsync).RequireAuthorization(peopleRead).Produces<List<ServiceRecordView>>();
        api.MapPost("/people/{id:guid}/service-records", AddServiceRecordAsync).RequireAuthorization(peopleWrite).AddEndpointFilter<Idempotency>().Writes(StatusCodes.Status201Created);
        api.MapPut("/people/{id:guid}/service-records/{recordId:guid}", EditServiceRecordAsync).RequireAuthorization(peopleWrite).Writes(StatusCodes.Status204NoContent);

        api.MapPost("/cases", OpenCaseAsync).RequireAuthorization(casesWrite).AddEndpointFilter<Idempotency>().Writes(StatusCodes.Status201Created);
        api.MapGet("/cases/{id:guid}/stage-events", ListStageEventsAsync).RequireAuthorization(casesRead).Produces<List<StageEventView>>();
        api.MapPost("/cases/{id:guid}/stage-events/{eventId:guid}/void", VoidStageEventAsync).RequireAuthorization(casesWrite).AddEndpointFilter<Idempotency>().Writes(StatusCodes.Status200OK);
        api.MapGet("/cases/{id:guid}/notes", ListNotesAsync).RequireAuthorization(casesRead).Produces<List<NoteView>>();
        api.MapPost("/cases/{id:guid}/notes", AddNoteAsync).RequireAuthorization(casesWrite).AddEndpointFilter<Idempotency>().Writes(StatusCodes.Status201Created);
        api.MapGet("/review-queue", ReviewQueueAsync).RequireAuthorization(casesRead).Produces<QueuePage>();
        api.MapPost("/cases/{id:guid}/review-actions", ReviewActionAsync).RequireAuthorization(casesWrite).AddEndpointFilter<Idempotency>().Writes(StatusCodes.Status201Created);

        api.MapGet("/webhooks", ListWebhooksAsync).RequireAuthorization(webhooks).Produces<List<WebhookView>>();
        api.MapPost("/webhooks", SubscribeAsync).RequireAuthorization(webhooks).AddEndpointFilter<Idempotency>().Writes(StatusCodes.Status201Created).Produces<WebhookCreated>(StatusCodes.Status201Created);
        api.MapGet("/webhooks/{id:guid}/messages", WebhookMessagesAsync).RequireAuthorization(webhooks).Produces<List<WebhookMessageView>>();
        api.MapDelete("/webhooks/{id:guid}", UnsubscribeAsync).RequireAuthorization(webhooks).Writes(StatusCodes.Status204NoContent);
    }

    /// <summary>What every write may answer besides its success: the named errors as problem details.</summary>
    private static RouteHandlerBuilder Writes(this RouteHandlerBuilder endpoint, int success) => endpoint.Produces(success)
        .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);

    public sealed record PersonRow(Guid Id, string GivenNames, string? FamilyName, string? NativeName, int FamilyMembers, SafetyStatus Safety, SivProgram? Program,
        string? Stage, DateTimeOffset UpdatedAt, bool Interpreter);

    public sealed record PeoplePage(IReadOnlyList<PersonRow> Items, string? Next);

    /// <summary>Principals with the people list's filters, newest change first, a page at a time.</summary>
    public static async Task<IResult> ListPeopleAsync(HttpContext http, AppDbContext db, Audit audit, SivProgram? program, string? stage, Guid? caseworker,
        SafetyStatus? safety, bool? interpreters, Guid? after, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > PageSize) return LimitProblem();
        var filter = new PeopleList.Filter { Program = program, Stage = stage, Caseworker = caseworker, Safety = safety, Interpreters = interpreters == true, After = after };
        var (rows, hasMore) = await PeopleList.ListAsync(db, filter, limit ?? PageSize, ct);
        await audit.RecordNowAsync(AuditActions.PersonListViewed, details: Audit.ListDetails(rows.Count, ("program", program), ("stage", stage),
            ("caseworker", caseworker), ("safety", safety), ("interpreters", interpreters == true), ("after", after)), ct: ct);
        return Results.Ok(new PeoplePage(rows.Select(r => new PersonRow(r.Id, r.GivenNames, r.FamilyName, r.NativeName, r.FamilyMembers, r.Safety, r.Case?.Program,
            r.Case?.Stage, r.UpdatedAt, r.Interpreter)).ToList(), NextLink(http, hasMore, rows.Count > 0 ? rows[^1].Id : null)));
    }

    /// <summary>
    /// Changes the fields sent (a field left out or null stays as it is; an empty string clears it; contacts, when sent,
    /// replace the list) through the edit handler the person's page uses, with the person's ETag as If-Match.
    /// </summary>
    public static async Task<IResult> UpdatePersonAsync(Guid id, PersonRequest body, HttpContext http, AppDbContext db, EditPerson.Handler handler, CancellationToken ct)
    {
        var person = await db.Persons.AsNoTracking().Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
            .FirstOrDefaultAsync(p => p.Id == id && p.MergedIntoId == null, ct);
        if (person is null) return NotFound();
        if (Version(http) is not { } version) return PreconditionRequired("person");
        var now = PersonForm.From(person);
        var command = now with
        {
            GivenNames = body.GivenNames ?? now.GivenNames, FamilyName = body.FamilyName ?? now.FamilyName, OtherSpellings = body.OtherSpellings ?? now.OtherSpellings,
            NativeName = body.NativeName ?? now.NativeName, FatherName = body.FatherName ?? now.FatherName, DateOfBirth = body.DateOfBirth ?? now.DateOfBirth,
            Sex = body.Sex ?? now.Sex, TazkiraNumber = body.TazkiraNumber ?? now.TazkiraNumber, CurrentCountry = body.CurrentCountry ?? now.CurrentCountry,
            CurrentProvince = body.CurrentProvince ?? now.CurrentProvince, SafetyStatus = body.SafetyStatus ?? now.SafetyStatus,
            Contacts = body.Contacts is { } contacts ? contacts.Select(c => new PersonForm.ContactRow { Kind = c.Kind, Value = c.Value }).ToList() : now.Contacts,
            ConfirmedNotDuplicate = body.ConfirmedNotDuplicate, Version = version,
        };
        var result = await handler.HandleAsync(id, command, null, ct);
        switch (result.Outcome)
        {
            case EditPerson.Outcome.NotFound:
                return NotFound();
            case EditPerson.Outcome.Conflict:
                return Stale("person");
            case EditPerson.Outcome.Refused when result.Duplicates.Count > 0:
                return DuplicatesProblem(result.Duplicates);
            case EditPerson.Outcome.Refused:
                return Refused(result.Errors);
        }
        http.Response.Headers.ETag = $"\"{await db.Persons.Where(p => p.Id == id).Select(p => p.Version).FirstAsync(ct)}\"";
        return Results.NoContent();
    }

    public sealed record ServiceRecordView(Guid Id, EmployerType EmployerType, string Employer, ServiceRole Role, DateOnly StartDate, DateOnly? EndDate,
        string? Location, string? SupervisorName, bool HrLetterObtained, bool RecommendationLetterObtained, string Version);

    /// <summary>A person's service records, each with its version to send back as If-Match when changing it. Audited as a read of the person.</summary>
    public static async Task<IResult> ListServiceRecordsAsync(Guid id, AppDbContext db, Audit audit, CancellationToken ct)
    {
        if (!await db.Persons.AnyAsync(p => p.Id == id && p.MergedIntoId == null, ct)) return NotFound();
        var records = await db.ServiceRecords.AsNoTracking().Where(r => r.PersonId == id).OrderBy(r => r.StartDate)
            .Select(r => new { r.Id, r.EmployerType, r.Employer, r.Role, r.StartDate, r.EndDate, r.Location, r.SupervisorName, r.HrLetterObtained, r.RecommendationLetterObtained, r.Version })
            .ToListAsync(ct);
        await audit.RecordNowAsync(AuditActions.PersonViewed, "person", id, "service records", ct: ct);
        return Results.Ok(records.Select(r => new ServiceRecordView(r.Id, r.EmployerType, r.Employer, r.Role, r.StartDate, r.EndDate, r.Location, r.SupervisorName,
            r.HrLetterObtained, r.RecommendationLetterObtained, $"\"{r.Version}\"")).ToList());
    }

    /// <summary>Adds a service record (employer, role, dates, supervisor) to a person through the service record page's handler.</summary>
    public static async Task<IResult> AddServiceRecordAsync(Guid id, ServiceRecordPage.Command body, ServiceRecordPage.Handler handler, CancellationToken ct) =>
        await ServiceRecordResultAsync(await handler.AddAsync(id, body, null, ct), $"/api/v1/people/{id}/service-records");

    /// <summary>Changes a service record through its page's handler, with the record's version as If-Match: a stale one is 412.</summary>
    public static async Task<IResult> EditServiceRecordAsync(Guid id, Guid recordId, ServiceRecordPage.Command body, HttpContext http, AppDbContext db,
        ServiceRecordPage.Handler handler, CancellationToken ct)
    {
        if (!await db.ServiceRecords.AnyAsync(r => r.Id == recordId && r.PersonId == id, ct)) return NotFound();
        if (Version(http) is not { } version) return PreconditionRequired("service record");
        return await ServiceRecordResultAsync(await handler.EditAsync(recordId, body with { Version = version }, null, ct), null);
    }

    private static Task<IResult> ServiceRecordResultAsync(ServiceRecordPage.Result result, string? createdAt) => Task.FromResult(result.Outcome switch
    {
        ServiceRecordPage.Outcome.NotFound => NotFound(),
        ServiceRecordPage.Outcome.Conflict => Stale("service record"),
        ServiceRecordPage.Outcome.Refused => Refused(result.Errors),
        _ => createdAt is null ? Results.NoContent() : Results.Created(createdAt, new { id = result.RecordId }),
    });

    /// <summary>Opens a case for a principal through the handler the Open page uses: the step model by the rule, the first events, the checklist, the clock.</summary>
    public static async Task<IResult> OpenCaseAsync(OpenCaseRequest body, OpenCase.Handler handler, CancellationToken ct)
    {
        var result = await handler.HandleAsync(body.PrincipalId, new OpenCase.Command
        {
            Program = body.Program, ComSubmittedOn = body.ComSubmittedOn, StepModelOverride = body.StepModelOverride, OverrideReason = body.OverrideReason,
            Reference = body.Reference, CaseworkerId = body.CaseworkerId, Priority = body.Priority ?? CasePriority.Normal,
        }, null, ct);
        return result.CaseId is { } caseId
            ? Results.Created($"/api/v1/cases/{caseId}", new { id = caseId, reference = result.Reference })
            : result.Errors.Any(e => e.Field.Length == 0) ? NotFound() : Refused(result.Errors);
    }

    public sealed record OpenCaseRequest(Guid PrincipalId, SivProgram Program, DateOnly? ComSubmittedOn, StepModel? StepModelOverride, string? OverrideReason,
        string? Reference, Guid? CaseworkerId, CasePriority? Priority);

    public sealed record StageEventView(Guid Id, string? From, string To, DateOnly EffectiveOn, DateTimeOffset RecordedAt, string? Note, string? Reason,
        Guid? Corrects, DateTimeOffset? VoidedAt, string? VoidReason);

    /// <summary>The case's whole stage history, voided and corrected events included, oldest first.</summary>
    public static async Task<IResult> ListStageEventsAsync(Guid id, HttpContext http, AppDbContext db, Audit audit, CancellationToken ct)
    {
        var version = await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => (uint?)c.Version).FirstOrDefaultAsync(ct);
        if (version is null) return NotFound();
        var events = await db.StageEvents.AsNoTracking().Where(e => e.CaseId == id).OrderBy(e => e.EffectiveOn).ThenBy(e => e.RecordedAt)
            .Select(e => new StageEventView(e.Id, e.FromStageCode, e.ToStageCode, e.EffectiveOn, e.RecordedAt, e.Note, e.Reason, e.CorrectsEventId, e.VoidedAt, e.VoidReason))
            .ToListAsync(ct);
        await audit.RecordNowAsync(AuditActions.CaseViewed, "case", id, "stage history", ct: ct);
        return Tagged(http, version.Value, events);
    }

    public sealed record VoidRequest(string? Reason);

    /// <summary>Voids an event through the stage-change handler (it stays in the history, struck through), with the case's ETag as If-Match.</summary>
    public static async Task<IResult> VoidStageEventAsync(Guid id, Guid eventId, VoidRequest body, HttpContext http, AppDbContext db, ChangeStage.Handler handler,
        CancellationToken ct)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == id, ct)) return NotFound();
        if (Version(http) is not { } version) return PreconditionRequired("case");
        var result = await handler.VoidAsync(id, new ChangeStage.VoidCommand { EventId = eventId, Reason = body.Reason, Version = version }, null, ct);
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
        return Results.Ok(new { stage = now.CurrentStageCode });
    }

    public sealed record NoteView(Guid Id, string Body, DateTimeOffset CreatedAt);

    /// <summary>The case's notes, oldest first. Audited as a read of the case.</summary>
    public static async Task<IResult> ListNotesAsync(Guid id, AppDbContext db, Audit audit, CancellationToken ct)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == id, ct)) return NotFound();
        var notes = await db.CaseNotes.AsNoTracking().Where(n => n.CaseId == id).OrderBy(n => n.CreatedAt).Select(n => new NoteView(n.Id, n.Body, n.CreatedAt)).ToListAsync(ct);
        await audit.RecordNowAsync(AuditActions.CaseViewed, "case", id, "notes", ct: ct);
        return Results.Ok(notes);
    }

    /// <summary>Adds a note to the case through the case page's note handler; it joins the record for good.</summary>
    public static async Task<IResult> AddNoteAsync(Guid id, CaseDetails.NoteCommand body, CaseDetails.Handler handler, CancellationToken ct)
    {
        var result = await handler.AddNoteAsync(id, body, null, ct);
        return result.Outcome switch
        {
            CaseDetails.Outcome.NotFound => NotFound(),
            CaseDetails.Outcome.Refused => Refused(result.Errors),
            _ => Results.Created($"/api/v1/cases/{id}/notes", null),
        };
    }

    public sealed record QueueRow(Guid Id, string Reference, string PrincipalName, SivProgram Program, string Stage, int GovernmentDays, int? LimitDays, int? DaysOver,
        bool HighRisk, DateTimeOffset? LastReviewedAt, DateOnly? NextReviewOn, ReviewQueue.Urgency Urgency, IReadOnlyList<QueueFlag> Flags);

    public sealed record QueueFlag(Guid Id, FlagType Type, DateOnly RaisedOn, DateOnly? SnoozedUntil, DateOnly? DeadlineOn);

    public sealed record QueuePage(IReadOnlyDictionary<ReviewQueue.Urgency, int> Counts, IReadOnlyList<QueueRow> Items, string? Next);

    /// <summary>The review queue, most urgent first, with the page's filters, counts and flags.</summary>
    public static async Task<IResult> ReviewQueueAsync(HttpContext http, AppDbContext db, Audit audit, TimeProvider time, OrganisationCalendar calendar, SivProgram? program, string? stage,
        Guid? caseworker, FlagType? flag, bool? highRisk, int? minDaysOver, int? maxDaysOver, int? notReviewedDays, bool? interpreters, Guid? after, int? limit,
        CancellationToken ct)
    {
        if (limit is < 1 or > ReviewQueue.PageSize) return LimitProblem(ReviewQueue.PageSize);
        var filter = new ReviewQueue.Filter
        {
            Program = program, Stage = stage, Caseworker = caseworker, Flag = flag, HighRisk = highRisk, MinDaysOver = minDaysOver, MaxDaysOver = maxDaysOver,
            NotReviewedDays = notReviewedDays, Interpreters = interpreters == true, After = after,
        };
        var (counts, rows, flags, hasMore) = await ReviewQueue.QueueAsync(db, filter, time.GetUtcNow(), await calendar.TodayAsync(ct), limit ?? ReviewQueue.PageSize, ct);
        await audit.RecordNowAsync(AuditActions.ReviewQueueViewed, details: Audit.ListDetails(rows.Count, ("program", program), ("stage", stage),
            ("caseworker", caseworker), ("flag", flag), ("after", after)), ct: ct);
        return Results.Ok(new QueuePage(counts, rows.Select(r => new QueueRow(r.Id, r.Reference, r.PrincipalName, r.Program, r.Stage, r.GovernmentDays, r.LimitDays,
            r.DaysOver, r.HighRisk, r.LastReviewedAt, r.NextReviewOn, (ReviewQueue.Urgency)r.Urgency,
            flags[r.Id].Select(f => new QueueFlag(f.Id, f.Type, f.RaisedOn, f.SnoozedUntil, f.DeadlineOn)).ToList())).ToList(),
            NextLink(http, hasMore, rows.Count > 0 ? rows[^1].Id : null)));
    }

    public sealed record ReviewActionRequest(ReviewActionKind Kind, string? Note, DateOnly? Date, EscalationReason? Reason, Guid? AssigneeId, Guid? FlagId);

    /// <summary>A reviewer's action (acknowledge, next review date, escalate, snooze) through the review handler, with its rules (a breach is never snoozed).</summary>
    public static async Task<IResult> ReviewActionAsync(Guid id, ReviewActionRequest body, Act.Handler handler, CancellationToken ct)
    {
        var result = await handler.RecordAsync(id, body.Kind, new Act.Command
        {
            Note = body.Note, Date = body.Date, Reason = body.Reason, AssigneeId = body.AssigneeId, FlagId = body.FlagId,
        }, null, ct);
        return result.Outcome switch
        {
            Act.Outcome.NotFound => NotFound(),
            Act.Outcome.Refused => Refused(result.Errors),
            _ => Results.Created($"/api/v1/cases/{id}", null),
        };
    }

    public sealed record WebhookView(Guid Id, string Url, string? Description, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, DateTimeOffset? PausedAt, string? PauseReason);

    public sealed record WebhookCreated(Guid Id, string Secret);

    /// <summary>The organisation's webhook subscriptions, with whether each is paused and why.</summary>
    public static async Task<IResult> ListWebhooksAsync(AppDbContext db, CancellationToken ct) =>
        Results.Ok(await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.CreatedAt)
            .Select(s => new WebhookView(s.Id, s.Url, s.Description, s.Events, s.CreatedAt, s.PausedAt, s.PauseReason)).ToListAsync(ct));

    /// <summary>Subscribes a URL to events; the answer holds the signing secret, the only time it is shown.</summary>
    public static async Task<IResult> SubscribeAsync(WebhooksPage.Command body, WebhooksPage.Handler handler, CancellationToken ct)
    {
        var result = await handler.SubscribeAsync(body, null, ct);
        return result.Subscription is { } subscription
            ? Results.Created($"/api/v1/webhooks/{subscription.Id}", new WebhookCreated(subscription.Id, result.Secret!))
            : Refused(result.Errors);
    }

    public sealed record WebhookMessageView(Guid Id, string Type, DateTimeOffset CreatedAt, WebhookMessageStatus Status, int Attempts, DateTimeOffset? LastAttemptAt,
        int? LastStatusCode, DateTimeOffset NextAttemptAt);

    /// <summary>A subscription's latest messages: each one's event, status, attempts and last answer.</summary>
    public static async Task<IResult> WebhookMessagesAsync(Guid id, AppDbContext db, CancellationToken ct)
    {
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, ct)) return NotFound();
        return Results.Ok(await db.WebhookMessages.AsNoTracking().Where(m => m.SubscriptionId == id).OrderByDescending(m => m.CreatedAt).Take(WebhooksPage.DeliveriesShown)
            .Select(m => new WebhookMessageView(m.Id, m.Type, m.CreatedAt, m.Status, m.Attempts, m.LastAttemptAt, m.LastStatusCode, m.NextAttemptAt)).ToListAsync(ct));
    }

    /// <summary>Removes a webhook subscription and its messages.</summary>
    public static async Task<IResult> UnsubscribeAsync(Guid id, WebhooksPage.Handler handler, CancellationToken ct) =>
        await handler.RemoveAsync(id, null, ct) ? Results.NoContent() : NotFound();

    /// <summary>The link to the page after this one, keeping the request's filters; also sent as a Link header.</summary>
    private static string? NextLink(HttpContext http, bool hasMore, Guid? lastId)
    {
        if (!hasMore || lastId is null) return null;
        var query = http.Request.Query.Where(q => q.Key != "after").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"after={lastId}");
        var next = $"{http.Request.Path}?{string.Join('&', query)}";
        http.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        return next;
    }

    private static IResult LimitProblem(int max = PageSize) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: Text.T("limit is from 1 to {0}.", max));

    private static IResult PreconditionRequired(string what) => Results.Problem(statusCode: StatusCodes.Status428PreconditionRequired,
        detail: Text.T("Send the {0}'s ETag as If-Match, so a change made from a stale read is refused.", what));

    private static IResult Stale(string what) => Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
        detail: Text.T("The {0} changed since this ETag was read. Read it again, then decide.", what));

    private static IResult DuplicatesProblem(IReadOnlyList<PersonForm.Duplicate> duplicates) => Results.Problem(statusCode: StatusCodes.Status409Conflict,
        detail: Text.T("This may be someone already registered. Check the candidates; send confirmedNotDuplicate: true to register anyway."),
        extensions: new Dictionary<string, object?> { ["duplicates"] = duplicates.Select(d => new { d.Id, d.Reasons }).ToList() });
}
