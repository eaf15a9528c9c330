using Microsoft.Playwright;
using SivTracker.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SivTracker.BrowserTests;

/// <summary>An applicant on a small phone, in Dari: the invitation from the caseworker, the code, the case's status, and the way out.</summary>
[Collection(BrowserCollection.Name)]
public class PortalJourneyTests(BrowserFixture fixture)
{
    [Fact]
    public async Task AnApplicantInDari_OpensTheInvitation_ReadsTheStatus_AndLeavesQuickly()
    {
        var person = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationA.Id, "Najibullah", "Ahmadzai", new DateOnly(1991, 5, 12));
        await TestData.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, person.Id, $"PRT-{Guid.NewGuid():N}"[..10]);
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

        await Expect(phone.Locator("h1")).ToHaveTextAsync(SivTracker.Web.Domain.Text.All(SivTracker.Web.Domain.Text.Languages[1])["Your case"]);
        Assert.Equal("SivTracker", await phone.TitleAsync());
        var overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The portal is {overflow}px wider than a 375px screen");
        await BrowserFixture.CheckPageAsync(phone, "82-portal-status-fa-AF");

        await phone.Locator("a.leave").ClickAsync();
        Assert.Equal("New tab", await phone.TitleAsync());
        await phone.GotoAsync("/Portal");
        await Expect(phone).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Portal/SignedOut"));
        await phone.Context.CloseAsync();
    }
}
