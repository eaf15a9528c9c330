using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using Text = SivTracker.Web.Domain.Text;

namespace SivTracker.IntegrationTests.Portal;

/// <summary>
/// What an applicant does behind the portal's door: corrects their details (which wait for their caseworker), writes to
/// their NGO, sends a requested document, and chooses a passphrase to come back with. And what they cannot reach.
/// </summary>
public class ApplicantPortalTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    /// <summary>A person with a phone on record and a case, invited, and the applicant signed in to the portal.</summary>
    private async Task<(Person Person, Case Case, AppClient Caseworker, AppClient Applicant)> SignedInApplicantAsync()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Najibullah", "Ahmadzai", new DateOnly(1991, 5, 12));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            var phone = new ContactChannel { OrganisationId = person.OrganisationId, PersonId = person.Id, Kind = ContactChannelKind.Phone, Value = "+93 70 111 2222" };
            phone.RefreshLookups();
            db.ContactChannels.Add(phone);
            await db.SaveChangesAsync();
        }
        var @case = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, person.Id);
        var caseworker = await PortalTests.CaseworkerAsync(Fixture, _users);
        var (path, code) = await PortalTests.InviteAsync(caseworker, person.Id);
        var applicant = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalTests.AnswerAsync(applicant, path, code, "1991")).StatusCode);
        return (person, @case, caseworker, applicant);
    }

    private static Task<HttpResponseMessage> SendDetailsAsync(AppClient applicant, params (string Key, string Value)[] fields) =>
        applicant.PostFormAsync("/Portal/Details", AppClient.Form(fields), tokenSource: "/Portal/Details");

    private async Task<Person> StoredPersonAsync(Guid id)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.AsNoTracking().Include(p => p.ContactChannels).SingleAsync(p => p.Id == id);
    }

    [Fact]
    public async Task AnApplicantsCorrection_WaitsForTheCaseworker_WhoAcceptsOneFieldAndRejectsAnother()
    {
        var (person, _, caseworker, applicant) = await SignedInApplicantAsync();
        using var _c = caseworker;
        using var _a = applicant;
        var form = Html.Parse(await applicant.GetHtmlAsync("/Portal/Details"));
        Assert.Equal("+93 70 111 2222", form.QuerySelector("#Input_Phone")?.GetAttribute("value"));

        // A value the person form refuses is named beside its field, and nothing is sent.
        var refused = await SendDetailsAsync(applicant, ("Input.Phone", "0700"), ("Input.CurrentCountry", "Pakistan"), ("Input.SafetyStatus", "Unknown"));
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("country code", Html.FieldError(refusedHtml, "Input_Phone"));
        Assert.Contains("two-letter", Html.FieldError(refusedHtml, "Input_CurrentCountry"));

        // Persian digits are fine; the unchanged email is not sent as a change.
        var sent = await SendDetailsAsync(applicant, ("Input.Phone", "+۹۳ ۷۹ ۹۹۹ ۸۸۸۸"), ("Input.CurrentCountry", "pk"), ("Input.CurrentProvince", "Peshawar"),
            ("Input.SafetyStatus", "ThirdCountry"), ("Input.Email", ""));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("Waiting for your caseworker", Html.Text(await applicant.GetHtmlAsync("/Portal/Details")));

        // Nothing on the record has changed.
        var before = await StoredPersonAsync(person.Id);
        Assert.Equal(("+93 70 111 2222", null, SafetyStatus.Unknown), (before.ContactChannels.Single().Value, before.CurrentCountry, before.SafetyStatus));

        // The caseworker hears of it and sees each field beside what is on record.
        Assert.Contains("Changes to review: 4", Html.Text(await caseworker.GetHtmlAsync("/Notifications")));
        var list = Html.Parse(await caseworker.GetHtmlAsync($"/Applicants/Changes?personId={person.Id}"));
        var rows = list.QuerySelectorAll("tr[id^='change-']").ToList();
        Assert.Equal(4, rows.Count);
        var phoneRow = rows.Single(r => r.QuerySelectorAll("td")[1].TextContent == "Phone");
        Assert.Equal(("+93 70 111 2222", "+93 79 999 8888"), (phoneRow.QuerySelectorAll("td")[2].TextContent, phoneRow.QuerySelectorAll("td")[3].TextContent));
        string Action(string field, bool accept) => rows.Single(r => r.QuerySelectorAll("td")[1].TextContent == field)
            .QuerySelectorAll("form").Select(f => f.GetAttribute("action")!).Single(a => a.Contains($"accept={(accept ? "true" : "false")}"));

        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync(Action("Phone", true), [], tokenSource: $"/Applicants/Changes?personId={person.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync(Action("Safety status", false), AppClient.Form(("reason", "Please call us to talk about this.")),
            tokenSource: $"/Applicants/Changes?personId={person.Id}")).StatusCode);

        var after = await StoredPersonAsync(person.Id);
        Assert.Equal("+93 79 999 8888", after.ContactChannels.Single().Value);
        Assert.Equal(SafetyStatus.Unknown, after.SafetyStatus);
        Assert.Null(after.CurrentCountry);
        // Accepting is an edit like any other: in the person's history, by the caseworker.
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            Assert.Contains(await db.PersonHistory.Where(h => h.PersonId == person.Id).ToListAsync(), h => h.Kind == PersonHistoryKind.Edited && h.ById == _users.CaseworkerA.Id);
            var actions = await db.AuditEvents.Where(a => a.EntityId == person.Id.ToString()).Select(a => a.Action).ToListAsync();
            Assert.Contains(AuditActions.PortalChangeSubmitted, actions);
            Assert.Contains(AuditActions.PortalChangeAccepted, actions);
            Assert.Contains(AuditActions.PortalChangeRejected, actions);
            Assert.Contains(AuditActions.PersonEdited, actions);
        }

        // The applicant sees why, and what still waits.
        var details = Html.Text(await applicant.GetHtmlAsync("/Portal/Details"));
        Assert.Contains("Please call us to talk about this.", details);
        Assert.Equal(2, Html.Parse(await caseworker.GetHtmlAsync($"/Applicants/Changes?personId={person.Id}")).QuerySelectorAll("tr[id^='change-']").Length);
    }

    [Fact]
    public async Task MessagesGoBothWays_StaffHearOfThem_AndTheCaseTimelineShowsThem()
    {
        var (person, @case, caseworker, applicant) = await SignedInApplicantAsync();
        using var _c = caseworker;
        using var _a = applicant;

        var empty = await applicant.PostFormAsync("/Portal/Messages", AppClient.Form(("Body", " ")), tokenSource: "/Portal/Messages");
        Assert.Contains("Write a message first.", Html.FieldError(await empty.Content.ReadAsStringAsync(), "Body"));
        Assert.Equal(HttpStatusCode.Redirect, (await applicant.PostFormAsync("/Portal/Messages", AppClient.Form(("Body", "نمبر تیلفون من تغییر کرد")), tokenSource: "/Portal/Messages")).StatusCode);

        Assert.Contains("New messages: 1", Html.Text(await caseworker.GetHtmlAsync("/Notifications")));
        Assert.Contains("New messages: 1", Html.Text(await caseworker.GetHtmlAsync($"/Applicants/Details?id={person.Id}")));
        var thread = Html.Text(await caseworker.GetHtmlAsync($"/Applicants/Messages?personId={person.Id}"));
        Assert.Contains("نمبر تیلفون من تغییر کرد", thread);
        // Read once opened.
        Assert.DoesNotContain("New messages", Html.Text(await caseworker.GetHtmlAsync("/Notifications")));

        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync($"/Applicants/Messages?personId={person.Id}", AppClient.Form(("Body", "Thank you, we will call you.")),
            tokenSource: $"/Applicants/Messages?personId={person.Id}")).StatusCode);
        Assert.Contains("Messages (1 new)", Html.Text(await applicant.GetHtmlAsync("/Portal")));
        Assert.Contains("Thank you, we will call you.", Html.Text(await applicant.GetHtmlAsync("/Portal/Messages")));

        var timeline = Html.Text(await caseworker.GetHtmlAsync($"/Cases/Details?id={@case.Id}"));
        Assert.Contains("Message from Najibullah Ahmadzai (applicant portal)", timeline);
        Assert.Contains("Message to Najibullah Ahmadzai (applicant portal)", timeline);

        // Sealed at rest: the database holds no message text.
        Assert.DoesNotContain("we will call you", await TestData.PgDumpAsync(Fixture));
    }

    [Fact]
    public async Task ARequestedDocument_SentFromThePortal_LandsOnItsItem_AsReceivedFromTheApplicant()
    {
        var (person, @case, caseworker, applicant) = await SignedInApplicantAsync();
        using var _c = caseworker;
        using var _a = applicant;
        var other = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Someone", "Else");
        var otherCase = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, other.Id, "T-2");
        DocumentItem requested, notRequested, othersItem;
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            requested = new DocumentItem { OrganisationId = person.OrganisationId, CaseId = @case.Id, Kind = DocumentKind.HrLetter, Status = DocumentStatus.Requested };
            notRequested = new DocumentItem { OrganisationId = person.OrganisationId, CaseId = @case.Id, Kind = DocumentKind.Badge, Status = DocumentStatus.Missing };
            othersItem = new DocumentItem { OrganisationId = person.OrganisationId, CaseId = otherCase.Id, Kind = DocumentKind.HrLetter, Status = DocumentStatus.Requested };
            db.DocumentItems.AddRange(requested, notRequested, othersItem);
            await db.SaveChangesAsync();
        }
        var status = Html.Parse(await applicant.GetHtmlAsync("/Portal"));
        Assert.NotNull(status.QuerySelector($"form[action='/Portal/Upload?itemId={requested.Id}'] input[capture='environment']"));
        var photo = new byte[50_000];
        Random.Shared.NextBytes(photo);
        new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }.CopyTo(photo, 0);

        // Only a requested item of the applicant's own case takes a file.
        Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(applicant, notRequested.Id, photo)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(applicant, othersItem.Id, photo)).StatusCode);
        // Typed by content, as every upload: an executable is refused and leaves nothing.
        var refused = await UploadAsync(applicant, requested.Id, "MZ this is not a photo"u8.ToArray());
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("not accepted", Html.FieldError(await applicant.GetHtmlAsync("/Portal"), $"file-{requested.Id}"));

        // The form is read as it streams, its antiforgery token checked by hand before anything else: without it, nothing.
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(applicant, requested.Id, photo, withToken: false)).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await UploadAsync(applicant, requested.Id, photo)).StatusCode);
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            var file = await db.StoredFiles.SingleAsync(f => f.CaseId == @case.Id);
            Assert.Equal((requested.Id, true, "image/jpeg"), (file.DocumentItemId!.Value, file.FromApplicant, file.ContentType));
            Assert.Equal(DocumentStatus.Received, (await db.DocumentItems.SingleAsync(d => d.Id == requested.Id)).Status);
            Assert.Contains(AuditActions.PortalFileUploaded, await db.AuditEvents.Where(a => a.EntityId == @case.Id.ToString()).Select(a => a.Action).ToListAsync());
        }
        Assert.Contains("received from the applicant, not yet verified", Html.Text(await caseworker.GetHtmlAsync($"/Cases/Documents?id={@case.Id}")));
        // Received now: no longer requested, so no second file through the portal.
        Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(applicant, requested.Id, photo)).StatusCode);
    }

    private static async Task<HttpResponseMessage> UploadAsync(AppClient applicant, Guid itemId, byte[] content, bool withToken = true)
    {
        var token = await applicant.AntiforgeryTokenAsync("/Portal/Messages");
        using var form = new MultipartFormDataContent();
        if (withToken) form.Add(new StringContent(token!), "__RequestVerificationToken");
        form.Add(new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "photo", "IMG_0001.jpg");
        return await applicant.PostAsync($"/Portal/Upload?itemId={itemId}", form);
    }

    [Fact]
    public async Task APassphrase_LetsTheApplicantBackIn_UntilWrongGuessesPauseIt_OrTheCaseworkerSwitchesItOff()
    {
        var (person, _, caseworker, applicant) = await SignedInApplicantAsync();
        using var _c = caseworker;
        using var _a = applicant;
        var tooShort = await applicant.PostFormAsync("/Portal/Passphrase", AppClient.Form(("Input.Passphrase", "short"), ("Input.Repeat", "short")), tokenSource: "/Portal/Passphrase");
        Assert.Contains("at least", Html.FieldError(await tooShort.Content.ReadAsStringAsync(), "Input_Passphrase"));
        const string passphrase = "کابل باران سبز ۱۴۰۳";
        var saved = await applicant.PostFormAsync("/Portal/Passphrase", AppClient.Form(("Input.Passphrase", passphrase), ("Input.Repeat", passphrase)), tokenSource: "/Portal/Passphrase");
        var number = Html.Parse(await saved.Content.ReadAsStringAsync()).QuerySelector("#sign-in-number ~ p code")!.TextContent;
        Assert.Matches("^[0-9]{10}$", number);
        await using (var scope = Fixture.Scope())
        {
            var account = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().PortalAccounts.SingleAsync(a => a.PersonId == person.Id);
            Assert.DoesNotContain("کابل", account.PassphraseHash);
        }

        Task<HttpResponseMessage> SignInAsync(AppClient client, string typedNumber, string typed) =>
            client.PostFormAsync("/Portal/SignIn", AppClient.Form(("Input.Number", typedNumber), ("Input.Passphrase", typed)));
        using (var back = new AppClient(Fixture.Factory))
        {
            // Grouped as people write it down.
            var signedIn = await SignInAsync(back, $"{number[..3]} {number[3..6]}-{number[6..]}", passphrase);
            Assert.Equal(("/Portal", HttpStatusCode.Redirect), (signedIn.Headers.Location?.ToString(), signedIn.StatusCode));
            Assert.Equal(HttpStatusCode.OK, (await back.GetAsync("/Portal")).StatusCode);

            // Switched off by the caseworker: the session it opened ends, and it opens nothing more.
            var invite = Html.Parse(await caseworker.GetHtmlAsync($"/Applicants/Invite?personId={person.Id}"));
            var remove = invite.QuerySelector("form[action*='handler=RemovePassphrase']")!.GetAttribute("action")!;
            Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync(remove, [], tokenSource: $"/Applicants/Invite?personId={person.Id}")).StatusCode);
            Assert.EndsWith("/Portal/SignedOut", (await back.GetAsync("/Portal")).Headers.Location!.AbsolutePath);
            Assert.Equal(HttpStatusCode.OK, (await SignInAsync(back, number, passphrase)).StatusCode);
        }

        // Chosen again from a portal session, it is on again with the same number; wrong guesses then pause it.
        var again = await applicant.PostFormAsync("/Portal/Passphrase", AppClient.Form(("Input.Passphrase", passphrase), ("Input.Repeat", passphrase)), tokenSource: "/Portal/Passphrase");
        Assert.Equal(number, Html.Parse(await again.Content.ReadAsStringAsync()).QuerySelector("#sign-in-number ~ p code")!.TextContent);
        using var guesser = new AppClient(Fixture.Factory);
        for (var i = 0; i < PortalAccounts.MaxAttempts; i++) Assert.Equal(HttpStatusCode.OK, (await SignInAsync(guesser, number, $"wrong guess {i}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(guesser, number, passphrase)).StatusCode);
        Fixture.Time.Advance(PortalAccounts.Lockout + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(guesser, number, passphrase)).StatusCode);
    }

    [Fact]
    public async Task AnApplicant_ReachesOnlyTheirOwnThread_TheirOwnItems_AndNoStaffPage()
    {
        var (person, _, caseworker, applicant) = await SignedInApplicantAsync();
        using var _c = caseworker;
        using var _a = applicant;
        var other = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Someone", "Else");
        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync($"/Applicants/Messages?personId={other.Id}", AppClient.Form(("Body", "For someone else only")),
            tokenSource: $"/Applicants/Messages?personId={other.Id}")).StatusCode);

        // The thread is the signed-in person's, whatever the address asks for.
        Assert.DoesNotContain("For someone else only", Html.Text(await applicant.GetHtmlAsync($"/Portal/Messages?personId={other.Id}")));
        foreach (var staffPage in new[] { $"/Applicants/Messages?personId={person.Id}", $"/Applicants/Changes?personId={person.Id}", "/Notifications" })
        {
            var response = await applicant.GetAsync(staffPage);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/Account/Login"), $"{staffPage}: {(int)response.StatusCode}");
        }
        // Another organisation's caseworker sees none of it.
        using var otherOrganisation = new AppClient(Fixture.Factory);
        await otherOrganisation.SignInAsync(_users.CaseworkerB.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await otherOrganisation.GetAsync($"/Applicants/Messages?personId={person.Id}")).StatusCode);
    }

    /// <summary>The budget a page may weigh before images, for a slow link on a cheap phone: the page, its style sheet and its script.</summary>
    private const int PageBudgetBytes = 60 * 1024;

    [Fact]
    public async Task EveryPortalPage_WeighsUnder60KB_InEachLanguage_AndNoBrowserKeepsIt()
    {
        var (_, @case, caseworker, applicant) = await SignedInApplicantAsync();
        using var _c = caseworker;
        using var _a = applicant;
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            db.DocumentItems.AddRange(Enum.GetValues<DocumentKind>().Select(kind => new DocumentItem
                { OrganisationId = @case.OrganisationId, CaseId = @case.Id, Kind = kind, Status = DocumentStatus.Requested }));
            await db.SaveChangesAsync();
        }
        using var anonymous = new AppClient(Fixture.Factory);
        var pages = new (AppClient Client, string Path)[]
        {
            (applicant, "/Portal"), (applicant, "/Portal/Details"), (applicant, "/Portal/Messages"), (applicant, "/Portal/Passphrase"),
            (anonymous, "/Portal/Open?t=00000000000000000000000000000000"), (anonymous, "/Portal/SignIn"), (anonymous, "/Portal/SignedOut"),
        };
        var heavy = new List<string>();
        foreach (var language in Text.Languages)
        {
            foreach (var client in new[] { applicant, anonymous })
            {
                await client.PostFormAsync("/Language", AppClient.Form(("Code", language.Code), ("ReturnUrl", "/Portal/SignIn")), tokenSource: "/Portal/SignIn");
            }
            foreach (var (client, path) in pages)
            {
                var response = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(response.Headers.CacheControl?.NoStore, path);
                var html = await response.Content.ReadAsByteArrayAsync();
                var document = Html.Parse(System.Text.Encoding.UTF8.GetString(html));
                Assert.Equal(language.Code, document.DocumentElement.GetAttribute("lang"));
                var linked = document.QuerySelectorAll("link[rel=stylesheet]").Select(l => l.GetAttribute("href")!)
                    .Concat(document.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!));
                var bytes = html.Length;
                foreach (var resource in linked) bytes += (await (await client.GetAsync(resource)).Content.ReadAsByteArrayAsync()).Length;
                if (bytes >= PageBudgetBytes) heavy.Add($"{path} in {language.Code}: {bytes} bytes");
            }
        }
        Assert.Empty(heavy);
    }
}
