using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Cli;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Api;

/// <summary>The API's first part: tokens made and revoked, their scopes, their organisation, and reads as the pages read.</summary>
public class ApiTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    private Task<string> TokenAsync(string slug, string scopes, string name = "donor CRM", int days = 90) => ApiClients.TokenAsync(Fixture, slug, scopes, name, days);

    private HttpClient Client(string? token) => ApiClients.Client(Fixture.Factory, token);

    [Fact]
    public async Task AToken_ReadsItsOrganisationsCases_WithinItsScopes_AndEveryReadIsAuditedUnderItsName()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Najibullah", "Ahmadzai");
        var first = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, person.Id, "API-1");
        var second = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, person.Id, "API-2");
        var elsewhere = await TestData.CaseAsync(Fixture, _users.OrganisationB.Id, (await TestData.PersonAsync(Fixture, _users.OrganisationB.Id, "Other")).Id, "B-1");
        var token = await TokenAsync("ngo-a", "cases:read,people:read");
        Assert.StartsWith(ApiTokens.SecretPrefix, token);
        using var api = Client(token);

        // Without a token, or with one unknown: 401 as problem details.
        using var anonymous = Client(null);
        var refused = await anonymous.GetAsync("/api/v1/cases");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client("sivt_not-a-token").GetAsync("/api/v1/cases")).StatusCode);

        // A page at a time, with the link to the next.
        var page = JsonDocument.Parse(await api.GetStringAsync("/api/v1/cases?limit=1")).RootElement;
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        var next = page.GetProperty("next").GetString()!;
        var rest = JsonDocument.Parse(await api.GetStringAsync(next)).RootElement;
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);
        var references = new[] { page, rest }.SelectMany(p => p.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("reference").GetString()).Order().ToList();
        Assert.Equal(["API-1", "API-2"], references);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/cases?limit=1000")).StatusCode);

        // One case, with its clock, its version as an ETag, and 304 for a client that has it already.
        var read = await api.GetAsync($"/api/v1/cases/{first.Id}");
        var body = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("API-1", person.Id.ToString()), (body.GetProperty("reference").GetString(), body.GetProperty("principalId").GetString()));
        Assert.Equal("NotStarted", body.GetProperty("clock").GetProperty("state").GetString());
        var etag = read.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{first.Id}") { Headers = { IfNoneMatch = { etag } } };
        Assert.Equal(HttpStatusCode.NotModified, (await api.SendAsync(again)).StatusCode);

        // Another organisation's case is not there at all; a person needs people:read, which this token has.
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/cases/{elsewhere.Id}")).StatusCode);
        var who = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/people/{person.Id}")).RootElement;
        Assert.Equal("Najibullah", who.GetProperty("givenNames").GetString());

        // A token without the scope: 403.
        using var narrow = Client(await TokenAsync("ngo-a", "reports:read", "board report"));
        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.GetAsync($"/api/v1/cases/{first.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.GetAsync($"/api/v1/people/{person.Id}")).StatusCode);

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var rows = await db.AuditEvents.Where(a => a.EntityId == first.Id.ToString() || a.EntityId == person.Id.ToString() || a.Action == AuditActions.CaseListViewed)
            .Where(a => a.Details != null && a.Details.StartsWith("api token 'donor CRM'")).Select(a => a.Action).ToListAsync();
        Assert.Contains(AuditActions.CaseViewed, rows);
        Assert.Contains(AuditActions.PersonViewed, rows);
        Assert.Contains(AuditActions.CaseListViewed, rows);
        Assert.NotNull(second);
    }

    [Fact]
    public async Task AnAdmin_MakesAndRevokesTokensOnTheApiAccessPage_AndExpiredOrRevokedTokensOpenNothing()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var refused = await admin.PostFormAsync("/Admin/ApiAccess?handler=Create", AppClient.Form(("Name", "sheet sync"), ("Days", "90")), tokenSource: "/Admin/ApiAccess");
        Assert.Contains("at least one scope", Html.FieldError(await refused.Content.ReadAsStringAsync(), "Name"));
        var made = await admin.PostFormAsync("/Admin/ApiAccess?handler=Create", AppClient.Form(("Name", "sheet sync"), ("Scopes", "cases:read"), ("Days", "30")),
            tokenSource: "/Admin/ApiAccess");
        var secret = Html.Parse(await made.Content.ReadAsStringAsync()).QuerySelector("#new-token ~ p code")!.TextContent;
        using var api = Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/cases")).StatusCode);
        await using (var scope = Fixture.Scope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().ApiTokens.SingleAsync(t => t.Name == "sheet sync");
            Assert.Equal(ApiTokens.Hash(secret), stored.SecretHash);
            Assert.NotNull(stored.LastUsedAt);
        }

        // Another organisation's admin neither sees nor revokes it.
        using var otherAdmin = new AppClient(Fixture.Factory);
        await otherAdmin.SignInAsync(_users.AdminB.Email!, TestUsers.Password);
        Assert.DoesNotContain("sheet sync", await otherAdmin.GetHtmlAsync("/Admin/ApiAccess"));
        var revoke = Html.Parse(await admin.GetHtmlAsync("/Admin/ApiAccess")).QuerySelector("form[action*='handler=Revoke']")!.GetAttribute("action")!;
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.PostFormAsync(revoke, [], tokenSource: "/Admin/ApiAccess")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync(revoke, [], tokenSource: "/Admin/ApiAccess")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/cases")).StatusCode);

        using var shortLived = Client(await TokenAsync("ngo-a", "cases:read", "one day", days: 1));
        Assert.Equal(HttpStatusCode.OK, (await shortLived.GetAsync("/api/v1/cases")).StatusCode);
        Fixture.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await shortLived.GetAsync("/api/v1/cases")).StatusCode);
    }

    [Fact]
    public async Task TheCommand_RefusesWhatATokenCannotBe_AndTooManyRequestsAreToldWhenToComeBack()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, await CommandLine.RunAsync(Fixture.Factory.Services, ["create-token", "--org", "ngo-a", "--name", "x", "--scopes", "cases:delete"],
            new StringReader(""), output, error));
        Assert.Contains("Unknown scope 'cases:delete'", error.ToString());
        Assert.Equal(1, await CommandLine.RunAsync(Fixture.Factory.Services, ["create-token", "--org", "nowhere", "--name", "x", "--scopes", "cases:read"],
            new StringReader(""), output, error));

        var token = await TokenAsync("ngo-a", "cases:read");
        await using var limited = Fixture.Factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) =>
            c.AddInMemoryCollection(new Dictionary<string, string?> { ["RateLimits:ApiRequestsPerMinute"] = "2" })));
        using var api = limited.CreateClient(new() { BaseAddress = new Uri("https://localhost") });
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++) answers.Add(await api.GetAsync("/api/v1/cases"));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers.Select(a => a.StatusCode));
        Assert.True(int.Parse(answers[2].Headers.GetValues("Retry-After").Single()) > 0);
    }

    [Fact]
    public async Task RecordingAStage_NeedsTheCasesETag_RecordsOneEventPerIdempotencyKey_AndNamesWhatIsWrong()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani");
        var @case = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, person.Id, "API-W");
        using var reader = Client(await TokenAsync("ngo-a", "cases:read"));
        using var api = Client(await TokenAsync("ngo-a", "cases:read,cases:write", "case sync"));
        var path = $"/api/v1/cases/{@case.Id}/stage-events";
        HttpRequestMessage Post(object body, string? ifMatch, Guid? key = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            if (key is not null) request.Headers.Add("Idempotency-Key", key.ToString());
            return request;
        }
        var etag = (await api.GetAsync($"/api/v1/cases/{@case.Id}")).Headers.ETag!.Tag;
        var submitted = new { to = "COM_SUBMITTED", effectiveOn = "2026-11-20", note = "Sent by the NGO's sync script." };

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.SendAsync(Post(submitted, etag))).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await api.SendAsync(Post(submitted, null))).StatusCode);
        var wrong = await api.SendAsync(Post(new { to = "NO_SUCH_STAGE", effectiveOn = "2026-11-20" }, etag));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        var problem = JsonDocument.Parse(await wrong.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty("to", out _), problem.ToString());
        var noDate = JsonDocument.Parse(await (await api.SendAsync(Post(new { to = "COM_SUBMITTED" }, etag))).Content.ReadAsStringAsync()).RootElement;
        Assert.True(noDate.GetProperty("errors").TryGetProperty("effectiveOn", out _), noDate.ToString());

        var key = Guid.NewGuid();
        var first = await api.SendAsync(Post(submitted, etag, key));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        // The same request again (a retry after a lost answer) records nothing more.
        var retry = await api.SendAsync(Post(submitted, etag, key));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        // Another change made from the old ETag is refused: someone (here, the first request) changed the case since.
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await api.SendAsync(Post(new { to = "COM_APPROVED", effectiveOn = "2026-11-25" }, etag, Guid.NewGuid()))).StatusCode);

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(1, await db.StageEvents.CountAsync(e => e.CaseId == @case.Id && e.ToStageCode == "COM_SUBMITTED"));
        Assert.Equal("COM_SUBMITTED", (await db.Cases.SingleAsync(c => c.Id == @case.Id)).CurrentStageCode);
        Assert.Contains(await db.AuditEvents.Where(a => a.EntityId == @case.Id.ToString()).Select(a => a.Details).ToListAsync(), d => d != null && d.StartsWith("api token 'case sync'"));
    }

    [Fact]
    public async Task TheOpenApiDocument_ListsEveryEndpoint_EachWithTheScopeItNeeds_ForStaffAndTokensOnly()
    {
        using var api = Client(await TokenAsync("ngo-a", "cases:read"));
        var document = JsonDocument.Parse(await api.GetStringAsync("/openapi/v1.json")).RootElement;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("token").GetProperty("scheme").GetString());
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete").Select(o => (Path: path.Name, o.Name, Operation: o.Value)))
            .ToList();
        // Every endpoint the app maps under /api is in the document, and nothing else.
        var mapped = Fixture.Factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m.ToLowerInvariant()} {System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!, ":guid", "")}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(mapped.Count >= 20, string.Join(", ", mapped));
        Assert.Equal(mapped, operations.Select(o => $"{o.Name} {o.Path}").Order(StringComparer.Ordinal).ToList());
        // Each names its error shapes: problem details for a refusal.
        Assert.All(operations.Where(o => o.Name != "get"), o => Assert.True(o.Operation.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('4')), $"{o.Name} {o.Path}"));
        foreach (var (path, method, operation) in operations)
        {
            var scopes = operation.GetProperty("security")[0].GetProperty("token").EnumerateArray().Select(s => s.GetString()).ToList();
            Assert.True(scopes.Count > 0 && scopes.All(s => ApiTokens.Scopes.Contains(s!)), $"{method} {path}: {string.Join(", ", scopes)}");
        }

        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/openapi/v1.json")).StatusCode);

        // The reference page reads the same document: each operation once, with its summary (from the handler's comment) and scope.
        var reference = Html.Parse(await admin.GetHtmlAsync("/api/docs"));
        var listed = reference.QuerySelectorAll("article.api-operation h3").Select(h => h.TextContent.Trim().ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(operations.Select(o => $"{o.Name} {o.Path}".ToLowerInvariant()).Order(StringComparer.Ordinal), listed);
        var stage = reference.QuerySelectorAll("article.api-operation").Single(a => a.QuerySelector("h3")!.TextContent.Trim() == "POST /api/v1/cases/{id}/stage-events");
        Assert.Contains("Records a stage change", stage.TextContent);
        Assert.Contains("cases:write", stage.TextContent);
        Assert.Contains("412", stage.TextContent);
        Assert.NotNull(reference.GetElementById("schema-CaseDetail"));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/docs")).StatusCode);
        using var anonymous = new AppClient(Fixture.Factory);
        var refused = await anonymous.GetAsync("/openapi/v1.json");
        Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect, $"{(int)refused.StatusCode}");
    }

    [Fact]
    public async Task AReport_StreamsAsJsonOrCsv_AndIsAuditedAsAnExport()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani");
        await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, person.Id, "RPT-1");
        using var api = Client(await TokenAsync("ngo-a", "reports:read", "board report"));

        var rows = JsonDocument.Parse(await api.GetStringAsync("/api/v1/reports/cases")).RootElement;
        var row = rows.EnumerateArray().Single();
        Assert.Equal("RPT-1", row.EnumerateObject().First(p => p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == "RPT-1").Value.GetString());
        Assert.DoesNotContain("Hamid", rows.ToString());

        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/backlog") { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("text/csv") } } };
        var csv = await api.SendAsync(csvRequest);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains(",", (await csv.Content.ReadAsStringAsync()).Split('\n')[0]);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/v1/reports/no-such-report")).StatusCode);
        using var cases = Client(await TokenAsync("ngo-a", "cases:read"));
        Assert.Equal(HttpStatusCode.Forbidden, (await cases.GetAsync("/api/v1/reports/backlog")).StatusCode);

        await using var scope = Fixture.Scope();
        var audit = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().AuditEvents
            .Where(a => a.Action == AuditActions.ExportFinished && a.Details!.StartsWith("api token 'board report'")).Select(a => a.EntityId).ToListAsync();
        Assert.Contains("cases", audit);
        Assert.Contains("backlog", audit);
    }

    [Fact]
    public async Task RegisteringAPerson_RunsTheRegistrysRules_WarnsOfDuplicates_AndARetryRegistersNobodyNew()
    {
        await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Najibullah", "Ahmadzai", new DateOnly(1991, 5, 12));
        using var api = Client(await TokenAsync("ngo-a", "people:read,people:write", "crm sync"));
        using var reader = Client(await TokenAsync("ngo-a", "people:read"));
        HttpRequestMessage Post(object body, Guid? key = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/people") { Content = JsonContent.Create(body) };
            if (key is not null) request.Headers.Add("Idempotency-Key", key.ToString());
            return request;
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.SendAsync(Post(new { givenNames = "Farid" }))).StatusCode);
        var invalid = await api.SendAsync(Post(new { givenNames = "", contacts = new[] { new { kind = "Phone", value = "0700" } } }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var errors = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("givenNames", out _), errors.ToString());

        // The same name and birth year as someone registered: a warning with the candidate, until confirmed.
        var najib = new { givenNames = "Najibullah", familyName = "Ahmadzai", dateOfBirth = "1991-05-12" };
        var duplicate = await api.SendAsync(Post(najib));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await duplicate.Content.ReadAsStringAsync()).RootElement.GetProperty("duplicates").GetArrayLength());

        var key = Guid.NewGuid();
        var farid = new { givenNames = "Farid", familyName = "Noori", dateOfBirth = "1370", contacts = new[] { new { kind = "WhatsApp", value = "+93 70 555 1234" } } };
        var created = await api.SendAsync(Post(farid, key));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var retried = await api.SendAsync(Post(farid, key));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(id, JsonDocument.Parse(await retried.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
        Assert.Equal("Farid", JsonDocument.Parse(await api.GetStringAsync(created.Headers.Location!.ToString())).RootElement.GetProperty("givenNames").GetString());

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(1, (await db.Persons.ToListAsync()).Count(p => p.GivenNames == "Farid"));
        Assert.Contains(await db.AuditEvents.Where(a => a.Action == AuditActions.PersonCreated && a.EntityId == id).Select(a => a.Details).ToListAsync(),
            d => d != null && d.StartsWith("api token 'crm sync'"));
    }

    [Fact]
    public async Task AChecklistItem_ChangesThroughTheChecklistHandler_OnlyFromItsCurrentVersion()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani");
        var @case = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, person.Id, "API-C");
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            db.DocumentItems.Add(new DocumentItem { OrganisationId = @case.OrganisationId, CaseId = @case.Id, Kind = DocumentKind.HrLetter });
            await db.SaveChangesAsync();
        }
        using var api = Client(await TokenAsync("ngo-a", "cases:read,cases:write"));
        var item = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/cases/{@case.Id}/checklist")).RootElement.EnumerateArray()
            .Single(i => i.GetProperty("kind").GetString() == "HrLetter");
        var (itemId, version) = (item.GetProperty("id").GetString(), item.GetProperty("version").GetString()!);
        HttpRequestMessage Put(object body, string? ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/cases/{@case.Id}/checklist/{itemId}") { Content = JsonContent.Create(body) };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return request;
        }

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await api.SendAsync(Put(new { status = "Received", statusOn = "2026-11-20" }, null))).StatusCode);
        var received = await api.SendAsync(Put(new { status = "Received", statusOn = "2026-11-20" }, version));
        Assert.Equal(HttpStatusCode.OK, received.StatusCode);
        Assert.Equal("Received", JsonDocument.Parse(await received.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await api.SendAsync(Put(new { status = "Verified", statusOn = "2026-11-21" }, version))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/cases/{@case.Id}/checklist/{Guid.NewGuid()}")
            { Content = JsonContent.Create(new { status = "Received" }) })).StatusCode);

        await using var check = Fixture.Scope();
        Assert.Equal(DocumentStatus.Received, (await check.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().DocumentItems.SingleAsync(d => d.CaseId == @case.Id)).Status);
    }
}
