using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SivTracker.IntegrationTests.Imports;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace SivTracker.BrowserTests;

/// <summary>The main journeys of each kind of user, in a real browser against the real app and database.</summary>
[Collection(BrowserCollection.Name)]
public class Journeys(BrowserFixture fixture)
{
    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd");

    private DateOnly Today => DateOnly.FromDateTime(fixture.Database.Time.GetUtcNow().UtcDateTime);

    private static async Task FlashAsync(IPage page, string text) =>
        await Expect(page.Locator(".flash")).ToContainTextAsync(text);

    [Fact]
    public async Task Caseworker_RecordsAnInterpreterAndHisCase_ThenAReviewerWorksIt()
    {
        var page = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await BrowserFixture.CheckPageAsync(page, "01-dashboard");

        await page.GotoAsync("/Applicants/Create");
        await page.GetByLabel("Given names").FillAsync("Mohammad");
        await page.GetByLabel("Family name (optional)").FillAsync("Karimi");
        var native = page.GetByLabel("Full name in Dari or Pashto");
        await native.FillAsync("محمد کریمی");
        Assert.Equal("rtl", await native.EvaluateAsync<string>("e => getComputedStyle(e).direction"));
        await page.GetByLabel("Date of birth").FillAsync("1988-04-02");
        await page.GetByLabel("Safety status").SelectOptionAsync("InHiding");
        await BrowserFixture.CheckPageAsync(page, "02-register-applicant");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await FlashAsync(page, "Applicant registered.");
        var personUrl = page.Url;

        foreach (var (relation, name, born) in new[] { ("spouse", "Maryam", "1990-05-05"), ("child", "Ahmad", "2012-03-01"), ("child", "Zahra", "2016-08-20") })
        {
            await page.GotoAsync(personUrl);
            await page.GetByRole(AriaRole.Link, new() { Name = $"Add {relation}" }).ClickAsync();
            await page.GetByLabel("Given names").FillAsync(name);
            await page.GetByLabel("Date of birth").FillAsync(born);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await FlashAsync(page, "Family member added.");
        }
        foreach (var (type, employer, from, to) in new[] { ("UsMilitary", "2nd Battalion, 8th Marines", "2009-01-01", "2010-12-31"), ("UsEmbassyOrAgency", "U.S. Embassy Kabul", "2011-03-01", "2013-02-28") })
        {
            await page.GotoAsync(personUrl);
            await page.GetByRole(AriaRole.Link, new() { Name = "Add service record" }).ClickAsync();
            await page.GetByLabel("Employer type").SelectOptionAsync(type);
            await page.GetByLabel("Unit, embassy, agency or company").FillAsync(employer);
            await page.GetByLabel("Role").SelectOptionAsync("Interpreter");
            await page.GetByLabel("Start").FillAsync(from);
            await page.GetByLabel("End (empty if ongoing)").FillAsync(to);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await FlashAsync(page, "Service record saved.");
        }
        await page.GotoAsync(personUrl);
        await Expect(page.Locator("main")).ToContainTextAsync("محمد کریمی");
        await Expect(page.Locator("main")).ToContainTextAsync("Zahra");
        await Expect(page.Locator("main")).ToContainTextAsync("U.S. Embassy Kabul");
        await BrowserFixture.CheckPageAsync(page, "03-applicant-details");

        await page.GetByRole(AriaRole.Link, new() { Name = "Open a case" }).ClickAsync();
        await page.GetByLabel("Program").SelectOptionAsync("AF602B");
        await BrowserFixture.CheckPageAsync(page, "04-open-case");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open case" }).ClickAsync();
        await FlashAsync(page, "opened");
        var caseUrl = page.Url;
        var caseId = Guid.Parse(Regex.Match(caseUrl, "id=([0-9a-f-]+)").Groups[1].Value);

        await page.GetByRole(AriaRole.Link, new() { Name = "Documents" }).ClickAsync();
        var submitted = Today.AddMonths(-10);
        foreach (var document in new[] { "DS-157 petition / application", "HR employment letter", "Supervisor's recommendation letter", "Proof of nationality" })
        {
            var row = page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = document, Exact = true }) }).First;
            await row.GetByLabel($"Status of {document}").SelectOptionAsync("Received");
            await row.GetByLabel("Date").FillAsync(Iso(submitted.AddDays(-3)));
            await row.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await FlashAsync(page, $"{document}: Received.");
        }
        await BrowserFixture.CheckPageAsync(page, "05-documents");
        await page.GotoAsync(caseUrl);
        await Expect(page.Locator("main")).ToContainTextAsync("All COM package documents are in");

        await RecordStageAsync(page, caseUrl, "COM_SUBMITTED", submitted);
        await RecordStageAsync(page, caseUrl, "COM_RFI", submitted.AddDays(20));
        await Expect(page.Locator(".clock")).ToContainTextAsync($"Paused since {submitted.AddDays(20):d MMM yyyy}");
        await BrowserFixture.CheckPageAsync(page, "06-case-paused");
        await RecordStageAsync(page, caseUrl, "COM_REVIEW", submitted.AddDays(20).AddMonths(1));
        await Expect(page.Locator(".clock")).ToContainTextAsync("Running");
        // Ten months since submission less the month waiting on the applicant: past the nine-month limit.
        await Expect(page.Locator(".clock")).ToContainTextAsync("Overdue by");
        await Expect(page.Locator(".clock .over")).ToBeVisibleAsync();
        await BrowserFixture.CheckPageAsync(page, "07-case-overdue");

        await page.GetByLabel("Add a note").FillAsync("Spoke with Mohammad; family safe for now.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        await FlashAsync(page, "Note added.");
        await Expect(page.Locator("main")).ToContainTextAsync("family safe for now");

        await page.Context.CloseAsync();

        var other = await CaseBuilder.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, Today, ("COM_SUBMITTED", Iso(Today.AddMonths(-14))));
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync();
        }

        var reviewer = await SignInWithTwoFactorAsync(fixture.Users.ReviewerA);
        await reviewer.GotoAsync("/Review");
        await Expect(reviewer.Locator("main")).ToContainTextAsync(other.Reference);
        var reference = await Reference(caseId);
        await Expect(reviewer.Locator("main")).ToContainTextAsync(reference);
        await BrowserFixture.CheckPageAsync(reviewer, "08-review-queue");

        await reviewer.GotoAsync($"/Review/Act?caseId={caseId}");
        await reviewer.Locator("form:has(button:text-is('Acknowledge'))").GetByRole(AriaRole.Textbox).FillAsync("Asked the embassy for a status update.");
        await reviewer.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(reviewer.Locator(".flash")).ToBeVisibleAsync();

        await reviewer.GotoAsync($"/Review/Act?caseId={other.Id}");
        await BrowserFixture.CheckPageAsync(reviewer, "09-review-act");
        await reviewer.GetByLabel("Reason").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await reviewer.Locator("form:has(button:text-is('Escalate'))").GetByRole(AriaRole.Textbox).Last.FillAsync("Fourteen months with no answer.");
        await reviewer.GetByRole(AriaRole.Button, new() { Name = "Escalate" }).ClickAsync();
        await Expect(reviewer.Locator(".flash")).ToBeVisibleAsync();

        await reviewer.GotoAsync(caseUrl);
        await Expect(reviewer.Locator("main")).ToContainTextAsync("Reviewed and acknowledged");
        await Expect(reviewer.Locator("main")).ToContainTextAsync("Asked the embassy for a status update.");
        await reviewer.GotoAsync($"/Cases/Details?id={other.Id}");
        await Expect(reviewer.Locator("main")).ToContainTextAsync("Escalated");
        await Expect(reviewer.Locator("main")).ToContainTextAsync("Fourteen months with no answer.");

        await reviewer.GotoAsync("/");
        Assert.True(await reviewer.Locator("figure.chart svg rect").CountAsync() > 0);
        await BrowserFixture.CheckPageAsync(reviewer, "10-dashboard-reviewer");
        await reviewer.Context.CloseAsync();
    }

    private static async Task RecordStageAsync(IPage page, string caseUrl, string stage, DateOnly on)
    {
        await page.GotoAsync(caseUrl);
        await page.GetByRole(AriaRole.Link, new() { Name = "Record a stage change" }).ClickAsync();
        await page.GetByLabel("New stage").SelectOptionAsync(stage);
        await page.GetByLabel("Effective date").FillAsync(Iso(on));
        await page.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
        await Expect(page.Locator(".flash")).ToBeVisibleAsync();
    }

    private async Task<string> Reference(Guid caseId)
    {
        await using var scope = fixture.Database.Scope();
        return scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Cases.Where(c => c.Id == caseId).Select(c => c.Reference).Single();
    }

    private async Task<IPage> SignInWithTwoFactorAsync(AppUser user)
    {
        string key;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var stored = (await users.FindByIdAsync(user.Id.ToString()))!;
            await users.ResetAuthenticatorKeyAsync(stored);
            key = (await users.GetAuthenticatorKeyAsync(stored))!;
            await users.SetTwoFactorEnabledAsync(stored, true);
        }
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, user.Email!);
        await Expect(page).ToHaveURLAsync(new Regex("LoginWith2fa"));
        await BrowserFixture.CheckPageAsync(page, "00-two-factor");
        await page.GetByLabel("Authentication code", new() { Exact = false }).FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Locator("nav[aria-label=Main]")).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task Admin_ImportsTheTemplate_ExportsTheBacklog_FindsItAudited_AndDisablesAUser()
    {
        var admin = await fixture.SignedInAsync(fixture.Users.AdminA.Email!);
        await admin.GotoAsync("/Admin/Import");
        await BrowserFixture.CheckPageAsync(admin, "20-import");
        var template = await admin.RunAndWaitForDownloadAsync(() => admin.Locator("a[href*='format=csv'][lang=en]").ClickAsync());
        var templatePath = Path.Combine(Path.GetTempPath(), $"template-{Guid.NewGuid():N}.csv");
        await template.SaveAsAsync(templatePath);
        await admin.GetByLabel("CSV or XLSX file", new() { Exact = false }).SetInputFilesAsync(templatePath);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
        await Expect(admin.Locator("main")).ToContainTextAsync("What the import would do");
        await BrowserFixture.CheckPageAsync(admin, "21-import-checked");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Import now" }).ClickAsync();
        await Expect(admin.Locator("section.notice h2")).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });

        await admin.GotoAsync("/Reports?Query.Name=backlog");
        await BrowserFixture.CheckPageAsync(admin, "22-report-backlog");
        var csv = await admin.RunAndWaitForDownloadAsync(() => admin.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        var csvText = await File.ReadAllTextAsync((await csv.PathAsync())!);
        Assert.StartsWith("stage_code", csvText.TrimStart('\uFEFF'));
        Assert.Contains("COM_SUBMITTED", csvText);
        var xlsx = await admin.RunAndWaitForDownloadAsync(() => admin.GetByRole(AriaRole.Link, new() { Name = "Download XLSX" }).ClickAsync());
        using (var document = SpreadsheetDocument.Open((await xlsx.PathAsync())!, false))
        {
            Assert.Contains("COM_SUBMITTED", document.WorkbookPart!.SharedStringTablePart?.SharedStringTable.InnerText
                ?? document.WorkbookPart.WorksheetParts.First().Worksheet.InnerText);
        }

        await admin.GotoAsync($"/Admin/Audit?Filters.User={fixture.Users.AdminA.Id}");
        await Expect(admin.Locator("table.data")).ToContainTextAsync("export.finished");
        await BrowserFixture.CheckPageAsync(admin, "23-audit-log");

        var leaver = await TestUsers.UserAsync(fixture.Database, $"leaver{Guid.NewGuid():N}"[..14] + "@a.test", fixture.Users.OrganisationA.Id, Roles.Caseworker);
        var leaverPage = await fixture.SignedInAsync(leaver.Email!);
        await leaverPage.GotoAsync("/Cases");
        await Expect(leaverPage.Locator("nav[aria-label=Main]")).ToBeVisibleAsync();

        await admin.GotoAsync($"/Admin/Users/Edit?id={leaver.Id}");
        await BrowserFixture.CheckPageAsync(admin, "24-user-edit");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Disable user" }).ClickAsync();
        await Expect(admin.Locator("main")).ToContainTextAsync("Disabled");
        // Every request checks the session against the user record: no clock needs to move.
        await leaverPage.GotoAsync("/Cases");
        await Expect(leaverPage).ToHaveURLAsync(new Regex("/Account/Login"));
        await leaverPage.Context.CloseAsync();
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_MapsTheirOwnSheet_SavesTheMapping_Imports_ThenNextMonthsSheetGoesInWithoutRemapping()
    {
        var prefix = $"M{Guid.NewGuid():N}"[..7].ToUpperInvariant();
        var admin = await fixture.SignedInAsync(fixture.Users.AdminA.Email!);
        var firstMonth = Path.Combine(Path.GetTempPath(), $"our-sheet-{prefix}.csv");
        await File.WriteAllBytesAsync(firstMonth, MessySheet.Csv(prefix, new System.Text.UTF8Encoding(true)));
        await admin.GotoAsync("/Admin/Import");
        await admin.GetByLabel("CSV or XLSX file", new() { Exact = false }).SetInputFilesAsync(firstMonth);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();

        await Expect(admin.Locator("main")).ToContainTextAsync("Map your columns");
        await Expect(admin.GetByLabel("Case Ref", new() { Exact = true })).ToHaveValueAsync("case_ref");
        await Expect(admin.GetByLabel("تخلص", new() { Exact = true })).ToHaveValueAsync("family_name");
        await Expect(admin.GetByLabel("Child 1 DOB", new() { Exact = true })).ToHaveValueAsync("child1.date_of_birth");
        await Expect(admin.GetByLabel("Waiting for COM", new() { Exact = true })).ToHaveValueAsync("COM_SUBMITTED");
        await Expect(admin.Locator("main")).ToContainTextAsync("day and month could be either way round");
        // Not checked until the admin says which way round Spouse DOB is written.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Check the file with this mapping" }).ClickAsync();
        await Expect(admin.Locator("[role=alert]")).ToContainTextAsync("Spouse DOB");
        await admin.GetByLabel("How Spouse DOB writes its dates").SelectOptionAsync("DayFirst");
        await admin.GetByLabel("Save this mapping as", new() { Exact = false }).FillAsync($"Our sheet {prefix}");
        await BrowserFixture.CheckPageAsync(admin, "25-import-mapping");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Check the file with this mapping" }).ClickAsync();
        await Expect(admin.Locator("main")).ToContainTextAsync("cases: 3 new, 0 updated, 0 unchanged");
        await Expect(admin.Locator("main")).ToContainTextAsync("Row 6 was left out");
        await BrowserFixture.CheckPageAsync(admin, "26-import-mapped-check");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Import now" }).ClickAsync();
        await Expect(admin.Locator("section.notice h2")).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });

        // Next month: the same columns, one case more. The saved mapping is used without asking.
        var nextMonth = Path.Combine(Path.GetTempPath(), $"our-sheet-{prefix}-next.csv");
        await File.WriteAllBytesAsync(nextMonth, MessySheet.Csv(prefix, new System.Text.UTF8Encoding(true),
            [.. MessySheet.Rows(prefix), $"{prefix}-004,Wahid,Noori,02/02/1985,M,,AF602B,Waiting for COM,01/03/2024,,,,,,,"]));
        await admin.GotoAsync("/Admin/Import");
        await admin.GetByLabel("CSV or XLSX file", new() { Exact = false }).SetInputFilesAsync(nextMonth);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
        await Expect(admin.Locator("main")).ToContainTextAsync($"Read with the saved mapping “Our sheet {prefix}”");
        await Expect(admin.Locator("main")).ToContainTextAsync("cases: 1 new, 0 updated, 3 unchanged");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Import now" }).ClickAsync();
        await Expect(admin.Locator("section.notice h2")).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task Caseworker_UploadsAPhotoAndAPdfToAChecklistItem_ViewsBoth_AndDownloadsTheZip()
    {
        var organisation = fixture.Users.OrganisationA.Id;
        var person = await TestData.PersonAsync(fixture.Database, organisation, "Rahim", "Safi");
        var @case = await TestData.CaseAsync(fixture.Database, organisation, person.Id, $"D{Guid.NewGuid():N}"[..9].ToUpperInvariant());
        await using (var scope = fixture.Database.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.DocumentItems.Add(new DocumentItem { OrganisationId = organisation, CaseId = @case.Id, Kind = DocumentKind.HrLetter });
            await db.SaveChangesAsync();
        }
        var folder = Directory.CreateTempSubdirectory("upload-").FullName;
        var photo = Path.Combine(folder, "badge photo.png");
        await File.WriteAllBytesAsync(photo, Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="));
        var letter = Path.Combine(folder, "hr letter.pdf");
        await File.WriteAllTextAsync(letter, "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
        var page = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await page.GotoAsync($"/Cases/Documents?id={@case.Id}");

        foreach (var file in new[] { photo, letter })
        {
            await page.GetByLabel("File for HR employment letter").SetInputFilesAsync(file);
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
            await FlashAsync(page, "HR employment letter: file stored.");
        }
        await Expect(page.Locator($"#status-{(await ItemIdAsync(@case.Id))} option:checked")).ToHaveTextAsync("Received");
        await BrowserFixture.CheckPageAsync(page, "27-case-documents");
        foreach (var (name, type) in new[] { ("badge photo.png", "image/png"), ("hr letter.pdf", "application/pdf") })
        {
            var view = page.Locator(".stored-file", new() { HasText = name }).GetByRole(AriaRole.Link, new() { Name = "view" });
            var shown = await page.Context.APIRequest.GetAsync((await view.GetAttributeAsync("href"))!);
            Assert.Equal((200, type), (shown.Status, shown.Headers["content-type"]));
            Assert.StartsWith("inline", shown.Headers["content-disposition"]);
            Assert.Contains("sandbox", shown.Headers["content-security-policy"]);
        }
        var zip = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download all 2 files (ZIP)" }).ClickAsync());
        using (var archive = System.IO.Compression.ZipFile.OpenRead((await zip.PathAsync())!))
        {
            Assert.Equal(["case - HR employment letter - badge photo.png", "case - HR employment letter - hr letter.pdf"], archive.Entries.Select(e => e.FullName).Order());
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Caseworker_DownloadsAnEvidencePacketAndAnInquiryLetter_ThenAnAdminTheBacklogBrief()
    {
        var organisation = fixture.Users.OrganisationA.Id;
        var person = await TestData.PersonAsync(fixture.Database, organisation, "Wahid", "Noori");
        var @case = await TestData.CaseAsync(fixture.Database, organisation, person.Id, $"E{Guid.NewGuid():N}"[..9].ToUpperInvariant());
        var page = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await page.GotoAsync($"/Cases/Details?id={@case.Id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Evidence and letters" }).ClickAsync();
        var packet = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download evidence packet (PDF)" }).ClickAsync());
        Assert.Equal($"{@case.Reference}-evidence-redacted.pdf", packet.SuggestedFilename);
        Assert.StartsWith("%PDF-", await File.ReadAllTextAsync((await packet.PathAsync())!));

        await page.GetByLabel("Letter", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Congressional inquiry cover letter" });
        var letter = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Generate letter" }).ClickAsync());
        Assert.EndsWith(".docx", letter.SuggestedFilename);
        using (var word = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open((await letter.PathAsync())!, false))
        {
            Assert.Contains("Wahid Noori", word.MainDocumentPart!.Document!.Body!.InnerText);
        }
        await page.ReloadAsync();
        await Expect(page.Locator("a[href^='/Cases/Files?id=']")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();

        var admin = await fixture.SignedInAsync(fixture.Users.AdminA.Email!);
        await admin.GotoAsync("/Reports");
        var brief = await admin.RunAndWaitForDownloadAsync(() => admin.GetByRole(AriaRole.Link, new() { Name = "Backlog brief (PDF)" }).ClickAsync());
        Assert.StartsWith("sivtracker-backlog-brief-", brief.SuggestedFilename);
        await admin.Context.CloseAsync();
    }

    private async Task<Guid> ItemIdAsync(Guid caseId)
    {
        await using var scope = fixture.Database.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().DocumentItems.Where(d => d.CaseId == caseId).Select(d => d.Id).SingleAsync();
    }

    [Fact]
    public async Task AnotherOrganisationsUser_PastingACaseUrl_GetsTheNotFoundPage()
    {
        var person = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationA.Id, "Isolated", "Person");
        var @case = await TestData.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, person.Id, $"ISO-{Guid.NewGuid():N}"[..10]);
        var page = await fixture.SignedInAsync(fixture.Users.CaseworkerB.Email!);

        var response = await page.GotoAsync($"/Cases/Details?id={@case.Id}");

        Assert.Equal(404, response!.Status);
        await Expect(page.Locator("h1")).ToContainTextAsync("not found", new() { IgnoreCase = true });
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Isolated");
        await BrowserFixture.CheckPageAsync(page, "30-not-found");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Staff_AddAPasskey_ThenSignInWithItAlone_OrAsTheSecondFactor()
    {
        var email = "passkey-holder@a.test";
        await TestUsers.UserAsync(fixture.Database, email, fixture.Users.OrganisationA.Id, Roles.Caseworker);
        var page = await fixture.SignedInAsync(email);
        // Chromium's virtual authenticator stands in for a phone or security key: a real WebAuthn ceremony, real keys.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true, ["hasUserVerification"] = true,
                ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });

        await page.GotoAsync("/Account/TwoFactor");
        await page.GetByLabel("Name for the new passkey").FillAsync("test laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        // Asked before the device makes a key, so a refused form leaves no orphan passkey on the device.
        await Expect(page.Locator("#PasskeyName-error")).ToContainTextAsync("Fill in current password first.");
        await page.Locator("#passkey-password").FillAsync(TestUsers.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await FlashAsync(page, "Passkey \"test laptop\" added.");
        await Expect(page.Locator(".codes li")).ToHaveCountAsync(10);
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Your passkeys" })).ToContainTextAsync("test laptop");
        await BrowserFixture.CheckPageAsync(page, "60-passkeys");

        // On its own: no email, no password.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/$"));

        // After the password, the passkey is the second factor: the password alone no longer signs in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await BrowserFixture.SignInAsync(page, email);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/LoginWith2fa"));
        await BrowserFixture.CheckPageAsync(page, "61-passkey-second-factor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use my passkey" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        await using (var scope = fixture.Database.Scope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().AuditEvents;
            Assert.Equal(1, audit.Count(e => e.Action == SivTracker.Web.Infrastructure.AuditActions.PasskeyAdded));
            Assert.Equal(2, audit.Count(e => e.Action == SivTracker.Web.Infrastructure.AuditActions.SignInSucceeded && e.Details == "passkey"));
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task NgoA_RefersAnInterpretersCase_AndNgoB_AcceptsItAsSomeoneItKnows()
    {
        var family = $"Referred{Guid.NewGuid():N}"[..14];
        await using (var scope = fixture.Database.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            await db.Organisations.Where(o => o.Id == fixture.Users.OrganisationB.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.ListedInDirectory, true).SetProperty(o => o.AcceptsReferrals, true));
        }
        var person = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationA.Id, "Wali", family, new DateOnly(1986, 6, 1));
        var known = await TestData.PersonAsync(fixture.Database, fixture.Users.OrganisationB.Id, "Wali", family, new DateOnly(1986, 6, 1));
        var @case = await TestData.CaseAsync(fixture.Database, fixture.Users.OrganisationA.Id, person.Id, $"REF-{Guid.NewGuid():N}"[..10]);
        var b = await TestData.OrganisationIdAsync(fixture.Database, "ngo-b");

        var a = await fixture.SignedInAsync(fixture.Users.CaseworkerA.Email!);
        await a.GotoAsync($"/Applicants/Details?id={person.Id}");
        await a.GetByRole(AriaRole.Link, new() { Name = "Consent", Exact = true }).ClickAsync();
        await a.GetByLabel("Organisation (for sharing with a named organisation)").SelectOptionAsync(b.ToString());
        await a.GetByLabel("Given on").FillAsync(Iso(Today));
        await BrowserFixture.CheckPageAsync(a, "80-consent");
        await a.GetByRole(AriaRole.Button, new() { Name = "Record consent" }).ClickAsync();
        await FlashAsync(a, "Consent recorded.");

        await a.GotoAsync($"/Cases/Details?id={@case.Id}");
        await a.GetByRole(AriaRole.Link, new() { Name = "Refer or transfer" }).ClickAsync();
        await a.GetByLabel("To", new() { Exact = true }).SelectOptionAsync(b.ToString());
        await a.GetByLabel("Message to the receiver").FillAsync("Interpreter with the 82nd; needs resettlement help in Virginia.");
        await BrowserFixture.CheckPageAsync(a, "81-refer");
        await a.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await FlashAsync(a, "Sent");

        var bPage = await fixture.SignedInAsync(fixture.Users.CaseworkerB.Email!);
        await bPage.GotoAsync("/Referrals");
        var incoming = bPage.Locator("article").Filter(new() { HasText = "needs resettlement help in Virginia" });
        await Expect(incoming).ToBeVisibleAsync();
        await Expect(incoming).Not.ToContainTextAsync(family);
        await BrowserFixture.CheckPageAsync(bPage, "82-referrals");
        await incoming.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        // Someone B already knows: offered as the match, chosen, and the case attaches to them.
        var offer = bPage.Locator($"input[name=attachTo][value='{known.Id}']");
        await Expect(offer).ToBeVisibleAsync();
        await offer.CheckAsync();
        await bPage.Locator("section.notice").GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await FlashAsync(bPage, "Accepted");
        await Expect(bPage.Locator("main")).ToContainTextAsync("Received from");
        await Expect(bPage.Locator("main")).ToContainTextAsync("needs resettlement help in Virginia");
        Assert.Contains(known.Id.ToString(), await bPage.Locator("main a[href*='/Applicants/Details']").First.GetAttributeAsync("href"));

        await a.GotoAsync($"/Cases/Details?id={@case.Id}");
        await Expect(a.Locator("main")).ToContainTextAsync("Referral accepted by");
        await a.Context.CloseAsync();
        await bPage.Context.CloseAsync();
    }
}
