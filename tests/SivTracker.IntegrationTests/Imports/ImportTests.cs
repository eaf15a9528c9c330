using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Imports;

namespace SivTracker.IntegrationTests.Imports;

public class ImportTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;

    private const string Header = "case_ref,relationship,given_names,family_name,native_name,date_of_birth,tazkira,passport_number,phone,program,caseworker_email,employer,role,service_start,COM_SUBMITTED,COM_REVIEW";

    private static readonly string[] Good =
    [
        "A-100,principal,Mohammad,Karimi,محمد کریمی,1988,1234567,P7654321,+93 70 123 4567,AF602B,caseworker@a.test,2nd Battalion,Interpreter,2009-01-01,2023-01-10,2023-02-01",
        "A-100,spouse,Maryam,Karimi,مریم,1992-04-12,,,,,,,,,,",
        "A-100,child,Ahmad,,,2010-06-01,,,,,,,,,,",
        "A-200,principal,Hamid,,,1975,,,,S1059,,,,,,",
    ];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    private async Task<SpreadsheetImport.Outcome> RunAsync(string csv, bool commit, Encoding? encoding = null)
    {
        var bytes = (encoding ?? new UTF8Encoding(false)).GetPreamble().Concat((encoding ?? Encoding.UTF8).GetBytes(csv)).ToArray();
        var sheet = ImportFile.Read(bytes, "cases.csv");
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = _users.OrganisationA.Id;
        return await scope.ServiceProvider.GetRequiredService<SpreadsheetImport>().RunAsync(sheet, _users.OrganisationA.Id, _users.AdminA.Id, commit, CancellationToken.None);
    }

    private static string Csv(params string[] rows) => string.Join("\n", new[] { Header }.Concat(rows)) + "\n";

    private async Task<(int Cases, int People, int Events)> CountsAsync()
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        return (await db.Cases.CountAsync(), await db.Persons.CountAsync(), await db.StageEvents.CountAsync());
    }

    [Fact]
    public async Task GoodFile_DryRunWritesNothing_CommitImportsFamiliesWithHistories_AndReimportChangesNothing()
    {
        var dry = await RunAsync(Csv(Good), commit: false);
        Assert.Empty(dry.Problems);
        Assert.Equal((2, 0, 0, 4), (dry.Summary.CasesCreated, dry.Summary.CasesUpdated, dry.Summary.CasesUnchanged, dry.Summary.PeopleCreated));
        Assert.Equal((0, 0, 0), await CountsAsync());

        var committed = await RunAsync(Csv(Good), commit: true);
        Assert.True(committed.Committed);
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            var imported = await db.Cases.AsNoTracking().SingleAsync(c => c.Reference == "A-100");
            Assert.Equal((StepModel.DS157, "COM_REVIEW", ClockState.Running, _users.CaseworkerA.Id), (imported.StepModel, imported.CurrentStageCode, imported.ClockState, imported.CaseworkerId!.Value));
            Assert.Equal(new DateOnly(2023, 1, 10), imported.ClockStartedOn);
            var family = await db.Persons.AsNoTracking().Where(p => p.PrincipalId == imported.PrincipalId).Select(p => p.NativeName).ToListAsync();
            Assert.Contains("مریم", family);
            Assert.Equal(StepModel.S1059, (await db.Cases.AsNoTracking().SingleAsync(c => c.Reference == "A-200")).StepModel);
            Assert.True(await db.ServiceRecords.AnyAsync(s => s.Role == ServiceRole.Interpreter && s.Employer == "2nd Battalion"));
        }
        var counts = await CountsAsync();

        var again = await RunAsync(Csv(Good), commit: true);

        Assert.Equal((0, 0, 2, 0, 0, 4), (again.Summary.CasesCreated, again.Summary.CasesUpdated, again.Summary.CasesUnchanged, again.Summary.PeopleCreated, again.Summary.PeopleUpdated, again.Summary.PeopleUnchanged));
        Assert.Equal(counts, await CountsAsync());
    }

    [Fact]
    public async Task ImportThenExport_GivesBackTheSameCases()
    {
        await RunAsync(Csv(Good), commit: true);
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);

        var exported = await (await admin.GetAsync("/Reports/Export?Query.Name=cases&Format=Csv&Query.IncludeNames=true")).Content.ReadAsStringAsync();

        var lines = exported.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("A-100,AF602B,DS157,COM_REVIEW,2023-02-01,Running,2023-01-10,", lines[1]);
        Assert.EndsWith(",2,Mohammad Karimi", lines[1]);
        Assert.StartsWith("A-200,S1059,S1059,I360_PREP,", lines[2]);
        Assert.EndsWith(",0,Hamid", lines[2]);
    }

    [Fact]
    public async Task ChangedStageDate_IsRecordedAsACorrection_WithTheOldEventVoided()
    {
        await RunAsync(Csv(Good), commit: true);
        var changed = Good.Select(r => r.Replace(",2023-02-01", ",2023-03-01")).ToArray();

        var outcome = await RunAsync(Csv(changed), commit: true);

        Assert.Equal(1, outcome.Summary.CasesUpdated);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var reviews = await db.StageEvents.AsNoTracking().Where(e => e.ToStageCode == "COM_REVIEW").ToListAsync();
        Assert.Equal(2, reviews.Count);
        var old = reviews.Single(e => e.VoidedAt != null);
        Assert.Equal(new DateOnly(2023, 2, 1), old.EffectiveOn);
        Assert.Contains("Import changed the date from", old.VoidReason);
        Assert.Equal(old.Id, reviews.Single(e => e.VoidedAt == null).CorrectsEventId);
        Assert.Equal(new DateOnly(2023, 3, 1), (await db.Cases.SingleAsync(c => c.Reference == "A-100")).CurrentStageEnteredOn);
        Assert.Equal(2, await db.AuditEvents.CountAsync(a => a.Action == "import.committed" && a.UserId == _users.AdminA.Id));
    }

    [Theory]
    [InlineData("A-1,principal,Hamid,,,1975,,,,AF602B,,,,,,\nA-1,principal,Karim,,,1980,,,,AF602B,,,,,,", 3, "relationship", "already has a principal")]
    [InlineData("A-1,child,Hamid,,,2010,,,,,,,,,,", 2, "relationship", "no principal row")]
    [InlineData("A-1,principal,Hamid,,,1975-13-01,,,,AF602B,,,,,,", 2, "date_of_birth", "YYYY-MM-DD")]
    [InlineData("A-1,principal,Hamid,,,1975,,,,AF602B,,,,,2023-02-30,", 2, "COM_SUBMITTED", "a real date")]
    [InlineData("A-1,principal,Hamid,,,1975,,,,AF602B,,,,,2023-05-01,2023-02-01", 2, "COM_SUBMITTED", "Moving back from COM_REVIEW to COM_SUBMITTED needs a reason")]
    [InlineData("A-1,principal,Hamid,,,1975,,,,AF999,,,,,,", 2, "program", "AF602B, S1059 or IQ1244")]
    [InlineData("A-1,principal,Hamid,,,1975,,,,AF602B,nobody@a.test,,,,,", 2, "caseworker_email", "No user of your organisation")]
    [InlineData("A-1,principal,Ha\u0001mid,,,1975,,,,AF602B,,,,,,", 2, "given_names", "control characters")]
    [InlineData("A-1,principal,Hamid,,,1975,,,0701234567,AF602B,,,,,,", 2, "phone", "country code")]
    [InlineData("A-1,principal,,,,1975,,,,AF602B,,,,,,", 2, "given_names", "required")]
    [InlineData("A-1,principal,Hamid,,,1975,,,,S1059,,,,,2023-01-01,", 2, "COM_SUBMITTED", "not a stage of the S1059 process")]
    public async Task BadRows_AreReportedByRowAndColumn_AndNothingIsWritten(string rows, int row, string column, string message)
    {
        var outcome = await RunAsync(Csv(rows.Split('\n')), commit: true);

        Assert.False(outcome.Committed);
        Assert.Contains(outcome.Problems, p => p.Row == row && p.Column == column && p.Message.Contains(message));
        Assert.Equal((0, 0, 0), await CountsAsync());
    }

    [Fact]
    public async Task OverlongValues_UnknownColumns_AndMissingRequiredColumns_AreRefused()
    {
        var overlong = await RunAsync(Csv($"A-1,principal,{new string('x', 201)},,,1975,,,,AF602B,,,,,,"), commit: true);
        var unknown = await RunAsync("case_ref,relationship,given_names,COM_FOO\nA-1,principal,Hamid,2023-01-01\n", commit: true);
        var missing = await RunAsync("case_ref,given_names\nA-1,Hamid\n", commit: true);

        Assert.Contains(overlong.Problems, p => p.Column == "given_names" && p.Message.Contains("200 characters"));
        Assert.Contains(unknown.Problems, p => p.Column == "com_foo" && p.Message.Contains("Unknown column"));
        Assert.Contains(missing.Problems, p => p.Column == "relationship" && p.Message.Contains("required column"));
        Assert.Equal((0, 0, 0), await CountsAsync());
    }

    [Fact]
    public async Task Utf16AndWindows1256Files_KeepTheirDariNames()
    {
        var utf16 = await RunAsync(Csv(Good), commit: false, Encoding.Unicode);
        Assert.Empty(utf16.Problems);
        Assert.Equal("Read as UTF-16.", utf16.Notice);

        var sheet = ImportFile.Read(Encoding.GetEncoding(1256).GetBytes(Csv(Good)), "cases.csv");
        Assert.Contains("Windows-1256", sheet.Notice);
        // Windows-1256 has no Persian yeh, so the Arabic yeh comes back: the letters differ in code, not in meaning.
        Assert.Contains(sheet.Rows, r => r.Any(cell => cell.StartsWith("محمد ")));
    }

    [Fact]
    public async Task XlsxCells_AreDatesWhenTheirFormatSaysSo_NotWhenTheNumberLooksLikeOne()
    {
        using var file = new MemoryStream();
        await using (var workbook = await SpreadCheetah.Spreadsheet.CreateNewAsync(file))
        {
            await workbook.StartWorksheetAsync("cases");
            var dayFirst = workbook.AddStyle(new SpreadCheetah.Styling.Style { Format = SpreadCheetah.Styling.NumberFormat.Custom("dd/mm/yyyy") });
            var bold = workbook.AddStyle(new SpreadCheetah.Styling.Style { Font = { Bold = true } });
            await workbook.AddRowAsync(new SpreadCheetah.DataCell[] { new("case_ref"), new("relationship"), new("given_names"), new("tazkira"), new("program"), new("pre_com"), new("com_submitted") });
            await workbook.AddRowAsync(new SpreadCheetah.Cell[]
            {
                new("X-1"), new("principal"), new("Hamid"), new(new SpreadCheetah.DataCell(45000), bold), new("AF602B"),
                new(new DateTime(2023, 1, 10), dayFirst), new(new DateTime(2023, 3, 15), dayFirst),
            });
            await workbook.FinishAsync();
        }

        var sheet = ImportFile.Read(file.ToArray(), "cases.xlsx");

        Assert.Equal(["X-1", "principal", "Hamid", "45000", "AF602B", "2023-01-10", "2023-03-15"], sheet.Rows.Single());
    }

    [Fact]
    public async Task NotACsvOrXlsx_AndEmptyFiles_AreRefusedWithAMessage()
    {
        Assert.Throws<ImportFile.FileProblem>(() => ImportFile.Read([], "empty.csv"));
        var binary = Assert.Throws<ImportFile.FileProblem>(() => ImportFile.Read([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xD8, 0xFF, 0x00, 0x91, 0x92], "photo.csv"));
        Assert.Contains("CSV", binary.Message);
        Assert.Throws<ImportFile.FileProblem>(() => ImportFile.Read(Encoding.UTF8.GetBytes("not really a workbook"), "cases.xlsx"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Admin_ChecksThenConfirmsInTheBrowser_AndTheImportRunsInTheBackground()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var template = await admin.GetAsync("/Admin/Import?handler=Template&format=csv");
        var templateCsv = await template.Content.ReadAsStringAsync();
        Assert.Contains("# case_ref:", templateCsv);
        var xlsxTemplate = await admin.GetAsync("/Admin/Import?handler=Template&format=xlsx");
        Assert.Equal(2, ImportFile.Read(await xlsxTemplate.Content.ReadAsByteArrayAsync(), "t.xlsx").Rows.Count);

        var token = await admin.AntiforgeryTokenAsync("/Admin/Import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token!), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(templateCsv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "template.csv" },
        };
        var checkedPage = await (await admin.PostAsync("/Admin/Import?handler=Check", form)).Content.ReadAsStringAsync();
        var checkedDocument = Html.Parse(checkedPage);
        Assert.True(checkedPage.Contains("cases: 1 new"), checkedDocument.QuerySelector("main")?.OuterHtml);
        Assert.Equal((0, 0, 0), await CountsAsync());
        var action = checkedDocument.QuerySelector("form[action*='handler=Confirm']")?.GetAttribute("action");
        Assert.NotNull(action);
        var id = Regex.Match(action, "id=([0-9a-f-]{36})").Groups[1].Value;

        var confirmed = await admin.PostFormAsync($"/Admin/Import?handler=Confirm&id={id}", [], tokenSource: "/Admin/Import");
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        await Fixture.Factory.Services.GetRequiredService<ImportJobs>().Finished(Guid.Parse(id)).WaitAsync(TimeSpan.FromMinutes(2));
        var status = await admin.GetHtmlAsync($"/Admin/Import?id={id}");

        Assert.Contains("Succeeded", status);
        Assert.Equal(1, (await CountsAsync()).Cases);
    }
}
