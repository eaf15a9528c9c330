using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Documents;

public class CaseFileTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private async Task<(TestUsers Users, Case Case, DocumentItem Item)> CaseWithAnItemAsync()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, users.OrganisationA.Id, "Hamid");
        var @case = await TestData.CaseAsync(Fixture, users.OrganisationA.Id, person.Id);
        var item = new DocumentItem { OrganisationId = users.OrganisationA.Id, CaseId = @case.Id, Kind = DocumentKind.HrLetter };
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.DocumentItems.Add(item);
        await db.SaveChangesAsync();
        return (users, @case, item);
    }

    private static async Task<HttpResponseMessage> UploadAsync(AppClient client, Guid caseId, Guid itemId, byte[] content, string fileName, bool withToken = true,
        Guid? replaces = null)
    {
        var token = await client.AntiforgeryTokenAsync($"/Cases/Documents?id={caseId}");
        using var form = new MultipartFormDataContent();
        if (withToken) form.Add(new StringContent(token!), "__RequestVerificationToken");
        if (replaces is not null) form.Add(new StringContent(replaces.Value.ToString()), "replaces");
        form.Add(new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "file", fileName);
        return await client.PostAsync($"/Cases/Files?id={caseId}&itemId={itemId}", form);
    }

    [Fact]
    public async Task Caseworker_UploadsAScan_TheItemIsReceived_AndItDownloadsAsSent_SandboxedAndNeverSniffed_ButNotForAnotherOrganisation()
    {
        var (users, @case, item) = await CaseWithAnItemAsync();
        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        var pdf = new byte[300_000];
        Random.Shared.NextBytes(pdf);
        "%PDF-1.7\n"u8.CopyTo(pdf);

        var uploaded = await UploadAsync(caseworker, @case.Id, item.Id, pdf, "C:\\scans\\hr letter.pdf");

        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var page = Html.Parse(await caseworker.GetHtmlAsync($"/Cases/Documents?id={@case.Id}"));
        var link = page.QuerySelectorAll("a").First(a => a.TextContent == "hr letter.pdf").GetAttribute("href")!;
        Assert.Equal("Received", page.QuerySelector($"#status-{item.Id} option[selected]")?.TextContent);

        var download = await caseworker.GetAsync(link);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", download.Headers.GetValues("Content-Security-Policy").Single());
        var view = await caseworker.GetAsync(link + "&view=true");
        Assert.Equal("inline", view.Content.Headers.ContentDisposition?.DispositionType);

        var png = new byte[5000];
        Random.Shared.NextBytes(png);
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        Assert.Equal(HttpStatusCode.Redirect, (await UploadAsync(caseworker, @case.Id, item.Id, png, "photo.jpg")).StatusCode);
        var zipLink = Html.LinkTarget(await caseworker.GetHtmlAsync($"/Cases/Documents?id={@case.Id}"), "Download all 2 files (ZIP)");
        var zipped = await caseworker.GetAsync(zipLink!);
        using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await zipped.Content.ReadAsByteArrayAsync())))
        {
            Assert.Equal(["case - HR employment letter - hr letter.pdf", "case - HR employment letter - photo.png"], zip.Entries.Select(e => e.FullName).Order());
            using var first = new MemoryStream();
            await zip.GetEntry("case - HR employment letter - hr letter.pdf")!.Open().CopyToAsync(first);
            Assert.Equal(pdf, first.ToArray());
        }

        using var otherOrganisation = new AppClient(Fixture.Factory);
        await otherOrganisation.SignInAsync(users.AdminB.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await otherOrganisation.GetAsync(link)).StatusCode);
        await using var scope = Fixture.Scope();
        var actions = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().AuditEvents
            .Where(a => a.UserId == users.CaseworkerA.Id).Select(a => a.Action).ToListAsync();
        Assert.Contains(AuditActions.CaseFileUploaded, actions);
        Assert.Contains(AuditActions.CaseFileDownloaded, actions);
        Assert.Contains(AuditActions.CaseFileViewed, actions);
    }

    private static byte[] Pdf(int size)
    {
        var pdf = new byte[size];
        Random.Shared.NextBytes(pdf);
        "%PDF-1.7\n"u8.CopyTo(pdf);
        return pdf;
    }

    private static Guid FileId(string link) => Guid.Parse(link[(link.IndexOf("id=", StringComparison.Ordinal) + 3)..][..36]);

    [Fact]
    public async Task ANewVersion_TakesTheFilesPlace_TheEarlierStaysInItsHistory_AndOnlyTheLatestGoesInTheZip()
    {
        var (users, @case, item) = await CaseWithAnItemAsync();
        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        var documents = $"/Cases/Documents?id={@case.Id}";
        var (first, second) = (Pdf(4000), Pdf(5000));
        await UploadAsync(caseworker, @case.Id, item.Id, first, "letter.pdf");
        var firstLink = Html.LinkTarget(await caseworker.GetHtmlAsync(documents), "letter.pdf")!;

        Assert.Equal(HttpStatusCode.Redirect, (await UploadAsync(caseworker, @case.Id, item.Id, second, "letter signed.pdf", replaces: FileId(firstLink))).StatusCode);

        var page = Html.Parse(await caseworker.GetHtmlAsync(documents));
        var current = page.QuerySelectorAll(".stored-file > a").Where(a => a.TextContent.EndsWith(".pdf", StringComparison.Ordinal)).Select(a => a.TextContent).ToList();
        Assert.Equal(["letter signed.pdf"], current);
        Assert.Equal("1 earlier version", page.QuerySelector(".versions summary")?.TextContent);
        Assert.Equal(firstLink, page.QuerySelector(".versions a")?.GetAttribute("href"));
        Assert.Equal(first, await (await caseworker.GetAsync(firstLink)).Content.ReadAsByteArrayAsync());
        var zipped = await caseworker.GetAsync(Html.LinkTarget(page.DocumentElement.OuterHtml, "Download all 1 files (ZIP)")!);
        using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await zipped.Content.ReadAsByteArrayAsync())))
        {
            using var only = new MemoryStream();
            await Assert.Single(zip.Entries).Open().CopyToAsync(only);
            Assert.Equal(second, only.ToArray());
        }
        // Replacing a version that is no longer the latest is refused: someone else replaced it first.
        var stale = await UploadAsync(caseworker, @case.Id, item.Id, Pdf(3000), "letter again.pdf", replaces: FileId(firstLink));
        Assert.Contains("replaced a moment ago", Html.FieldError(await caseworker.GetHtmlAsync(documents), $"file-{item.Id}"));

        // Deleting the new version brings back the one before it.
        var secondLink = Html.LinkTarget(page.DocumentElement.OuterHtml, "letter signed.pdf")!;
        await caseworker.PostFormAsync($"{documents}&handler=DeleteFile&fileId={FileId(secondLink)}", [], tokenSource: documents);
        page = Html.Parse(await caseworker.GetHtmlAsync(documents));
        Assert.Equal(firstLink, page.QuerySelector(".stored-file > a")?.GetAttribute("href"));
        Assert.Null(page.QuerySelector(".versions"));
    }

    [Fact]
    public async Task WithTheS3Store_AnUploadGoesToTheBucketSealed_DownloadsAsSent_AndTheCaseLimitRefusesWhatWouldPassIt()
    {
        var (users, @case, item) = await CaseWithAnItemAsync();
        var s3 = await S3Server.GetAsync();
        var settings = s3.AppSettings();
        settings["Documents:MaxCaseBytes"] = "400000";
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings)));
        using var caseworker = new AppClient(factory);
        await caseworker.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        var pdf = Pdf(300_000);

        Assert.Equal(HttpStatusCode.Redirect, (await UploadAsync(caseworker, @case.Id, item.Id, pdf, "hr letter.pdf")).StatusCode);

        var documents = $"/Cases/Documents?id={@case.Id}";
        var link = Html.LinkTarget(await caseworker.GetHtmlAsync(documents), "hr letter.pdf")!;
        Assert.Equal(pdf, await (await caseworker.GetAsync(link)).Content.ReadAsByteArrayAsync());
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(FileStore.S3, (await db.StoredFiles.SingleAsync(f => f.Id == FileId(link))).Store);
        Assert.Equal(0, await db.StoredFileChunks.CountAsync());
        var stored = Directory.GetFiles(Path.Combine(s3.Directory, s3.Settings.Bucket), "*._S3rver_object", SearchOption.AllDirectories)
            .Where(f => f.Contains(FileId(link).ToString("N"), StringComparison.Ordinal)).ToList();
        Assert.Equal(300_000 + 2 * 16, new FileInfo(Assert.Single(stored)).Length);

        await UploadAsync(caseworker, @case.Id, item.Id, Pdf(200_000), "second letter.pdf");

        Assert.Contains("Documents__MaxCaseBytes", Html.FieldError(await caseworker.GetHtmlAsync(documents), $"file-{item.Id}"));
        Assert.Equal(1, await db.StoredFiles.CountAsync());
    }

    [Fact]
    public async Task RefusedFile_GetsItsMessageBesideTheField_AndNothingIsStored_AndAnUploadWithoutTheTokenIsTurnedAway()
    {
        var (users, @case, item) = await CaseWithAnItemAsync();
        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        var refused = await UploadAsync(caseworker, @case.Id, item.Id, Encoding.ASCII.GetBytes("MZ\u0090\u0000 this is a program"), "letter.pdf");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        var page = await caseworker.GetHtmlAsync($"/Cases/Documents?id={@case.Id}");
        Assert.Contains("not accepted", Html.FieldError(page, $"file-{item.Id}"));

        var withoutToken = await UploadAsync(caseworker, @case.Id, item.Id, Encoding.ASCII.GetBytes("%PDF-1.7\n"), "letter.pdf", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(0, await db.StoredFiles.CountAsync());
        Assert.Equal(DocumentStatus.Missing, (await db.DocumentItems.AsNoTracking().SingleAsync(d => d.Id == item.Id)).Status);
    }

    [Fact]
    public async Task DeletedFile_LeavesTheChecklist_OnlyAnAdminRestoresIt_AndAfter30DaysItsKeyIsDestroyed()
    {
        var (users, @case, item) = await CaseWithAnItemAsync();
        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        await UploadAsync(caseworker, @case.Id, item.Id, Encoding.ASCII.GetBytes("%PDF-1.7\nletter"), "letter.pdf");
        var documents = $"/Cases/Documents?id={@case.Id}";
        var link = Html.LinkTarget(await caseworker.GetHtmlAsync(documents), "letter.pdf")!;
        var fileId = Guid.Parse(link[(link.IndexOf("id=", StringComparison.Ordinal) + 3)..]);

        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync($"{documents}&handler=DeleteFile&fileId={fileId}", [], tokenSource: documents)).StatusCode);
        Assert.Null(Html.LinkTarget(await caseworker.GetHtmlAsync(documents), "letter.pdf"));
        Assert.Equal(HttpStatusCode.NotFound, (await caseworker.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.PostFormAsync($"{documents}&handler=RestoreFile&fileId={fileId}", [], tokenSource: documents)).StatusCode);

        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        Assert.Contains("Deleted files", await admin.GetHtmlAsync(documents));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync($"{documents}&handler=RestoreFile&fileId={fileId}", [], tokenSource: documents)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await caseworker.GetAsync(link)).StatusCode);

        await caseworker.PostFormAsync($"{documents}&handler=DeleteFile&fileId={fileId}", [], tokenSource: documents);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = Fixture.Time.GetUtcNow();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<SealedFiles>().ShredDeletedAsync(now.AddDays(SealedFiles.RestoreDays - 1), CancellationToken.None));
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<SealedFiles>().ShredDeletedAsync(now.AddDays(SealedFiles.RestoreDays + 1), CancellationToken.None));
        var shredded = await db.StoredFiles.AsNoTracking().IgnoreQueryFilters().SingleAsync(f => f.Id == fileId);
        Assert.NotNull(shredded.ShreddedAt);
        Assert.Equal("shredded", shredded.DataKey);
        Assert.Equal(0, await db.StoredFileChunks.CountAsync(c => c.FileId == fileId));
        Assert.DoesNotContain("Deleted files", await admin.GetHtmlAsync(documents));
    }

    [Fact]
    public async Task ATazkiraScanOnThePerson_IsListedForCaseworkers_NotForReviewers_AndGoesInTheCasesZip()
    {
        var (users, @case, _) = await CaseWithAnItemAsync();
        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        var personPage = $"/Applicants/Details?id={@case.PrincipalId}";
        var token = await caseworker.AntiforgeryTokenAsync(personPage);
        var scan = new byte[4000];
        Random.Shared.NextBytes(scan);
        new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }.CopyTo(scan, 0);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token!), "__RequestVerificationToken" },
            { new StringContent("Tazkira"), "kind" },
            { new ByteArrayContent(scan), "file", "tazkira front.jpg" },
        };

        var uploaded = await caseworker.PostAsync($"/Cases/Files?handler=Person&personId={@case.PrincipalId}", form);

        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var page = await caseworker.GetHtmlAsync(personPage);
        var link = Html.LinkTarget(page, "tazkira front.jpg");
        Assert.NotNull(link);
        Assert.Contains("Tazkira:", Html.Text(page));
        Assert.Equal(scan, await (await caseworker.GetAsync(link)).Content.ReadAsByteArrayAsync());
        var zipped = await caseworker.GetAsync($"/Cases/Files?handler=Zip&id={@case.Id}");
        using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await zipped.Content.ReadAsByteArrayAsync())))
        {
            Assert.Equal("Hamid - Tazkira - tazkira front.jpg", Assert.Single(zip.Entries).FullName);
        }

        using var reviewer = new AppClient(Fixture.Factory);
        await reviewer.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);
        var reviewersView = await reviewer.GetHtmlAsync(personPage);
        Assert.DoesNotContain("tazkira front.jpg", reviewersView);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync(link)).StatusCode);

        // Deleted, it leaves the page and the ZIP; an admin restores it.
        var fileId = FileId(link!);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostFormAsync($"{personPage}&handler=DeleteFile&fileId={fileId}", [], tokenSource: personPage)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync($"{personPage}&handler=DeleteFile&fileId={fileId}", [], tokenSource: personPage)).StatusCode);
        Assert.Null(Html.LinkTarget(await caseworker.GetHtmlAsync(personPage), "tazkira front.jpg"));
        Assert.Equal(HttpStatusCode.NotFound, (await caseworker.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.PostFormAsync($"{personPage}&handler=RestoreFile&fileId={fileId}", [], tokenSource: personPage)).StatusCode);
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        Assert.Contains("Deleted scans and photos", await admin.GetHtmlAsync(personPage));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync($"{personPage}&handler=RestoreFile&fileId={fileId}", [], tokenSource: personPage)).StatusCode);
        Assert.Equal(scan, await (await caseworker.GetAsync(link)).Content.ReadAsByteArrayAsync());
    }
}
