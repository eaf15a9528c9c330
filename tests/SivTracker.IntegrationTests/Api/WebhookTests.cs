using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using CreatePerson = SivTracker.Web.Pages.Applicants.Create;
using PersonForm = SivTracker.Web.Pages.Applicants.PersonForm;

namespace SivTracker.IntegrationTests.Api;

/// <summary>
/// Webhooks delivered to a real HTTP receiver on loopback: signed, retried, sent once by one sender, never for a change
/// rolled back, and paused (with the admins told) when the receiver keeps failing.
/// </summary>
public class WebhookTests(DatabaseFixture fixture) : DatabaseTest(fixture), IAsyncLifetime
{
    private TestUsers _users = null!;
    private WebhookReceiver _receiver = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
        _receiver = await WebhookReceiver.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>One pass of the sender, as the background service runs it; returns how many messages it tried.</summary>
    private async Task<int> DeliverAsync(WebApplicationFactory<Program>? factory = null)
    {
        await using var scope = (factory ?? Fixture.Factory).Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WebhookSender>().DeliverDueAsync(CancellationToken.None);
    }

    private async Task<(Guid Id, string Secret)> SubscribeAsync(HttpClient api, params string[] events)
    {
        var made = await api.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url, events });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var body = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("id").GetGuid(), body.GetProperty("secret").GetString()!);
    }

    private static async Task<Guid> RegisterAsync(HttpClient api, string givenNames)
    {
        var made = await api.PostAsJsonAsync("/api/v1/people", new { givenNames, familyName = "Stanekzai", confirmedNotDuplicate = true });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        return JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private static JsonElement Parse(WebhookReceiver.Received received) => JsonDocument.Parse(received.Body).RootElement;

    private async Task<List<WebhookMessage>> MessagesAsync()
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().WebhookMessages.AsNoTracking().OrderBy(m => m.CreatedAt).ToListAsync();
    }

    [Fact]
    public async Task AnAdminSubscribes_AndEachEventArrivesSigned_WithIdsAndFactsButNoNames()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var refused = await admin.PostFormAsync("/Admin/Webhooks?handler=Subscribe", AppClient.Form(("Input.Url", "ftp://crm.example.org/hook"), ("Input.Events", Webhooks.PersonCreated)),
            tokenSource: "/Admin/Webhooks");
        Assert.Contains("starting with https://", Html.FieldError(await refused.Content.ReadAsStringAsync(), "Input_Url"));
        var noEvents = await admin.PostFormAsync("/Admin/Webhooks?handler=Subscribe", AppClient.Form(("Input.Url", _receiver.Url)), tokenSource: "/Admin/Webhooks");
        Assert.Contains("at least one event", Html.FieldError(await noEvents.Content.ReadAsStringAsync(), "Input_Events"));
        var made = await admin.PostFormAsync("/Admin/Webhooks?handler=Subscribe", AppClient.Form(("Input.Url", _receiver.Url),
            ("Input.Events", Webhooks.PersonCreated), ("Input.Events", Webhooks.CaseOpened), ("Input.Events", Webhooks.CaseStageChanged), ("Input.Events", Webhooks.CaseFlagRaised)),
            tokenSource: "/Admin/Webhooks");
        var secret = Html.Parse(await made.Content.ReadAsStringAsync()).QuerySelector("#new-secret ~ p code")!.TextContent;
        Assert.StartsWith(Webhooks.SecretPrefix, secret);

        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "people:write,cases:read,cases:write"));
        var personId = await RegisterAsync(api, "Zabihullah");
        var opened = await api.PostAsJsonAsync("/api/v1/cases", new { principalId = personId, program = "AF602B", comSubmittedOn = "2024-01-15" });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var caseId = JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var read = await api.GetAsync($"/api/v1/cases/{caseId}");
        using (var record = ApiClients.Request(HttpMethod.Post, $"/api/v1/cases/{caseId}/stage-events", new { to = "COM_REVIEW", effectiveOn = "2024-05-01" },
                   ifMatch: read.Headers.ETag!.Tag))
        {
            Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(record)).StatusCode);
        }
        // Another organisation's changes reach nobody subscribed here.
        using var otherApi = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-b", "people:write"));
        await RegisterAsync(otherApi, "Elsewhere");

        Assert.Equal(3, await DeliverAsync());
        var received = new[] { await _receiver.NextAsync(), await _receiver.NextAsync(), await _receiver.NextAsync() }.OrderBy(r => Parse(r).GetProperty("type").GetString()).ToList();
        Assert.All(received, r => Assert.True(WebhookReceiver.SignatureHolds(r, secret), r.Body));
        Assert.Equal([Webhooks.CaseOpened, Webhooks.CaseStageChanged, Webhooks.PersonCreated], received.Select(r => Parse(r).GetProperty("type").GetString()));
        Assert.Equal(caseId, Parse(received[0]).GetProperty("data").GetProperty("caseId").GetGuid());
        var stage = Parse(received[1]).GetProperty("data");
        Assert.Equal(("COM_REVIEW", "recorded", "2024-05-01"), (stage.GetProperty("stage").GetString(), stage.GetProperty("change").GetString(), stage.GetProperty("effectiveOn").GetString()));
        Assert.Equal(personId, Parse(received[2]).GetProperty("data").GetProperty("personId").GetGuid());
        Assert.All(received, r => Assert.DoesNotContain("Zabihullah", r.Body));
        Assert.All(received, r => Assert.DoesNotContain("Stanekzai", r.Body));
        // A tampered body fails the same check a receiver makes.
        Assert.False(WebhookReceiver.SignatureHolds(received[0] with { Body = received[0].Body.Replace("AF602B", "S1059") }, secret));

        // The sweep's flags go out too, from the sweep's own transaction.
        await using (var scope = Fixture.Scope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(new DateOnly(2026, 11, 26))).Raised > 0);
        }
        Assert.True(await DeliverAsync() > 0);
        var flag = Parse(await _receiver.NextAsync());
        Assert.Equal(Webhooks.CaseFlagRaised, flag.GetProperty("type").GetString());
        Assert.Equal(caseId, flag.GetProperty("data").GetProperty("caseId").GetGuid());

        // The subscription's page lists what went out.
        var subscriptionLink = Html.Parse(await admin.GetHtmlAsync("/Admin/Webhooks")).QuerySelector("td a[href*='id=']")!.GetAttribute("href")!;
        var page = Html.Text(await admin.GetHtmlAsync(subscriptionLink));
        Assert.Contains(Webhooks.CaseStageChanged, page);
        Assert.Contains("Delivered", page);
    }

    [Fact]
    public async Task AFailedDelivery_IsRetried_AndATimedOutOneIsMarkedSentOnceItsRetrySucceeds()
    {
        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "people:write,webhooks:manage"));
        var (_, secret) = await SubscribeAsync(api, Webhooks.PersonCreated);

        _receiver.Answer(500);
        await RegisterAsync(api, "Hamid");
        Assert.Equal(1, await DeliverAsync());
        var first = await _receiver.NextAsync();
        var pending = Assert.Single(await MessagesAsync());
        Assert.Equal((WebhookMessageStatus.Pending, 1, 500), (pending.Status, pending.Attempts, pending.LastStatusCode));
        Assert.Equal(1, await DeliverAsync());
        var retried = await _receiver.NextAsync();
        Assert.Equal(first.Id, retried.Id);
        Assert.Equal(first.Body, retried.Body);
        Assert.True(WebhookReceiver.SignatureHolds(retried, secret));
        Assert.Equal(WebhookMessageStatus.Delivered, Assert.Single(await MessagesAsync()).Status);

        // The receiver takes longer than the sender waits (3 s in tests), then answers the retry at once.
        _receiver.Answer(204, TimeSpan.FromSeconds(10));
        await RegisterAsync(api, "Wahid");
        Assert.Equal(1, await DeliverAsync());
        var timedOut = await _receiver.NextAsync();
        var waiting = (await MessagesAsync()).Single(m => m.Status == WebhookMessageStatus.Pending);
        Assert.Null(waiting.LastStatusCode);
        Assert.Contains("No answer", waiting.LastResponse);
        Assert.Equal(1, await DeliverAsync());
        Assert.Equal(timedOut.Id, (await _receiver.NextAsync()).Id);
        Assert.All(await MessagesAsync(), m => Assert.Equal(WebhookMessageStatus.Delivered, m.Status));
        // Delivered is final: later passes send it no more.
        Assert.Equal(0, await DeliverAsync());
        Assert.Equal(0, _receiver.Waiting);
        Assert.Equal(2, _receiver.All.Count(r => r.Id == timedOut.Id));
    }

    [Fact]
    public async Task AReceiverBreakingOffMidAnswer_FailsItsOwnMessageOnly()
    {
        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "people:write,webhooks:manage"));
        await SubscribeAsync(api, Webhooks.PersonCreated);
        await RegisterAsync(api, "Broken");
        await RegisterAsync(api, "Fine");
        _receiver.BreakOff();

        // One pass: the broken answer is that message's failure; the other message is delivered and recorded as such.
        Assert.Equal(2, await DeliverAsync());
        var messages = await MessagesAsync();
        Assert.True(messages.Count(m => m.Status == WebhookMessageStatus.Delivered) == 1,
            "One message delivered was expected; answers: " + string.Join(" | ", messages.Select(m => $"{m.Status} {m.LastStatusCode} {m.LastResponse}")));
        var failed = messages.Single(m => m.Status == WebhookMessageStatus.Pending);
        Assert.Equal((1, (int?)null), (failed.Attempts, failed.LastStatusCode));
        Assert.Equal(1, await DeliverAsync());
        Assert.All(await MessagesAsync(), m => Assert.Equal(WebhookMessageStatus.Delivered, m.Status));
    }

    [Fact]
    public async Task AChangeRolledBack_TellsNobody_AndARefusedApiWriteQueuesNothing()
    {
        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "people:write,webhooks:manage"));
        await SubscribeAsync(api, Webhooks.PersonCreated);

        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.OrganisationId = _users.OrganisationA.Id;
            await using var transaction = await db.Database.BeginTransactionAsync();
            var result = await scope.ServiceProvider.GetRequiredService<CreatePerson.Handler>()
                .HandleAsync(new PersonForm.Command { GivenNames = "Rolled", FamilyName = "Back", ConfirmedNotDuplicate = true }, null, null, CancellationToken.None);
            Assert.NotNull(result.PersonId);
            Assert.Single(await db.WebhookMessages.ToListAsync());
            await transaction.RollbackAsync();
        }
        var refused = await api.PostAsJsonAsync("/api/v1/people", new { givenNames = "", familyName = "Nobody" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        Assert.Empty(await MessagesAsync());
        Assert.Equal(0, await DeliverAsync());
        Assert.Equal(0, _receiver.Waiting);
    }

    [Fact]
    public async Task TwoSendersAtOnce_SendEachMessageOnce()
    {
        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "people:write,webhooks:manage"));
        await SubscribeAsync(api, Webhooks.PersonCreated);
        for (var i = 0; i < 12; i++) await RegisterAsync(api, $"Person{i}");

        // Two instances' passes at the same moment, each taking what the other has not locked.
        var passes = await Task.WhenAll(DeliverAsync(), DeliverAsync());
        Assert.Equal(12, passes.Sum());
        Assert.Equal(0, await DeliverAsync());
        Assert.Equal(12, _receiver.All.Count);
        Assert.Equal(12, _receiver.All.Select(r => r.Id).Distinct().Count());
        Assert.All(await MessagesAsync(), m => Assert.Equal((WebhookMessageStatus.Delivered, 1), (m.Status, m.Attempts)));
    }

    [Fact]
    public async Task AReceiverFailingForADay_PausesItsSubscription_AndTheAdminsAreTold_UntilResumed()
    {
        using var smtp = SimpleSmtpServer.Start(PostgresServer.FreePort());
        await using var factory = Fixture.Factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Configuration.Port.ToString(), ["Smtp:Security"] = "None", ["Smtp:From"] = "sivtracker@test.local",
            })));
        using var api = ApiClients.Client(factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "people:write,webhooks:manage"));
        var (subscriptionId, _) = await SubscribeAsync(api, Webhooks.PersonCreated);
        for (var i = 0; i < 2; i++) _receiver.Answer(503);
        await RegisterAsync(api, "Karim");
        Assert.Equal(1, await DeliverAsync(factory));
        Fixture.Time.Advance(TimeSpan.FromHours(25));
        Assert.Equal(1, await DeliverAsync(factory));

        var failed = Assert.Single(await MessagesAsync());
        Assert.Equal((WebhookMessageStatus.Failed, 2, 503), (failed.Status, failed.Attempts, failed.LastStatusCode));
        var listed = JsonDocument.Parse(await api.GetStringAsync("/api/v1/webhooks")).RootElement[0];
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("pausedAt").ValueKind);
        var mail = Assert.Single(smtp.ReceivedEmail);
        Assert.Equal(_users.AdminA.Email, mail.ToAddresses.Single().Address);
        Assert.Contains("/Admin/Webhooks", mail.MessageParts[0].BodyData);
        using var admin = new AppClient(factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        Assert.Contains("Webhook subscriptions paused after failing deliveries: 1", Html.Text(await admin.GetHtmlAsync("/Notifications")));

        // Nothing goes to a paused subscription; resuming sends what waited, with a full day of retries even after a long pause.
        await RegisterAsync(api, "Latif");
        Assert.Equal(0, await DeliverAsync(factory));
        Fixture.Time.Advance(TimeSpan.FromHours(30));
        // A day and more later the admin's session has ended: they sign in again to resume.
        using var returning = new AppClient(factory);
        await returning.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.Redirect, (await returning.PostFormAsync($"/Admin/Webhooks?handler=Pause&id={subscriptionId}&paused=false", [],
            tokenSource: $"/Admin/Webhooks?id={subscriptionId}")).StatusCode);
        _receiver.Answer(500);
        Assert.Equal(1, await DeliverAsync(factory));
        Assert.Equal(WebhookMessageStatus.Pending, (await MessagesAsync()).Single(m => m.Status != WebhookMessageStatus.Failed).Status);
        Assert.Equal(1, await DeliverAsync(factory));
        Assert.Equal(WebhookMessageStatus.Delivered, (await MessagesAsync()).Single(m => m.Status != WebhookMessageStatus.Failed).Status);
        Assert.Equal(4, _receiver.All.Count);
        await using var scope = Fixture.Scope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().AuditEvents
            .AnyAsync(a => a.Action == AuditActions.WebhookPaused && a.EntityId == subscriptionId.ToString()));
    }

    [Fact]
    public async Task AnIntakeRequest_IsAnnounced_ByItsIdAndProgramOnly()
    {
        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "webhooks:manage"));
        var (_, secret) = await SubscribeAsync(api, Webhooks.IntakeSubmitted);
        await using (var scope = Fixture.Scope())
        {
            // The public form runs before anyone is signed in: the handler is told the organisation.
            var (id, errors) = await scope.ServiceProvider.GetRequiredService<SivTracker.Web.Pages.Applicants.Intake.Handler>().SubmitAsync(_users.OrganisationA.Id,
                new SivTracker.Web.Pages.Applicants.Intake.HelpRequest { GivenNames = "Mirwais", Phone = "+93 70 123 4567", Program = SivProgram.AF602B },
                Guid.NewGuid().ToString("N"), CancellationToken.None);
            Assert.Empty(errors);
            Assert.NotNull(id);
        }
        Assert.Equal(1, await DeliverAsync());
        var received = await _receiver.NextAsync();
        Assert.True(WebhookReceiver.SignatureHolds(received, secret));
        var data = Parse(received).GetProperty("data");
        Assert.Equal(["intakeId", "program"], data.EnumerateObject().Select(p => p.Name).Order());
        Assert.DoesNotContain("Mirwais", received.Body);
        Assert.DoesNotContain("123 4567", received.Body);
    }

    [Fact]
    public async Task TheSenderService_DeliversSoonAfterTheChange_WithoutBeingAsked()
    {
        await using var factory = Fixture.Factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(
            new Dictionary<string, string?> { ["Webhooks:Enabled"] = "true", ["Webhooks:PollInterval"] = "00:01:00" })));
        using var api = ApiClients.Client(factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "people:write,webhooks:manage"));
        await SubscribeAsync(api, Webhooks.PersonCreated);
        var personId = await RegisterAsync(api, "Rahim");
        // The change wakes the sender: the message arrives long before the minute's poll would send it.
        var received = await _receiver.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(personId, Parse(received).GetProperty("data").GetProperty("personId").GetGuid());
    }
}
