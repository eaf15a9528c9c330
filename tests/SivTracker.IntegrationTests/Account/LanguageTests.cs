using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Account;

/// <summary>Dari and Pashto from the sign-in page on: the picker, the saved choice, right to left, and no English left.</summary>
public partial class LanguageTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    private static Task<HttpResponseMessage> ChooseAsync(AppClient client, string code, string from) =>
        client.PostFormAsync("/Language", AppClient.Form(("Code", code), ("ReturnUrl", from)), tokenSource: from);

    [Fact]
    public async Task TheFirstVisit_FollowsTheBrowser_ThenThePickerChoice_ThenTheAccountsSavedChoice()
    {
        using var anonymous = new AppClient(Fixture.Factory);
        var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Add("Accept-Language", "ps-AF,ps;q=0.9,en;q=0.5");
        var html = Html.Parse(await (await anonymous.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Equal(("ps-AF", "rtl"), (html.DocumentElement.GetAttribute("lang"), html.DocumentElement.GetAttribute("dir")));

        // Before sign-in the picker's choice lives in a cookie, and it beats the browser's.
        var chosen = await ChooseAsync(anonymous, "fa-AF", "/Account/Login");
        Assert.Equal(("/Account/Login", HttpStatusCode.Redirect), (chosen.Headers.Location?.ToString(), chosen.StatusCode));
        html = Html.Parse(await anonymous.GetHtmlAsync("/Account/Login"));
        Assert.Equal("fa-AF", html.DocumentElement.GetAttribute("lang"));
        Assert.Equal("fa-AF", html.QuerySelector("#language-picker option[selected]")?.GetAttribute("value"));

        // Signed in, the choice is saved on the account and follows the user to a device that never chose.
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);
        await ChooseAsync(anonymous, "ps-AF", "/");
        await using (var scope = Fixture.Scope())
        {
            var saved = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.SingleAsync(u => u.Id == _users.CaseworkerA.Id);
            Assert.Equal("ps-AF", saved.Language);
        }
        Assert.Equal("ps-AF", Html.Parse(await anonymous.GetHtmlAsync("/")).DocumentElement.GetAttribute("lang"));
        using var otherDevice = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await otherDevice.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);
        html = Html.Parse(await otherDevice.GetHtmlAsync("/"));
        Assert.Equal(("ps-AF", "rtl"), (html.DocumentElement.GetAttribute("lang"), html.DocumentElement.GetAttribute("dir")));

        // An unknown language changes nothing.
        await ChooseAsync(otherDevice, "xx", "/");
        Assert.Equal("ps-AF", Html.Parse(await otherDevice.GetHtmlAsync("/")).DocumentElement.GetAttribute("lang"));
        Assert.Equal(("en", "ltr"), await EnglishAgainAsync(otherDevice));
    }

    [Fact]
    public async Task PersianDigitsAndSolarHijriDates_AreChosenOnce_AndKeptOnTheAccount()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani", new DateOnly(1991, 5, 12));
        using var client = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);
        var details = Html.Parse(await client.GetHtmlAsync($"/Applicants/Details?id={person.Id}"));
        Assert.Contains("12 May 1991", details.Body!.TextContent);
        Assert.NotEqual("persian", details.DocumentElement.GetAttribute("data-digits"));

        var saved = await client.PostFormAsync("/Language?handler=Display", AppClient.Form(("PersianDigits", "true"), ("SolarHijri", "true"), ("ReturnUrl", "/")), tokenSource: "/Language");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        // Shown in the tazkira's calendar, with the Gregorian day on hover; the digits are the browser's to draw.
        details = Html.Parse(await client.GetHtmlAsync($"/Applicants/Details?id={person.Id}"));
        Assert.Equal("persian", details.DocumentElement.GetAttribute("data-digits"));
        Assert.Contains("22 Sawr 1370", details.Body!.TextContent);
        Assert.NotNull(details.QuerySelector("[title='1991-05-12']"));
        await using (var scope = Fixture.Scope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.SingleAsync(u => u.Id == _users.CaseworkerA.Id);
            Assert.True(user.PersianDigits && user.SolarHijriDates);
        }
        using var otherDevice = new AppClient(Fixture.Factory);
        await otherDevice.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);
        Assert.Contains("22 Sawr 1370", Html.Text(await otherDevice.GetHtmlAsync($"/Applicants/Details?id={person.Id}")));

        // Date fields hold the tazkira's calendar too: the browser's picker knows only the Gregorian one.
        var open = Html.Parse(await client.GetHtmlAsync($"/Cases/Open?principalId={person.Id}"));
        Assert.Equal(("text", "1403/05/12"), (open.QuerySelector("#Input_ComSubmittedOn")?.GetAttribute("type"), open.QuerySelector("#Input_ComSubmittedOn")?.GetAttribute("placeholder")));
        var opened = await client.PostFormAsync($"/Cases/Open?principalId={person.Id}", AppClient.Form(("Input.Program", "AF602B"), ("Input.Priority", "Normal")));
        var caseId = Regex.Match(opened.Headers.Location!.ToString(), "id=([0-9a-f-]+)").Groups[1].Value;
        var checklist = Html.Parse(await client.GetHtmlAsync($"/Cases/Documents?id={caseId}"));
        Assert.NotEmpty(checklist.QuerySelectorAll("input[name='Input.StatusOn'][placeholder='1403/05/12']"));
        Assert.DoesNotContain(checklist.QuerySelectorAll("input"), input => input.GetAttribute("type") == "date");
    }

    [Fact]
    public async Task ARenamedStage_ShowsTheDariAndPashtoNamesTheSystemAdministratorGaveIt()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani");
        var @case = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, person.Id);
        using var dari = new AppClient(Fixture.Factory);
        await ChooseAsync(dari, "fa-AF", "/Account/Login");
        await dari.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);
        // Before: the translation of the default name.
        var defaultName = Text.All(Text.Languages.Single(l => l.Code == "fa-AF"))["Collecting the COM package"];
        Assert.Contains(defaultName, Html.Text(await dari.GetHtmlAsync($"/Cases/Details?id={@case.Id}")));

        using var system = new AppClient(Fixture.Factory);
        await system.SignInAsync(_users.System.Email!, TestUsers.Password);
        try
        {
            await RenameAsync(system, @case.Id, dari);
        }
        finally
        {
            // The catalog outlives each test's data: put it back as seeded.
            await using var scope = Fixture.Scope();
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Stages.Where(s => s.Code == StageCatalog.PreCom)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, "Collecting the COM package").SetProperty(x => x.NameDari, (string?)null).SetProperty(x => x.NamePashto, (string?)null));
            SivTracker.Web.Infrastructure.StageCatalogCache.Forget(Fixture.Factory.Services.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>());
        }
    }

    private static async Task RenameAsync(AppClient system, Guid caseId, AppClient dari)
    {
        var catalog = Html.Parse(await system.GetHtmlAsync("/System/Stages"));
        var form = catalog.QuerySelectorAll("form").Single(f => f.QuerySelector("input[name='Input.Code']")?.GetAttribute("value") == StageCatalog.PreCom);
        var saved = await system.PostFormAsync("/System/Stages", AppClient.Form(("Input.Code", StageCatalog.PreCom), ("Input.Name", "Gathering the package"),
            ("Input.NameDari", "جمع‌آوری بسته"), ("Input.NamePashto", "د بستې راټولول"), ("Input.SortOrder", "10"), ("Input.ClockOwner", "None"),
            ("Input.Version", Html.HiddenValue(form, "Input.Version"))));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        Assert.Contains("جمع‌آوری بسته", Html.Text(await dari.GetHtmlAsync($"/Cases/Details?id={caseId}")));
        await ChooseAsync(dari, "ps-AF", "/");
        Assert.Contains("د بستې راټولول", Html.Text(await dari.GetHtmlAsync("/Cases")));
        await ChooseAsync(dari, "en", "/");
        Assert.Contains("Gathering the package", Html.Text(await dari.GetHtmlAsync($"/Cases/Details?id={caseId}")));
    }

    private static async Task<(string?, string?)> EnglishAgainAsync(AppClient client)
    {
        await ChooseAsync(client, "en", "/");
        var html = Html.Parse(await client.GetHtmlAsync("/"));
        return (html.DocumentElement.GetAttribute("lang"), html.DocumentElement.GetAttribute("dir"));
    }

    [Theory]
    [InlineData("fa-AF")]
    [InlineData("ps-AF")]
    public async Task ACaseworker_RegistersATazkiraApplicant_OpensACase_AndRecordsAStage_WithoutMeetingEnglish(string code)
    {
        using var client = new AppClient(Fixture.Factory);
        // The check sees English where there is English: the sign-in page before the switch.
        Assert.Contains("Sign in", EnglishLeft(await client.GetHtmlAsync("/Account/Login"), code));
        await ChooseAsync(client, code, "/Account/Login");
        var pages = new List<(string Path, string Html)> { ("/Account/Login", await client.GetHtmlAsync("/Account/Login")) };
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);

        pages.Add(("/", await client.GetHtmlAsync("/")));
        pages.Add(("/Applicants/Create", await client.GetHtmlAsync("/Applicants/Create")));
        // A refused form shows its messages in the same language.
        var refused = await client.PostFormAsync("/Applicants/Create", AppClient.Form(("Input.GivenNames", ""), ("Input.DateOfBirth", "۱۳۷۰/۱۳/۴۰")));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        pages.Add(("/Applicants/Create (refused)", await refused.Content.ReadAsStringAsync()));

        var created = await client.PostFormAsync("/Applicants/Create", AppClient.Form(("Input.GivenNames", "Najibullah"), ("Input.FamilyName", "Ahmadzai"), ("Input.DateOfBirth", "۱۳۷۰"),
            ("Input.Contacts[0].Value", "+93 70 123 4567")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var personId = Regex.Match(created.Headers.Location!.ToString(), "id=([0-9a-f-]+)").Groups[1].Value;
        var details = await client.GetHtmlAsync($"/Applicants/Details?id={personId}");
        pages.Add(("/Applicants/Details", details));
        // The phone number keeps its plus sign in front inside right-to-left text.
        Assert.Contains("\u2066+93 70 123 4567\u2069", Html.Text(details));
        pages.Add(("/Applicants", await client.GetHtmlAsync("/Applicants")));

        pages.Add(("/Cases/Open", await client.GetHtmlAsync($"/Cases/Open?principalId={personId}")));
        var opened = await client.PostFormAsync($"/Cases/Open?principalId={personId}", AppClient.Form(("Input.Program", "AF602B"), ("Input.Priority", "Normal")));
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var caseId = Regex.Match(opened.Headers.Location!.ToString(), "id=([0-9a-f-]+)").Groups[1].Value;

        var form = await client.GetHtmlAsync($"/Cases/ChangeStage?id={caseId}");
        pages.Add(("/Cases/ChangeStage", form));
        var recorded = await client.PostFormAsync($"/Cases/ChangeStage?id={caseId}", AppClient.Form(("Input.To", StageCatalog.ComSubmitted), ("Input.EffectiveOn", "۱۴۰۵/۰۱/۱۵"),
            ("Input.IdempotencyKey", Html.HiddenValue(form, "Input.IdempotencyKey")), ("Input.Version", Html.HiddenValue(form, "Input.Version"))));
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        pages.Add(("/Cases/Details", await client.GetHtmlAsync($"/Cases/Details?id={caseId}")));
        pages.Add(("/Cases", await client.GetHtmlAsync("/Cases")));
        pages.Add(("/Cases/Documents", await client.GetHtmlAsync($"/Cases/Documents?id={caseId}")));
        pages.Add(("/Interpreters", await client.GetHtmlAsync("/Interpreters")));
        pages.Add(("/Notifications", await client.GetHtmlAsync("/Notifications")));
        pages.Add(("/Account/TwoFactor", await client.GetHtmlAsync("/Account/TwoFactor")));
        pages.Add(("/Account/ChangePassword", await client.GetHtmlAsync("/Account/ChangePassword")));

        var leaks = pages.SelectMany(page => EnglishLeft(page.Html, code).Select(text => $"{page.Path}: \"{text}\"")).ToList();
        Assert.True(leaks.Count == 0, $"English UI text on {code} pages:\n" + string.Join("\n", leaks));
        Assert.All(pages, page => Assert.Equal(code, Html.Parse(page.Html).DocumentElement.GetAttribute("lang")));
    }

    [Theory]
    [InlineData("fa-AF")]
    [InlineData("ps-AF")]
    public async Task ReviewersAndAdminsPages_HaveNoEnglishLeft(string code)
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani");
        var @case = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, person.Id);
        using var client = new AppClient(Fixture.Factory);
        await ChooseAsync(client, code, "/Account/Login");
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(_users.AdminA.Email!, TestUsers.Password)).StatusCode);
        var pages = new List<(string Path, string Html)>();
        foreach (var path in new[] { "/", "/Review", "/Reports", "/Admin/Users", "/Admin/Users/Create", "/Admin/Import", "/Admin/Audit", "/Admin/Retention",
            $"/Review/Act?caseId={@case.Id}", $"/Cases/Settings?id={@case.Id}", $"/Applicants/Edit?id={person.Id}", $"/Applicants/ServiceRecord?personId={person.Id}" })
        {
            pages.Add((path, await client.GetHtmlAsync(path)));
        }
        var leaks = pages.SelectMany(page => EnglishLeft(page.Html, code).Select(text => $"{page.Path}: \"{text}\"")).ToList();
        Assert.True(leaks.Count == 0, $"English UI text on {code} pages:\n" + string.Join("\n", leaks));
    }

    /// <summary>
    /// The page's visible texts (and the attributes people read) that are one of SivTracker's English texts whose
    /// translation differs: what a missing T() or an untranslated message looks like on the page.
    /// </summary>
    internal static List<string> EnglishLeft(string html, string code)
    {
        var translation = Text.All(Text.Languages.Single(l => l.Code == code));
        var english = Text.All(Text.English).Where(e => translation.TryGetValue(e.Key, out var t) && t != e.Value && Regex.IsMatch(e.Value, "[a-z]{3}"))
            .Select(e => e.Value).ToHashSet(StringComparer.Ordinal);
        var document = Html.Parse(html);
        // Code is what a user types as it is (case_ref, COM_REVIEW), in any language.
        var texts = document.Body!.Descendants<IText>().Where(t => t.ParentElement is not { LocalName: "script" or "style" or "code" }).Select(t => t.Text)
            .Concat(document.All.SelectMany(e => new[] { "placeholder", "title", "aria-label", "alt", "data-confirm" }.Select(a => e.GetAttribute(a) ?? "")))
            .Concat(document.QuerySelectorAll("title").Select(t => t.TextContent))
            .Select(t => Regex.Replace(t, @"\s+", " ").Trim().TrimEnd(':'))
            .Where(t => t.Length > 0);
        // Dates too: "3 Mar 2024" names its month in English.
        return texts.Where(t => english.Contains(t) || EnglishDate().IsMatch(t)).Distinct().ToList();
    }

    [GeneratedRegex(@"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")]
    private static partial Regex EnglishDate();
}
