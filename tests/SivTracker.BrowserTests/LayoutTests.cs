using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SivTracker.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SivTracker.BrowserTests;

/// <summary>Small screens, print, the keyboard, error messages and page titles, on the main pages.</summary>
[Collection(BrowserCollection.Name)]
public class LayoutTests(BrowserFixture fixture)
{
    private static readonly string[] MainPages = ["/", "/Applicants", "/Interpreters", "/Cases", "/Review", "/Reports", "/Admin/Users", "/Admin/Import", "/Admin/Audit", "/Admin/Retention", "/Notifications"];

    [Fact]
    public async Task TheAccessibilityCheck_FailsOnASeriousViolation()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await BrowserFixture.CheckPageAsync(page, "00-accessibility-probe", screenshot: false);
        // An image with no text alternative and a field with no label: what every page check must catch.
        await page.EvaluateAsync("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/favicon.svg\"><input id=unlabelled>')");
        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => BrowserFixture.CheckPageAsync(page, "00-accessibility-probe", screenshot: false));
        Assert.Contains("image-alt", failure.Message);
        Assert.Contains("label", failure.Message);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task MainPages_FitA375PixelScreen_AndSayWhereYouAreInTheTitle()
    {
        // Charts and tables with rows in them are what grows wide.
        var person = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationA.Id, "Narrow", "Screen");
        await CaseBuilder.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, DateOnly.FromDateTime(DateTime.UtcNow), ("COM_SUBMITTED", "2025-01-01"));
        await TestData.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, person.Id, $"NRW-{Guid.NewGuid():N}"[..10]);
        var page = await fixture.SignedInAsync(fixture.Users.AdminA.Email!, width: 375);
        foreach (var path in MainPages)
        {
            await page.GotoAsync(path);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            var widest = await page.EvaluateAsync<string>("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')");
            Assert.True(overflow <= 0, $"{path} is {overflow}px wider than a 375px screen: {widest}");
            Assert.EndsWith("· SivTracker", await page.TitleAsync());
            Assert.Equal(1, await page.Locator("link[rel=icon]").CountAsync());
        }
        await page.GotoAsync("/Cases");
        await BrowserFixture.CheckPageAsync(page, "40-cases-375px");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EveryMainPage_HasNoSeriousAccessibilityViolations()
    {
        var anonymous = await fixture.NewPageAsync();
        await anonymous.GotoAsync("/Account/Login");
        await BrowserFixture.CheckPageAsync(anonymous, "50-sign-in");
        await anonymous.Context.CloseAsync();

        var person = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationA.Id, "Axe", "Checked");
        var @case = await TestData.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, person.Id, $"AXE-{Guid.NewGuid():N}"[..10]);
        var page = await fixture.SignedInAsync(fixture.Users.AdminA.Email!);
        string[] pages = [.. MainPages, $"/Applicants/Edit?id={person.Id}", $"/Cases/ChangeStage?id={@case.Id}", $"/Cases/Settings?id={@case.Id}",
            "/Admin/Users/Create", "/Reports?Query.Name=aging", "/Account/TwoFactor", "/Account/ChangePassword", "/Admin/ApiAccess", "/Admin/Webhooks", "/api/docs", $"/Cases/Evidence?id={@case.Id}", "/Admin/Letters", "/Account/Calendar"];
        foreach (var path in pages)
        {
            await page.GotoAsync(path);
            await BrowserFixture.CheckPageAsync(page, "51" + Regex.Replace(path.Split('?')[0], "[^A-Za-z]+", "-").TrimEnd('-'));
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PrintView_OfACase_LeavesOutTheNavigationAndForms()
    {
        var person = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationA.Id, "Printed", "Person");
        var @case = await TestData.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, person.Id, $"PRN-{Guid.NewGuid():N}"[..10]);
        var page = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await page.GotoAsync($"/Cases/Details?id={@case.Id}");
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });

        await Expect(page.Locator(".site-header nav")).ToBeHiddenAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync(@case.Reference);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, "41-case-print.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Keyboard_ReachesTheSkipLinkFirst_WithAVisibleFocus_AndErrorsAreLinkedToTheirFields()
    {
        var page = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await page.GotoAsync("/Applicants/Create");
        await page.Keyboard.PressAsync("Tab");
        var focused = page.Locator(":focus");
        await Expect(focused).ToHaveTextAsync("Skip to content");
        Assert.NotEqual("none", await focused.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));

        // Submitting from the keyboard with nothing filled in: the message sits beside the field and is tied to it.
        await page.GetByLabel("Given names").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var given = page.GetByLabel("Given names");
        await Expect(given).ToHaveAttributeAsync("aria-invalid", "true");
        var describedBy = (await given.GetAttributeAsync("aria-describedby"))!.Split(' ');
        var error = page.Locator($"[id='{describedBy.Last()}']");
        await Expect(error).Not.ToBeEmptyAsync();
        await BrowserFixture.CheckPageAsync(page, "42-form-errors");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EmptyQueues_SayWhatThatMeans()
    {
        var page = await fixture.SignedInAsync(fixture.Users.AdminB.Email!);
        await page.GotoAsync("/Cases?Filters.Overdue=true");
        await Expect(page.Locator(".empty")).ToHaveTextAsync("No cases past the statutory limit: good news.");
        await BrowserFixture.CheckPageAsync(page, "43-empty-state");
        await page.Context.CloseAsync();
    }
}
