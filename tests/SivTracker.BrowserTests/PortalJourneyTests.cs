using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace SivTracker.BrowserTests;

/// <summary>
/// An applicant on a small phone, in Dari: the invitation from the caseworker, the code, the case's status, a requested
/// document from the camera, a message and a new phone number; then the caseworker, who sees each and accepts the
/// number. And every portal page, in each language, for accessibility.
/// </summary>
[Collection(BrowserCollection.Name)]
public class PortalJourneyTests(BrowserFixture fixture)
{
    private static string Dari(string english) => Text.All(Text.Languages[1])[english];

    [Fact]
    public async Task AnApplicantInDari_OpensTheInvitation_SendsWhatWasAsked_AndTheCaseworkerNeverRetypesIt()
    {
        var person = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationA.Id, "Najibullah", "Ahmadzai", new DateOnly(1991, 5, 12));
        var @case = await TestData.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, person.Id, $"PRT-{Guid.NewGuid():N}"[..10]);
        var item = new DocumentItem { OrganisationId = @case.OrganisationId, CaseId = @case.Id, Kind = DocumentKind.HrLetter, Status = DocumentStatus.Requested };
        await using (var scope = fixture.Database.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            db.DocumentItems.Add(item);
            await db.SaveChangesAsync();
        }
        var caseworker = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await caseworker.GotoAsync($"/Applicants/Details?id={person.Id}");
        await caseworker.GetByRole(AriaRole.Link, new() { Name = "Applicant portal" }).ClickAsync();
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "Create an invitation" }).ClickAsync();
        var secrets = await caseworker.Locator("#new-invitation ~ p code").AllTextContentsAsync();
        await BrowserFixture.CheckPageAsync(caseworker, "80-portal-invitation");
        await caseworker.Context.CloseAsync();

        var phone = await fixture.NewPageAsync(width: 375);
        await phone.GotoAsync(new Uri(secrets[0]).PathAndQuery);
        await phone.Locator("#language-picker").SelectOptionAsync("fa-AF");
        await Expect(phone.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(phone.Locator("main")).Not.ToContainTextAsync("Najibullah");
        await BrowserFixture.CheckPageAsync(phone, "81-portal-open-fa-AF");
        await phone.Locator("#Input_Code").FillAsync(secrets[1]);
        await phone.Locator("#Input_BirthYear").FillAsync("۱۳۷۰");
        await phone.Locator("main button.primary").ClickAsync();

        await Expect(phone.Locator("h1")).ToHaveTextAsync(Dari("Your case"));
        Assert.Equal("SivTracker", await phone.TitleAsync());
        var overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The portal is {overflow}px wider than a 375px screen");
        // The phone's own fonts: no web font is fetched for the portal.
        Assert.Equal(0, await phone.EvaluateAsync<int>("async () => { await document.fonts.ready; return [...document.fonts].filter(f => f.status !== 'unloaded').length; }"));
        await BrowserFixture.CheckPageAsync(phone, "82-portal-status-fa-AF");

        // The requested letter, from the camera input a phone offers.
        await phone.Locator($"form[action='/Portal/Upload?itemId={item.Id}'] input[capture]").SetInputFilesAsync(new FilePayload
        {
            Name = "IMG_2041.jpg", MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xE0, .. new byte[4000]],
        });
        await phone.Locator($"form[action='/Portal/Upload?itemId={item.Id}'] button").ClickAsync();
        await Expect(phone.Locator(".flash")).ToBeVisibleAsync();
        // Received now, so no longer asked for.
        await Expect(phone.Locator($"form[action='/Portal/Upload?itemId={item.Id}']")).ToHaveCountAsync(0);

        // A message to the caseworker.
        await phone.Locator(".portal-links a[href='/Portal/Messages']").ClickAsync();
        await phone.Locator("#Body").FillAsync("سلام، نامه را فرستادم.");
        await phone.Locator("main button.primary").ClickAsync();
        await Expect(phone.Locator("ol.messages")).ToContainTextAsync("سلام، نامه را فرستادم.");
        await BrowserFixture.CheckPageAsync(phone, "83-portal-messages-fa-AF");

        // A new phone number, typed in Persian digits.
        await phone.GotoAsync("/Portal/Details");
        await phone.Locator("#Input_Phone").FillAsync("+۹۳ ۷۹ ۵۵۵ ۱۲۱۲");
        await phone.Locator("main button.primary").ClickAsync();
        await Expect(phone.Locator("main")).ToContainTextAsync(Dari("Waiting for your caseworker"));
        await BrowserFixture.CheckPageAsync(phone, "84-portal-details-fa-AF");

        await phone.Locator("a.leave").ClickAsync();
        Assert.Equal("New tab", await phone.TitleAsync());
        await phone.GotoAsync("/Portal");
        await Expect(phone).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Portal/SignedOut"));
        await phone.Context.CloseAsync();

        // The caseworker sees each, and accepts the number onto the record.
        var back = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await back.GotoAsync("/Notifications");
        await Expect(back.Locator("#from-applicants ~ ul")).ToContainTextAsync(@case.Reference);
        await back.GotoAsync($"/Cases/Documents?id={@case.Id}");
        await Expect(back.Locator("main")).ToContainTextAsync("received from the applicant, not yet verified");
        await back.GotoAsync($"/Cases/Details?id={@case.Id}");
        await Expect(back.Locator("ol.timeline")).ToContainTextAsync("سلام، نامه را فرستادم.");
        await back.GotoAsync($"/Applicants/Changes?personId={person.Id}");
        await BrowserFixture.CheckPageAsync(back, "85-applicant-changes");
        await back.Locator("tr[id^='change-'] button.primary").ClickAsync();
        await Expect(back.Locator(".flash")).ToContainTextAsync("Change accepted");
        await back.GotoAsync($"/Applicants/Details?id={person.Id}");
        await Expect(back.Locator("main")).ToContainTextAsync("+93 79 555 1212");
        await back.Context.CloseAsync();
    }

    [Fact]
    public async Task EveryPortalPage_PassesAxe_InEachLanguage()
    {
        var person = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationA.Id, "Hamid", "Sultani", new DateOnly(1985, 1, 1));
        var @case = await TestData.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, person.Id, $"PRT-{Guid.NewGuid():N}"[..10]);
        await using (var scope = fixture.Database.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            db.DocumentItems.Add(new DocumentItem { OrganisationId = @case.OrganisationId, CaseId = @case.Id, Kind = DocumentKind.Badge, Status = DocumentStatus.Requested });
            await db.SaveChangesAsync();
        }
        var caseworker = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await caseworker.GotoAsync($"/Applicants/Invite?personId={person.Id}");
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "Create an invitation" }).ClickAsync();
        var secrets = await caseworker.Locator("#new-invitation ~ p code").AllTextContentsAsync();
        await caseworker.Context.CloseAsync();

        var phone = await fixture.NewPageAsync(width: 375);
        var open = new Uri(secrets[0]).PathAndQuery;
        foreach (var language in Text.Languages)
        {
            await phone.GotoAsync("/Portal/SignIn");
            await phone.Locator("#language-picker").SelectOptionAsync(language.Code);
            await Expect(phone.Locator("html")).ToHaveAttributeAsync("lang", language.Code);
            foreach (var path in new[] { "/Portal/SignIn", "/Portal/SignedOut", open })
            {
                await phone.GotoAsync(path);
                // Pictures of one right-to-left language; the Dari ones come from the journey.
                await BrowserFixture.CheckPageAsync(phone, $"86-portal-{path.Split('/', '?')[2].ToLowerInvariant()}-{language.Code}", screenshot: language.Code == "ps-AF");
            }
        }
        await phone.GotoAsync(open);
        await phone.Locator("#Input_Code").FillAsync(secrets[1]);
        await phone.Locator("#Input_BirthYear").FillAsync("1985");
        await phone.Locator("main button.primary").ClickAsync();
        foreach (var language in Text.Languages)
        {
            await phone.GotoAsync("/Portal");
            await phone.Locator("#language-picker").SelectOptionAsync(language.Code);
            await Expect(phone.Locator("html")).ToHaveAttributeAsync("lang", language.Code);
            foreach (var path in new[] { "/Portal", "/Portal/Details", "/Portal/Messages", "/Portal/Passphrase" })
            {
                await phone.GotoAsync(path);
                await BrowserFixture.CheckPageAsync(phone, $"87-portal{path[7..].Replace('/', '-').ToLowerInvariant()}-{language.Code}", screenshot: language.Code == "ps-AF");
            }
        }
        await phone.Context.CloseAsync();
    }

    [Fact]
    public async Task SomeoneNotYetKnown_AsksForHelpInPashto_FromAPhone_AndTheCaseworkerRegistersThem()
    {
        await using (var scope = fixture.Database.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Organisations.Where(o => o.Id == fixture.Users.OrganisationA.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.IntakeOpen, true));
        }
        var form = $"/Portal/Intake?o={fixture.Users.OrganisationA.Slug}";
        var phone = await fixture.NewPageAsync(width: 375);
        foreach (var language in Text.Languages)
        {
            await phone.GotoAsync(form);
            await phone.Locator("#language-picker").SelectOptionAsync(language.Code);
            await Expect(phone.Locator("html")).ToHaveAttributeAsync("lang", language.Code);
            await BrowserFixture.CheckPageAsync(phone, $"88-intake-{language.Code}", screenshot: language.Code != "en");
        }
        var given = $"Gul{Guid.NewGuid():N}"[..12];
        await phone.Locator("#Input_GivenNames").FillAsync(given);
        await phone.Locator("#Input_FamilyName").FillAsync("Wardak");
        await phone.Locator("#Input_NativeName").FillAsync("ګل وردګ");
        await phone.Locator("#Input_DateOfBirth").FillAsync("۱۳۶۸");
        await phone.Locator("#Input_Phone").FillAsync("+93 78 123 4567");
        await phone.Locator("#Input_EmployerType").SelectOptionAsync("UsMilitary");
        await phone.Locator("#Input_Employer").FillAsync("Camp Leatherneck");
        await phone.Locator("#Input_ServiceStart").FillAsync("2010-04-01");
        // The browser does the proof of work, then sends.
        await phone.Locator("main button.primary").ClickAsync();
        await Expect(phone.Locator("h1")).ToHaveTextAsync(Text.All(Text.Languages[2])["Thank you: your request was sent"], new() { Timeout = 30_000 });
        await Expect(phone.Locator("main")).Not.ToContainTextAsync(given);
        await phone.Locator("input[capture]").SetInputFilesAsync(new FilePayload { Name = "badge.jpg", MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xE0, .. new byte[2000]] });
        await phone.Locator("main form button").ClickAsync();
        await Expect(phone.Locator("main ul")).ToContainTextAsync("badge.jpg");
        var overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The intake page is {overflow}px wider than a 375px screen");
        await BrowserFixture.CheckPageAsync(phone, "89-intake-sent-ps-AF");
        await phone.Context.CloseAsync();

        var caseworker = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await caseworker.GotoAsync("/Applicants/Intake");
        var request = caseworker.Locator("section[id^='intake-']", new() { HasText = given });
        await Expect(request).ToContainTextAsync("Camp Leatherneck");
        await Expect(request).ToContainTextAsync("badge.jpg");
        await BrowserFixture.CheckPageAsync(caseworker, "90-intake-queue");
        await request.Locator("button.primary").ClickAsync();
        await Expect(caseworker.Locator("h1")).ToHaveTextAsync($"{given} Wardak");
        await Expect(caseworker.Locator("main")).ToContainTextAsync("Camp Leatherneck");
        await Expect(caseworker.Locator("main")).ToContainTextAsync("badge.jpg");
        await caseworker.Context.CloseAsync();
    }
}
