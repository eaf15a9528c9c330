using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Applicants;

public class RegistryTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    private async Task<AppClient> SignedInAsync(AppUser user)
    {
        var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(user.Email!, TestUsers.Password);
        return client;
    }

    private static readonly (string, string)[] Interpreter =
    [
        ("Input.GivenNames", "Mohammad"), ("Input.FamilyName", "Karimi"), ("Input.OtherSpellings", "Muhammad Karimi\nMohd Kareemi"),
        ("Input.NativeName", "محمد کریمی"), ("Input.FatherName", "Ghulam Sakhi"), ("Input.DateOfBirth", "1988"),
        ("Input.TazkiraType", "Paper"), ("Input.TazkiraNumber", "1234567"), ("Input.Passports[0].Number", "P7654321"),
        ("Input.Passports[0].Country", "AF"), ("Input.Passports[0].ExpiresOn", "2027-01-01"), ("Input.Contacts[0].Kind", "WhatsApp"),
        ("Input.Contacts[0].Value", "+93 70 123 4567"), ("Input.SafetyStatus", "InHiding"), ("Input.SafetyNotes", "Moves every week."),
        ("Input.DateOfBirthPrecision", "Exact"),
    ];

    private async Task<Guid> RegisterInterpreterAsync(AppClient client)
    {
        var response = await client.PostFormAsync("/Applicants/Create", AppClient.Form(Interpreter));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(Regex.Match(response.Headers.Location!.ToString(), "id=([0-9a-f-]+)").Groups[1].Value);
    }

    [Fact]
    public async Task Caseworker_RegistersAnInterpreterWithFamilyAndService_AndFindsHimByAnotherSpelling()
    {
        using var client = await SignedInAsync(_users.CaseworkerA);
        var id = await RegisterInterpreterAsync(client);

        var spouse = await client.PostFormAsync($"/Applicants/Create?principalId={id}",
            AppClient.Form(("Input.GivenNames", "Maryam"), ("Input.Relationship", "Spouse"), ("Input.MarriageDate", "2010-05-05"), ("Input.SafetyStatus", "InHiding")));
        var child1 = await client.PostFormAsync($"/Applicants/Create?principalId={id}",
            AppClient.Form(("Input.GivenNames", "Ahmad"), ("Input.Relationship", "Child"), ("Input.DateOfBirth", "2006-03-01")));
        var child2 = await client.PostFormAsync($"/Applicants/Create?principalId={id}",
            AppClient.Form(("Input.GivenNames", "Zahra"), ("Input.Relationship", "Child"), ("Input.DateOfBirth", "2015-08-20")));
        var service1 = await client.PostFormAsync($"/Applicants/ServiceRecord?personId={id}",
            AppClient.Form(("Input.EmployerType", "UsMilitary"), ("Input.Employer", "2nd Battalion, 8th Marines"), ("Input.Role", "Interpreter"),
                ("Input.StartDate", "2009-01-01"), ("Input.EndDate", "2010-12-31"), ("Input.SupervisorName", "James Miller"), ("Input.HrLetterObtained", "true")));
        var service2 = await client.PostFormAsync($"/Applicants/ServiceRecord?personId={id}",
            AppClient.Form(("Input.EmployerType", "Contractor"), ("Input.Employer", "Linguist services prime contractor"), ("Input.Role", "Interpreter"),
                ("Input.StartDate", "2011-03-01"), ("Input.EndDate", "2013-02-28"), ("Input.PrimeContractNumber", "W91B4N-11-C-1234")));
        Assert.All(new[] { spouse, child1, child2, service1, service2 }, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));

        var details = await client.GetHtmlAsync($"/Applicants/Details?id={id}");
        Assert.Contains("محمد کریمی", details);
        Assert.Contains("Maryam", details);
        Assert.Contains("turns 21 on 1 Mar 2027", details);
        Assert.Contains("47 months of qualifying service", details);
        Assert.Contains("meets the minimum", details);
        Assert.Contains("Moves every week.", details);

        var search = await client.PostFormAsync("/Applicants?handler=Search", AppClient.Form(("Search.Query", "Muhamad Kareemi")), tokenSource: "/Applicants");
        var results = await search.Content.ReadAsStringAsync();
        Assert.Contains($"/Applicants/Details?id={id}", Html.Links(results));
        Assert.DoesNotContain("Kareemi", search.RequestMessage!.RequestUri!.ToString());
        Assert.Contains("Mohammad Karimi", await client.GetHtmlAsync("/Interpreters"));
    }

    [Theory]
    [InlineData("۲۰۲۷-۰۱-۰۱")]
    [InlineData("١٤٠٥/١٠/١١")]
    [InlineData("1405/10/11")]
    public async Task ADateFieldTypedInPersianDigitsOrTheSolarHijriCalendar_IsStoredAsItsGregorianDay(string typed)
    {
        using var client = await SignedInAsync(_users.CaseworkerA);

        var response = await client.PostFormAsync("/Applicants/Create", AppClient.Form(("Input.GivenNames", "Hamid"), ("Input.Passports[0].Number", "P1112223"),
            ("Input.Passports[0].Country", "AF"), ("Input.Passports[0].ExpiresOn", typed)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var scope = Fixture.Scope();
        Assert.Equal(new DateOnly(2027, 1, 1), (await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Passports.SingleAsync()).ExpiresOn);
    }

    [Fact]
    public async Task ADateOfBirthTypedFromATazkira_InPersianDigits_IsKeptAsItsSolarHijriYear()
    {
        using var client = await SignedInAsync(_users.CaseworkerA);

        var response = await client.PostFormAsync("/Applicants/Create", AppClient.Form(("Input.GivenNames", "Najibullah"), ("Input.DateOfBirth", "۱۳۷۰")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var id = Guid.Parse(Regex.Match(response.Headers.Location!.ToString(), "id=([0-9a-f-]+)").Groups[1].Value);
        Assert.Contains("1370 SH (21 Mar 1991 to 20 Mar 1992)", Html.Text(await client.GetHtmlAsync($"/Applicants/Details?id={id}")));
        Assert.Equal("1370", Html.Parse(await client.GetHtmlAsync($"/Applicants/Edit?id={id}")).QuerySelector("#Input_DateOfBirth")?.GetAttribute("value"));
        await using var scope = Fixture.Scope();
        var stored = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.SingleAsync(p => p.Id == id);
        Assert.Equal((new DateOnly(1991, 3, 21), DatePrecision.SolarHijriYear), (stored.DateOfBirth, stored.DateOfBirthPrecision));
    }

    [Theory]
    [InlineData("Input.TazkiraNumber", "1234567", "same tazkira number")]
    [InlineData("Input.Passports[0].Number", "P7654321", "same passport number")]
    [InlineData("Input.Contacts[0].Value", "+93701234567", "same phone number")]
    [InlineData("Input.DateOfBirth", "1988", "similar name and the same birth year")]
    // From a tazkira: 1367 is 21 March 1988 to 20 March 1989, so it may be the 1988 of the first record.
    [InlineData("Input.DateOfBirth", "۱۳۶۷", "similar name and the same birth year")]
    [InlineData("Input.TazkiraNumber", "۱۲۳۴۵۶۷", "same tazkira number")]
    [InlineData("Input.Contacts[0].Value", "+۹۳ ۷۰ ۱۲۳ ۴۵۶۷", "same phone number")]
    public async Task RegisteringTheSamePersonAgain_ShowsTheCandidateAndTheReason_AndSavesOnlyWhenConfirmed(string field, string value, string reason)
    {
        using var client = await SignedInAsync(_users.CaseworkerA);
        var existing = await RegisterInterpreterAsync(client);
        var second = field == "Input.DateOfBirth"
            ? AppClient.Form(("Input.GivenNames", "Muhammad"), ("Input.FamilyName", "Kareemi"), (field, value))
            : AppClient.Form(("Input.GivenNames", "Someone"), ("Input.FamilyName", "Else"), (field, value), ("Input.Passports[0].Country", "AF"), ("Input.Contacts[0].Kind", "Phone"));

        var warned = await client.PostFormAsync("/Applicants/Create", second);
        var html = await warned.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, warned.StatusCode);
        Assert.Contains("This may be someone already registered", html);
        Assert.Contains($"/Applicants/Details?id={existing}", Html.Links(html));
        Assert.Contains(reason, html);
        await using (var scope = Fixture.Scope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.CountAsync());
        }
        var confirmed = await client.PostFormAsync("/Applicants/Create", second.Append(new("Input.ConfirmedNotDuplicate", "true")));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
    }

    [Theory]
    [InlineData("Input.GivenNames", "Hamid\0", "Remove control characters")]
    [InlineData("Input.FatherName", "x", "Use at most 200 characters.")]
    [InlineData("Input.DateOfBirth", "2999-01-01", "cannot be in the future")]
    [InlineData("Input.DateOfBirth", "31/12/1980", "YYYY-MM-DD")]
    [InlineData("Input.DateOfBirth", "1370/12/31", "Solar Hijri")]
    [InlineData("Input.Contacts[0].Value", "0701234567", "country code")]
    [InlineData("Input.CurrentCountry", "Afghanistan", "two-letter country code")]
    [InlineData("Input.GivenNames", "", "Enter the given names")]
    [InlineData("Input.GivenNames", "Hamid\u202Egnp.exe", "Remove the invisible or direction-changing character (U+202E) from this field.")]
    [InlineData("Input.NativeName", "\uFEFF\u062D\u0627\u0645\u062F", "(U+FEFF)")]
    [InlineData("Input.FatherName", "Ghulam\u200BSakhi", "(U+200B)")]
    [InlineData("Input.SafetyNotes", "Moves every \u2066week\u2069.", "(U+2066)")]
    public async Task BadInput_GetsAMessageNextToTheField_AndNothingIsSaved(string field, string value, string message)
    {
        using var client = await SignedInAsync(_users.CaseworkerA);
        if (value == "x") value = new string('x', 10_000);
        var form = AppClient.Form(("Input.GivenNames", "Hamid"), ("Input.Contacts[0].Kind", "Phone")).Where(f => f.Key != field).Append(new(field, value));

        var response = await client.PostFormAsync("/Applicants/Create", form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = field.Replace('.', '_').Replace('[', '_').Replace(']', '_');
        Assert.Contains(message, Html.FieldError(html, id));
        await using var scope = Fixture.Scope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.CountAsync());
    }

    [Fact]
    public async Task DariNameWithTheZeroWidthNonJoiner_Registers_AsWritten()
    {
        using var client = await SignedInAsync(_users.CaseworkerA);
        const string nativeName = "\u0639\u0628\u062F\u200C\u0627\u0644\u0644\u0647 \u06A9\u0631\u06CC\u0645\u06CC";

        var response = await client.PostFormAsync("/Applicants/Create",
            AppClient.Form(("Input.GivenNames", "Abdullah"), ("Input.FamilyName", "Karimi"), ("Input.NativeName", nativeName), ("Input.Contacts[0].Kind", "Phone")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = _users.OrganisationA.Id;
        Assert.Equal(nativeName, await db.Persons.Select(p => p.NativeName).SingleAsync());
    }

    [Fact]
    public async Task ServiceEndingBeforeItStarts_IsRefused()
    {
        using var client = await SignedInAsync(_users.CaseworkerA);
        var id = await RegisterInterpreterAsync(client);

        var response = await client.PostFormAsync($"/Applicants/ServiceRecord?personId={id}",
            AppClient.Form(("Input.Employer", "U.S. Embassy Kabul"), ("Input.StartDate", "2012-01-01"), ("Input.EndDate", "2011-01-01")));

        Assert.Contains("The end cannot be before the start.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SavingOverSomeoneElsesNewerEdit_ShowsWhoChangedWhat_KeepsTheInput_AndOverwritesNothing()
    {
        using var first = await SignedInAsync(_users.CaseworkerA);
        using var second = await SignedInAsync(_users.AdminA);
        var id = await RegisterInterpreterAsync(first);
        var staleForm = await first.GetHtmlAsync($"/Applicants/Edit?id={id}");
        var staleVersion = Html.HiddenValue(staleForm, "Input.Version");

        var theirs = await second.PostFormAsync($"/Applicants/Edit?id={id}", AppClient.Form(Interpreter).Where(f => f.Key != "Input.FatherName")
            .Append(new("Input.FatherName", "Sakhi Jan")).Append(new("Input.Version", (await VersionAsync(id)).ToString())));
        Assert.Equal(HttpStatusCode.Redirect, theirs.StatusCode);

        var mine = await first.PostFormAsync($"/Applicants/Edit?id={id}", AppClient.Form(Interpreter).Where(f => f.Key != "Input.ClanOrTribe")
            .Append(new("Input.ClanOrTribe", "Tajik")).Append(new("Input.Version", staleVersion)));
        var html = await mine.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Contains("Someone else saved this record while you were editing", Html.Text(html));
        Assert.Contains("admin", html);
        Assert.Contains("FatherName", html);
        Assert.Equal("Tajik", Html.Parse(html).QuerySelector("input[name='Input.ClanOrTribe']")?.GetAttribute("value"));
        await using var scope = Fixture.Scope();
        var saved = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.SingleAsync(p => p.Id == id);
        Assert.Equal("Sakhi Jan", saved.FatherName);
        Assert.Null(saved.ClanOrTribe);
    }

    [Fact]
    public async Task Reviewer_SeesNoContactDetailsOrSafetyNotes_AndCannotEdit()
    {
        using var caseworker = await SignedInAsync(_users.CaseworkerA);
        var id = await RegisterInterpreterAsync(caseworker);
        using var reviewer = await SignedInAsync(_users.ReviewerA);

        var html = await reviewer.GetHtmlAsync($"/Applicants/Details?id={id}");

        Assert.Contains("Mohammad Karimi", html);
        Assert.DoesNotContain("Moves every week.", html);
        Assert.DoesNotContain("+93 70 123 4567", html);
        Assert.DoesNotContain("P7654321", html);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostFormAsync($"/Applicants/Edit?id={id}", AppClient.Form(Interpreter), tokenSource: "/Applicants")).StatusCode);
    }

    [Fact]
    public async Task Reviewer_SeesNamesButNoIdentifiersOrWhereabouts_AndCannotSearchByThem_WhileACaseworkerDoes()
    {
        using var caseworker = await SignedInAsync(_users.CaseworkerA);
        var registered = await caseworker.PostFormAsync("/Applicants/Create", AppClient.Form(
            ("Input.GivenNames", "Canaryperson"), ("Input.FamilyName", "Reviewtest"), ("Input.FatherName", "Fathercanary"), ("Input.ClanOrTribe", "Clancanary"),
            ("Input.PlaceOfBirth", "Birthplacecanary"), ("Input.DateOfBirth", "1990-04-02"), ("Input.DateOfBirthPrecision", "Exact"),
            ("Input.TazkiraType", "Paper"), ("Input.TazkiraNumber", "TZ-8086-4471"), ("Input.TazkiraVolume", "Vol8086"), ("Input.TazkiraPage", "Pg8086"),
            ("Input.TazkiraRegister", "Reg8086"), ("Input.Passports[0].Number", "P80864471"), ("Input.Passports[0].Country", "AF"),
            ("Input.Contacts[0].Kind", "Phone"), ("Input.Contacts[0].Value", "+93 70 808 6447"), ("Input.CurrentCountry", "PK"),
            ("Input.CurrentProvince", "Provincecanary"), ("Input.SafetyStatus", "InHiding"), ("Input.SafetyNotes", "Notescanary")));
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        var id = Guid.Parse(Regex.Match(registered.Headers.Location!.ToString(), "id=([0-9a-f-]+)").Groups[1].Value);
        string[] hidden = ["TZ-8086-4471", "Vol8086", "Pg8086", "Reg8086", "P80864471", "808 6447", "Provincecanary", "Notescanary", "Fathercanary", "Clancanary", "Birthplacecanary"];
        using var reviewer = await SignedInAsync(_users.ReviewerA);

        var reviewerPage = await reviewer.GetHtmlAsync($"/Applicants/Details?id={id}");
        var caseworkerPage = await caseworker.GetHtmlAsync($"/Applicants/Details?id={id}");

        // Who the case is about, the country and how urgent the danger is stay: reviewers act on them.
        Assert.Contains("Canaryperson Reviewtest", Html.Text(reviewerPage));
        Assert.Contains(Html.Texts(reviewerPage, "dl.facts dd"), fact => fact.Trim() == "PK");
        Assert.Contains(Html.Texts(reviewerPage, "dl.facts dd"), fact => fact.Trim() == "In hiding");
        Assert.All(hidden, canary =>
        {
            Assert.DoesNotContain(canary, reviewerPage);
            Assert.DoesNotContain(canary, Html.Text(reviewerPage));
            Assert.Contains(canary, Html.Text(caseworkerPage));
        });
        // A hit would say whose the identifier is as surely as showing it; the name still finds the person.
        foreach (var identifier in new[] { "TZ-8086-4471", "P80864471", "+93 70 808 6447" })
        {
            var byReviewer = await reviewer.PostFormAsync("/Applicants?handler=Search", AppClient.Form(("Search.Query", identifier)), tokenSource: "/Applicants");
            Assert.DoesNotContain($"/Applicants/Details?id={id}", Html.Links(await byReviewer.Content.ReadAsStringAsync()));
            var byCaseworker = await caseworker.PostFormAsync("/Applicants?handler=Search", AppClient.Form(("Search.Query", identifier)), tokenSource: "/Applicants");
            Assert.Contains($"/Applicants/Details?id={id}", Html.Links(await byCaseworker.Content.ReadAsStringAsync()));
        }
        var byName = await reviewer.PostFormAsync("/Applicants?handler=Search", AppClient.Form(("Search.Query", "Canaryperson Reviewtest")), tokenSource: "/Applicants");
        Assert.Contains($"/Applicants/Details?id={id}", Html.Links(await byName.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Merge_MovesFamilyServiceCasesAndSpellings_AndBothRecordsShowIt()
    {
        using var caseworker = await SignedInAsync(_users.CaseworkerA);
        var survivor = await RegisterInterpreterAsync(caseworker);
        var duplicate = (await caseworker.PostFormAsync("/Applicants/Create",
            AppClient.Form(("Input.GivenNames", "Muhammad"), ("Input.FamilyName", "Kareemi"), ("Input.DateOfBirth", "1988"), ("Input.ConfirmedNotDuplicate", "true"))))
            .Headers.Location!.ToString();
        var duplicateId = Guid.Parse(Regex.Match(duplicate, "id=([0-9a-f-]+)").Groups[1].Value);
        await caseworker.PostFormAsync($"/Applicants/Create?principalId={duplicateId}", AppClient.Form(("Input.GivenNames", "Sima"), ("Input.Relationship", "Spouse")));
        await caseworker.PostFormAsync($"/Applicants/ServiceRecord?personId={duplicateId}", AppClient.Form(("Input.Employer", "USAID Afghanistan"), ("Input.StartDate", "2014-01-01"), ("Input.EmployerType", "UsEmbassyOrAgency")));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Cases.Add(new Case { OrganisationId = _users.OrganisationA.Id, Reference = "A-1", PrincipalId = duplicateId, CurrentStageCode = StageCatalog.PreCom });
            await db.SaveChangesAsync();
        }
        using var admin = await SignedInAsync(_users.AdminA);
        var page = await admin.GetHtmlAsync($"/Applicants/Merge?id={duplicateId}");
        Assert.Contains(survivor.ToString(), Html.Parse(page).QuerySelectorAll("input[name='Input.SurvivorId']").Select(choice => choice.GetAttribute("value")));

        var merged = await admin.PostFormAsync($"/Applicants/Merge?id={duplicateId}", AppClient.Form(("Input.SurvivorId", survivor.ToString())));

        Assert.Equal(HttpStatusCode.Redirect, merged.StatusCode);
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            Assert.Equal(survivor, (await db.Persons.ToListAsync()).Single(p => p.GivenNames == "Sima").PrincipalId);
            Assert.Equal(survivor, (await db.ServiceRecords.ToListAsync()).Single(s => s.Employer == "USAID Afghanistan").PersonId);
            Assert.Equal(survivor, (await db.Cases.SingleAsync()).PrincipalId);
            Assert.Equal(survivor, (await db.Persons.SingleAsync(p => p.Id == duplicateId)).MergedIntoId);
            Assert.Contains(await db.PersonAliases.Where(a => a.PersonId == survivor).Select(a => a.Spelling).ToListAsync(), s => s == "Muhammad Kareemi");
        }
        Assert.Contains("absorbed", await admin.GetHtmlAsync($"/Applicants/Details?id={survivor}"));
        Assert.Contains("merged into", await admin.GetHtmlAsync($"/Applicants/Details?id={duplicateId}"));
    }

    [Fact]
    public async Task List_PagesWithAKeysetCursor_AndFiltersInterpreters()
    {
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            for (var i = 0; i < 60; i++)
            {
                var person = new Person { OrganisationId = _users.OrganisationA.Id, GivenNames = $"Person{i:D2}", FamilyName = "Test" };
                if (i % 3 == 0) person.ServiceRecords.Add(new Web.Domain.ServiceRecord { OrganisationId = _users.OrganisationA.Id, Employer = "Unit", Role = ServiceRole.Interpreter, StartDate = new DateOnly(2010, 1, 1) });
                db.Persons.Add(person);
            }
            await db.SaveChangesAsync();
        }
        using var client = await SignedInAsync(_users.ReviewerA);

        var first = await client.GetHtmlAsync("/Applicants");
        var next = Html.LinkTarget(first, "Next page");
        Assert.NotNull(next);
        var second = await client.GetHtmlAsync(next);
        var interpreters = await client.GetHtmlAsync("/Applicants?Filters.Interpreters=true");

        // Most recently updated first (names are sealed, so the database does not sort by them): 50, then the other 10.
        Assert.Equal(50, NamesListed(first).Count);
        Assert.Equal(10, NamesListed(second).Count);
        Assert.Empty(NamesListed(first).Intersect(NamesListed(second)));
        // Everyone this test registers is a "PersonNN Test", so every name listed counts.
        Assert.Equal(20, NamesListed(interpreters).Count);
        foreach (var sort in new[] { "stage", "updated" })
        {
            var page1 = await client.GetHtmlAsync($"/Applicants?Filters.Sort={sort}");
            var nextPage = Html.LinkTarget(page1, "Next page");
            Assert.NotNull(nextPage);
            var page2 = await client.GetHtmlAsync(nextPage);
            var seen = NamesListed(page1).Concat(NamesListed(page2)).ToList();
            Assert.Equal(60, seen.Count);
            Assert.Equal(60, seen.Distinct().Count());
        }
    }

    /// <summary>The names in the applicant list, top to bottom.</summary>
    private static IReadOnlyList<string> NamesListed(string html) => Html.Texts(html, "table.data tbody td:first-child > a");

    private async Task<uint> VersionAsync(Guid id)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.Where(p => p.Id == id).Select(p => p.Version).SingleAsync();
    }
}
