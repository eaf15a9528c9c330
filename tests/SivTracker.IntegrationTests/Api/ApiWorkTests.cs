using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Api;

/// <summary>The API's people, case work and review endpoints: each through its page's handler, with its named errors, ETags and idempotency.</summary>
public class ApiWorkTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static string[] ErrorFields(JsonElement problem) => problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToArray();

    private async Task<AppDbContext> DbAsync(AsyncServiceScope scope)
    {
        await Task.CompletedTask;
        return scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
    }

    [Fact]
    public async Task People_AreListedPageByPage_UpdatedFieldByFieldFromTheirETag_AndTheirServiceRecordsKept()
    {
        var older = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Sayed", "Hashimi");
        var newer = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Nasrin", "Hashimi");
        await TestData.PersonAsync(Fixture, _users.OrganisationB.Id, "Elsewhere");
        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "people:read,people:write"));

        var page = await JsonAsync(await api.GetAsync("/api/v1/people?limit=1"));
        var rest = await JsonAsync(await api.GetAsync(page.GetProperty("next").GetString()!));
        var listed = new[] { page, rest }.SelectMany(p => p.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([newer.Id, older.Id], listed);
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);

        var path = $"/api/v1/people/{older.Id}";
        var etag = (await api.GetAsync(path)).Headers.ETag!.Tag;
        using (var noTag = ApiClients.Request(HttpMethod.Patch, path, new { currentProvince = "Kabul" }))
        {
            Assert.Equal(HttpStatusCode.PreconditionRequired, (await api.SendAsync(noTag)).StatusCode);
        }
        using (var bad = ApiClients.Request(HttpMethod.Patch, path, new { dateOfBirth = "2999-01-01" }, etag))
        {
            var refused = await api.SendAsync(bad);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("dateOfBirth", ErrorFields(await JsonAsync(refused)));
        }
        using (var good = ApiClients.Request(HttpMethod.Patch, path, new { currentCountry = "PK", currentProvince = "Islamabad" }, etag))
        {
            var changed = await api.SendAsync(good);
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
            Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
        }
        using (var stale = ApiClients.Request(HttpMethod.Patch, path, new { currentProvince = "Peshawar" }, etag))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await api.SendAsync(stale)).StatusCode);
        }
        var person = await JsonAsync(await api.GetAsync(path));
        // What the request left out stays as it was.
        Assert.Equal(("Sayed", "PK"), (person.GetProperty("givenNames").GetString(), person.GetProperty("currentCountry").GetString()));

        var records = $"/api/v1/people/{older.Id}/service-records";
        var key = Guid.NewGuid().ToString();
        var service = new { employerType = "UsMilitary", employer = "Task Force Helmand", role = "Interpreter", startDate = "2009-03-01", endDate = "2012-06-30" };
        using (var missing = ApiClients.Request(HttpMethod.Post, records, new { employerType = "UsMilitary", role = "Interpreter" }))
        {
            var refused = await api.SendAsync(missing);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal(["employer", "startDate"], ErrorFields(await JsonAsync(refused)).Order());
        }
        using var add = ApiClients.Request(HttpMethod.Post, records, service, idempotencyKey: key);
        var added = await api.SendAsync(add);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        using var again = ApiClients.Request(HttpMethod.Post, records, service, idempotencyKey: key);
        var replayed = await api.SendAsync(again);
        Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((await JsonAsync(added)).GetProperty("id").GetGuid(), (await JsonAsync(replayed)).GetProperty("id").GetGuid());
        // The same key for another request is a client's mistake, said so.
        using var misused = ApiClients.Request(HttpMethod.Post, $"/api/v1/people/{newer.Id}/service-records", service, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.SendAsync(misused)).StatusCode);

        var kept = (await JsonAsync(await api.GetAsync(records))).EnumerateArray().Single();
        Assert.Equal("Task Force Helmand", kept.GetProperty("employer").GetString());
        using (var edit = ApiClients.Request(HttpMethod.Put, $"{records}/{kept.GetProperty("id").GetGuid()}", service with { employer = "TF Helmand" },
                   kept.GetProperty("version").GetString()))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(edit)).StatusCode);
        }
        using (var stale = ApiClients.Request(HttpMethod.Put, $"{records}/{kept.GetProperty("id").GetGuid()}", service, kept.GetProperty("version").GetString()))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await api.SendAsync(stale)).StatusCode);
        }
        await using var scope = Fixture.Scope();
        var db = await DbAsync(scope);
        Assert.Equal("TF Helmand", (await db.ServiceRecords.SingleAsync(r => r.PersonId == older.Id)).Employer);
        Assert.Equal("Islamabad", (await db.Persons.SingleAsync(p => p.Id == older.Id)).CurrentProvince);
    }

    [Fact]
    public async Task ACase_IsOpenedOnce_ItsHistoryCorrectedAndVoided_NotedAndReviewed_ThroughThePagesRules()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Ahmad", "Wardak");
        var elsewhere = await TestData.PersonAsync(Fixture, _users.OrganisationB.Id, "Other");
        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "cases:read,cases:write"));

        var future = await api.PostAsJsonAsync("/api/v1/cases", new { principalId = person.Id, program = "AF602B", comSubmittedOn = "2030-01-01" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, future.StatusCode);
        Assert.Contains("comSubmittedOn", ErrorFields(await JsonAsync(future)));
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsJsonAsync("/api/v1/cases", new { principalId = elsewhere.Id, program = "AF602B" })).StatusCode);
        var key = Guid.NewGuid().ToString();
        var open = new { principalId = person.Id, program = "AF602B", comSubmittedOn = "2024-02-01" };
        using var first = ApiClients.Request(HttpMethod.Post, "/api/v1/cases", open, idempotencyKey: key);
        var opened = await api.SendAsync(first);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        using var retry = ApiClients.Request(HttpMethod.Post, "/api/v1/cases", open, idempotencyKey: key);
        var replayed = await api.SendAsync(retry);
        var caseId = (await JsonAsync(opened)).GetProperty("id").GetGuid();
        Assert.Equal(caseId, (await JsonAsync(replayed)).GetProperty("id").GetGuid());
        Assert.Equal(opened.Headers.Location, replayed.Headers.Location);
        // The same key with another body is another request: refused, not answered with the first one's case.
        using var other = ApiClients.Request(HttpMethod.Post, "/api/v1/cases", open with { program = "S1059" }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.SendAsync(other)).StatusCode);

        var history = await api.GetAsync($"/api/v1/cases/{caseId}/stage-events");
        var submitted = (await JsonAsync(history)).EnumerateArray().Single(e => e.GetProperty("to").GetString() == StageCatalog.ComSubmitted);
        var voidPath = $"/api/v1/cases/{caseId}/stage-events/{submitted.GetProperty("id").GetGuid()}/void";
        using (var noReason = ApiClients.Request(HttpMethod.Post, voidPath, new { reason = "" }, history.Headers.ETag!.Tag))
        {
            var refused = await api.SendAsync(noReason);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("reason", ErrorFields(await JsonAsync(refused)));
        }
        using (var voided = ApiClients.Request(HttpMethod.Post, voidPath, new { reason = "Entered on the wrong case." }, history.Headers.ETag!.Tag))
        {
            Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(voided)).StatusCode);
        }
        // Voided once is voided for good; and a change made from the history read before the void is refused.
        using (var twice = ApiClients.Request(HttpMethod.Post, voidPath, new { reason = "Again." }, history.Headers.ETag!.Tag))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(twice)).StatusCode);
        }
        var opening = (await JsonAsync(history)).EnumerateArray().First(e => e.GetProperty("id").GetGuid() != submitted.GetProperty("id").GetGuid()).GetProperty("id").GetGuid();
        using (var stale = ApiClients.Request(HttpMethod.Post, $"/api/v1/cases/{caseId}/stage-events/{opening}/void", new { reason = "Stale." }, history.Headers.ETag!.Tag))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await api.SendAsync(stale)).StatusCode);
        }
        var voidedEvent = (await JsonAsync(await api.GetAsync($"/api/v1/cases/{caseId}/stage-events"))).EnumerateArray()
            .Single(e => e.GetProperty("id").GetGuid() == submitted.GetProperty("id").GetGuid());
        Assert.Equal("Entered on the wrong case.", voidedEvent.GetProperty("voidReason").GetString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsJsonAsync($"/api/v1/cases/{caseId}/notes", new { body = " " })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync($"/api/v1/cases/{caseId}/notes", new { body = "Called the applicant; documents on the way." })).StatusCode);
        Assert.Equal("Called the applicant; documents on the way.", (await JsonAsync(await api.GetAsync($"/api/v1/cases/{caseId}/notes")))[0].GetProperty("body").GetString());

        // A case past the statutory limit, in the review queue with its flags, and the reviewer's rules applied to a token.
        var overdue = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, (await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Late")).Id, "LATE-1");
        var etag = (await api.GetAsync($"/api/v1/cases/{overdue.Id}")).Headers.ETag!.Tag;
        using (var record = ApiClients.Request(HttpMethod.Post, $"/api/v1/cases/{overdue.Id}/stage-events", new { to = StageCatalog.ComSubmitted, effectiveOn = "2024-01-02" }, etag))
        {
            Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(record)).StatusCode);
        }
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(new DateOnly(2026, 11, 26));
        }
        var queue = await JsonAsync(await api.GetAsync("/api/v1/review-queue"));
        Assert.True(queue.GetProperty("counts").GetProperty("Overdue").GetInt32() >= 1, queue.ToString());
        var row = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == overdue.Id);
        var breach = row.GetProperty("flags").EnumerateArray().Single(f => f.GetProperty("type").GetString() == "StatutoryOverdue").GetProperty("id").GetGuid();
        var actions = $"/api/v1/cases/{overdue.Id}/review-actions";
        var snooze = await api.PostAsJsonAsync(actions, new { kind = "Snoozed", flagId = breach, date = "2027-01-01" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, snooze.StatusCode);
        Assert.Contains("flagId", ErrorFields(await JsonAsync(snooze)));
        Assert.Contains("note", ErrorFields(await JsonAsync(await api.PostAsJsonAsync(actions, new { kind = "Acknowledged" }))));
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync(actions, new { kind = "Escalated", reason = "RequestExpedite", note = "Expedite request sent." })).StatusCode);

        await using var check = Fixture.Scope();
        var db = await DbAsync(check);
        Assert.Equal(1, await db.Cases.CountAsync(c => c.PrincipalId == person.Id));
        Assert.Equal(1, await db.CaseNotes.CountAsync(n => n.CaseId == caseId));
        Assert.Equal(ReviewActionKind.Escalated, (await db.ReviewActions.SingleAsync(a => a.CaseId == overdue.Id)).Kind);
    }
}
