using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Portal;

/// <summary>
/// The public intake form: closed until an admin opens it, guarded by a proof of work and a rate limit, and its
/// requests registered, attached or rejected from the intake queue without anyone retyping them.
/// </summary>
public class IntakeTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    private string FormPath => $"/Portal/Intake?o={_users.OrganisationA.Slug}";

    private async Task OpenTheFormAsync()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync("/Admin/Intake?open=true", [], tokenSource: "/Admin/Intake")).StatusCode);
    }

    /// <summary>Sends the form as a browser would: the page's challenge, worked for, with the answers.</summary>
    private async Task<HttpResponseMessage> SendAsync(AppClient visitor, bool work = true, string? replayOf = null, params (string Key, string Value)[] answers)
    {
        var page = await visitor.GetHtmlAsync(FormPath);
        var challenge = Html.HiddenValue(page, "ProofChallenge");
        var bits = int.Parse(Html.Parse(page).QuerySelector("form[data-proof-bits]")!.GetAttribute("data-proof-bits")!);
        var fields = AppClient.Form(answers);
        fields.Add(new("ProofChallenge", replayOf ?? challenge));
        if (work) fields.Add(new("Nonce", IntakeProof.Solve(replayOf ?? challenge, bits)));
        return await visitor.PostFormAsync(FormPath, fields, tokenSource: FormPath);
    }

    private static readonly (string, string)[] Najib =
    [
        ("Input.GivenNames", "Najibullah"), ("Input.FamilyName", "Ahmadzai"), ("Input.NativeName", "نجیب الله احمدزی"), ("Input.DateOfBirth", "1370"),
        ("Input.Phone", "+93 70 444 5555"), ("Input.Program", "AF602B"), ("Input.EmployerType", "UsMilitary"), ("Input.Employer", "Task Force Helmand"),
        ("Input.ServiceStart", "2009-03-01"), ("Input.ServiceEnd", "2012-06-30"), ("Input.Message", "I worked as an interpreter."),
    ];

    [Fact]
    public async Task TheForm_IsClosedUntilAnAdminOpensIt_AndARequestWithAFile_WaitsInTheQueue_Sealed()
    {
        using var visitor = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(FormPath)).StatusCode);
        await OpenTheFormAsync();

        var sent = await SendAsync(visitor, answers: Najib);
        var thanks = await sent.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Thank you: your request was sent", Html.Text(thanks));
        // Nothing the sender did not type: not even the name they did.
        Assert.DoesNotContain("Najibullah", thanks);

        // A file, attached with the token the thank-you page carries; not without the form's antiforgery token.
        var token = Html.HiddenValue(thanks, "attach");
        using (var forged = new MultipartFormDataContent
        {
            { new StringContent(token), "attach" },
            { new ByteArrayContent("%PDF-1.7\nforged"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, "file", "forged.pdf" },
        })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await visitor.PostAsync($"/Portal/IntakeFiles?o={_users.OrganisationA.Slug}", forged)).StatusCode);
        }
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Html.HiddenValue(thanks, "__RequestVerificationToken")), "__RequestVerificationToken" },
            { new StringContent(token), "attach" },
            { new ByteArrayContent("%PDF-1.7\nHR letter"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, "file", "hr-letter.pdf" },
        };
        var attached = await visitor.PostAsync($"/Portal/IntakeFiles?o={_users.OrganisationA.Slug}", form);
        Assert.Equal(HttpStatusCode.OK, attached.StatusCode);
        Assert.Contains("hr-letter.pdf", Html.Texts(await attached.Content.ReadAsStringAsync(), "li"));

        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);
        Assert.Contains("Requests from the intake form waiting: 1", Html.Text(await caseworker.GetHtmlAsync("/Notifications")));
        var queue = Html.Text(await caseworker.GetHtmlAsync("/Applicants/Intake"));
        Assert.Contains("Najibullah Ahmadzai", queue);
        Assert.Contains("Task Force Helmand", queue);
        Assert.Contains("hr-letter.pdf", queue);
        Assert.DoesNotContain("forged.pdf", queue);
        // Another organisation's queue does not hold it.
        using var other = new AppClient(Fixture.Factory);
        await other.SignInAsync(_users.AdminB.Email!, TestUsers.Password);
        Assert.DoesNotContain("Najibullah", await other.GetHtmlAsync("/Applicants/Intake"));

        var dump = await TestData.PgDumpAsync(Fixture);
        Assert.DoesNotContain("Najibullah", dump);
        Assert.DoesNotContain("Task Force Helmand", dump);
        Assert.DoesNotContain("+93 70 444 5555", dump);
    }

    [Fact]
    public async Task WithoutItsWork_Replayed_OrTooMany_ARequestIsRefused_AndBadAnswersAreNamedBesideTheirFields()
    {
        await OpenTheFormAsync();
        using var visitor = new AppClient(Fixture.Factory);

        var lazy = await SendAsync(visitor, work: false, answers: Najib);
        Assert.Contains("could not be checked", Html.Text(await lazy.Content.ReadAsStringAsync()));

        var page = await visitor.GetHtmlAsync(FormPath);
        var challenge = Html.HiddenValue(page, "ProofChallenge");
        Assert.Contains("Thank you", Html.Text(await (await SendAsync(visitor, replayOf: challenge, answers: Najib)).Content.ReadAsStringAsync()));
        Assert.Contains("sent already", Html.Text(await (await SendAsync(visitor, replayOf: challenge, answers: Najib)).Content.ReadAsStringAsync()));

        var wrong = await SendAsync(visitor, answers: [("Input.GivenNames", "Hamid"), ("Input.Phone", "0700 123"), ("Input.DateOfBirth", "12 May"), ("Input.Program", "AF602B")]);
        var wrongHtml = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("country code", Html.FieldError(wrongHtml, "Input_Phone"));
        Assert.Contains("YYYY-MM-DD", Html.FieldError(wrongHtml, "Input_DateOfBirth"));
        var unreachable = await SendAsync(visitor, answers: [("Input.GivenNames", "Hamid"), ("Input.Program", "AF602B")]);
        Assert.Contains("phone number or an email", Html.FieldError(await unreachable.Content.ReadAsStringAsync(), "Input_Phone"));

        await using (var scope = Fixture.Scope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().IntakeSubmissions.CountAsync());
        }

        // A scripted flood from one address meets the rate limit, work or not.
        await using var limited = Fixture.Factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) => c.AddInMemoryCollection(new Dictionary<string, string?> { ["RateLimits:IntakesPerHour"] = "3" })));
        using var script = new AppClient(limited);
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) answers.Add((await script.GetAsync(FormPath)).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task ACaseworker_AttachesADuplicate_RegistersANewcomer_AndRejectsTheRest_WithoutRetypingAnything()
    {
        await OpenTheFormAsync();
        var known = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Najibullah", "Ahmadzai", new DateOnly(1991, 5, 12));
        using var visitor = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(visitor, answers: Najib)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(visitor, answers: [("Input.GivenNames", "Farid"), ("Input.FamilyName", "Noori"), ("Input.Email", "farid@example.org"),
            ("Input.Program", "S1059"), ("Input.EmployerType", "UsEmbassyOrAgency"), ("Input.Employer", "U.S. Embassy Kabul"), ("Input.ServiceStart", "2015-01-01")])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(visitor, answers: [("Input.GivenNames", "Test"), ("Input.Phone", "+93 70 000 0000"), ("Input.Program", "AF602B")])).StatusCode);

        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);
        var queue = Html.Parse(await caseworker.GetHtmlAsync("/Applicants/Intake"));
        var sections = queue.QuerySelectorAll("section[id^='intake-']").ToList();
        Assert.Equal(3, sections.Count);
        string Action(string name, string handler) => sections.Single(s => s.QuerySelector("h2")!.TextContent.StartsWith(name))
            .QuerySelectorAll("form").Select(f => f.GetAttribute("action")!).First(a => a.Contains($"handler={handler}"));

        // Najibullah is already registered: the same name and birth year (1370 is 1991-92) make him a candidate.
        var attach = Action("Najibullah", "Attach");
        Assert.Contains(known.Id.ToString(), attach);
        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync(attach, [], tokenSource: "/Applicants/Intake")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync(Action("Farid", "Register"), [], tokenSource: "/Applicants/Intake")).StatusCode);
        var reject = Action("Test", "Reject");
        var noReason = await caseworker.PostFormAsync(reject, [], tokenSource: "/Applicants/Intake");
        Assert.Contains("Say why", Html.Text(await noReason.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync(reject, AppClient.Form(("reason", "A test, not a person.")), tokenSource: "/Applicants/Intake")).StatusCode);

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var najib = await db.Persons.Include(p => p.ContactChannels).SingleAsync(p => p.Id == known.Id);
        Assert.Equal("+93 70 444 5555", najib.ContactChannels.Single().Value);
        var farid = (await db.Persons.Include(p => p.ContactChannels).Include(p => p.ServiceRecords).ToListAsync()).Single(p => p.GivenNames == "Farid");
        Assert.Equal(("Noori", "farid@example.org", "U.S. Embassy Kabul"), (farid.FamilyName, farid.ContactChannels.Single().Value, farid.ServiceRecords.Single().Employer));
        Assert.Contains(await db.PersonHistory.Where(h => h.PersonId == farid.Id).ToListAsync(), h => h.Kind == PersonHistoryKind.Created && h.ById == _users.CaseworkerA.Id);
        var decided = await db.IntakeSubmissions.OrderBy(s => s.SubmittedAt).ThenBy(s => s.Id).Select(s => new { s.Id, s.Status, s.PersonId }).ToListAsync();
        Assert.Equal([IntakeStatus.Attached, IntakeStatus.Registered, IntakeStatus.Rejected], decided.Select(d => d.Status));
        Assert.Equal([known.Id, farid.Id], decided.Take(2).Select(d => d.PersonId!.Value));
        var ids = decided.Select(d => d.Id.ToString()).ToList();
        var actions = await db.AuditEvents.Where(a => ids.Contains(a.EntityId!)).Select(a => a.Action).ToListAsync();
        Assert.Equal(3, actions.Count(a => a == AuditActions.IntakeSubmitted));
        Assert.Contains(AuditActions.IntakeAttached, actions);
        Assert.Contains(AuditActions.IntakeRegistered, actions);
        Assert.Contains(AuditActions.IntakeRejected, actions);
    }
}
