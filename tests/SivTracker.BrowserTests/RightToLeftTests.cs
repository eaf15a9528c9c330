using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using static Microsoft.Playwright.Assertions;

namespace SivTracker.BrowserTests;

/// <summary>Dari and Pashto in a real browser: chosen with the picker, laid out right to left, in a font that has the letters.</summary>
[Collection(BrowserCollection.Name)]
public class RightToLeftTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData("fa-AF", "دری")]
    [InlineData("ps-AF", "پښتو")]
    public async Task MainPages_InDariAndPashto_MirrorFitA375PixelScreen_PrintAndPassAxe(string code, string name)
    {
        // Its own user: the picker saves the language on the account, and the other tests sign in expecting English.
        var user = await TestUsers.UserAsync(fixture.Database, $"rtl-{code}-{Guid.NewGuid():N}@a.test", fixture.Users.OrganisationA.Id, Roles.Admin);
        var person = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationA.Id, "Najibullah", "Ahmadzai");
        var @case = await TestData.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, person.Id, $"RTL-{Guid.NewGuid():N}"[..10]);
        var page = await fixture.NewPageAsync(width: 375);

        // The picker is on the sign-in page, and switches as soon as a language is chosen.
        await page.GotoAsync("/Account/Login");
        await page.Locator("#language-picker").SelectOptionAsync(code);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", code);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(page.Locator("#language-picker option[selected]")).ToHaveTextAsync(name);
        await page.Locator("#Input_Email").FillAsync(user.Email!);
        await page.Locator("#Input_Password").FillAsync(TestUsers.Password);
        await page.Locator("form:not(.language-picker) button.primary").First.ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");

        // The font that carries Dari's and Pashto's letters is the one in use.
        Assert.True(await page.EvaluateAsync<bool>("async () => { await document.fonts.ready; return document.fonts.check('16px \"SivTracker Naskh\"', 'ښځګ'); }"));

        string[] pages = ["/", "/Applicants", $"/Applicants/Details?id={person.Id}", "/Applicants/Create", "/Cases", $"/Cases/Details?id={@case.Id}",
            $"/Cases/ChangeStage?id={@case.Id}", $"/Cases/Documents?id={@case.Id}", "/Review", "/Reports", "/Admin/Users", "/Admin/Import"];
        foreach (var path in pages)
        {
            await page.GotoAsync(path);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} in {code} is {overflow}px wider than a 375px screen");
            await BrowserFixture.CheckPageAsync(page, $"70-{code}{Regex.Replace(path.Split('?')[0], "[^A-Za-z]+", "-").TrimEnd('-')}");
        }

        // Mirrored: the brand starts at the right edge, and a table's first column is its rightmost.
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync("/Cases");
        var brand = await page.Locator(".brand").BoundingBoxAsync();
        Assert.True(brand!.X > 1280 / 2, $"The brand sits at x={brand.X}, on the left of a right-to-left page");
        var headers = await page.Locator("table.data thead th").EvaluateAllAsync<double[]>("cells => cells.map(c => c.getBoundingClientRect().left)");
        Assert.True(headers.Length > 1 && headers[0] > headers[^1], "The table's columns run left to right");
        await BrowserFixture.CheckPageAsync(page, $"71-{code}-cases-wide");

        // Charts mirror too: each label sits to the right of its bar, and the value to its left.
        await page.GotoAsync("/");
        var label = await page.Locator("#by-stage-title ~ svg .chart-label, figure.chart svg .chart-label").First.BoundingBoxAsync();
        var bar = await page.Locator("figure.chart svg .chart-bar").First.BoundingBoxAsync();
        var value = await page.Locator("figure.chart svg .chart-value").First.BoundingBoxAsync();
        Assert.True(label!.X >= bar!.X + bar.Width - 1 && value!.X + value.Width <= bar.X + 1, $"label {label.X}, bar {bar.X}+{bar.Width}, value {value!.X}+{value.Width}");
        await BrowserFixture.CheckPageAsync(page, $"71-{code}-dashboard-wide");

        await page.GotoAsync($"/Cases/Details?id={@case.Id}");
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Expect(page.Locator(".site-header nav")).ToBeHiddenAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync(@case.Reference);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, $"72-{code}-case-print.png"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
