using System.IO.Compression;
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
using SivTracker.Web.Pages.Admin;

namespace SivTracker.IntegrationTests.Imports;

public class ImportTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;

    /// <summary>The defaults: what an installation gets unless it sets Import__*.</summary>
    private static readonly ImportSettings Limits = new();

    /// <summary>What reading one hostile file may allocate, all of it counted, however short-lived.</summary>
    private const long MemoryBound = 50L * 1024 * 1024;

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
        var sheet = ImportFile.Read(bytes, "cases.csv", Limits);
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
            Assert.Contains(await db.ServiceRecords.Where(s => s.Role == ServiceRole.Interpreter).ToListAsync(), s => s.Employer == "2nd Battalion");
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
    [InlineData("A-1,principal,Hamid,,\u062D\u0627\u0645\u062F\u200B,1975,,,,AF602B,,,,,,", 2, "native_name", "(U+200B)")]
    [InlineData("A-1,principal,Hamid,Kar\u2067imi,,1975,,,,AF602B,,,,,,", 2, "family_name", "(U+2067)")]
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

        var sheet = ImportFile.Read(Encoding.GetEncoding(1256).GetBytes(Csv(Good)), "cases.csv", Limits);
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

        var sheet = ImportFile.Read(file.ToArray(), "cases.xlsx", Limits);

        Assert.Equal(["X-1", "principal", "Hamid", "45000", "AF602B", "2023-01-10", "2023-03-15"], sheet.Rows.Single());
    }

    [Fact]
    public async Task NotACsvOrXlsx_AndEmptyFiles_AreRefusedWithAMessage()
    {
        Assert.Throws<ImportFile.FileProblem>(() => ImportFile.Read([], "empty.csv", Limits));
        var binary = Assert.Throws<ImportFile.FileProblem>(() => ImportFile.Read([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xD8, 0xFF, 0x00, 0x91, 0x92], "photo.csv", Limits));
        Assert.Contains("CSV", binary.Message);
        Assert.Throws<ImportFile.FileProblem>(() => ImportFile.Read(Encoding.UTF8.GetBytes("not really a workbook"), "cases.xlsx", Limits));
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
        Assert.Equal(2, ImportFile.Read(await xlsxTemplate.Content.ReadAsByteArrayAsync(), "t.xlsx", Limits).Rows.Count);

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

    [Theory]
    [InlineData("fa-AF", "شماره پرونده")]
    [InlineData("ps-AF", "د دوسیې شمېره")]
    public async Task TheTemplateInDariOrPashto_HasItsHeadersInThatLanguage_AndImportsAsTheTemplate(string language, string caseRefHeader)
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var templateCsv = await (await admin.GetAsync($"/Admin/Import?handler=Template&format=csv&language={language}")).Content.ReadAsStringAsync();
        var headerLine = templateCsv.Split("\r\n").First(line => !line.StartsWith('#'));
        Assert.StartsWith(caseRefHeader + ",", headerLine.TrimStart('\uFEFF'));
        Assert.DoesNotContain("given_names", headerLine);
        Assert.Contains($"# {caseRefHeader}:", templateCsv);

        var token = await admin.AntiforgeryTokenAsync("/Admin/Import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token!), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(templateCsv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "template.csv" },
        };
        // Read as the template (no column mapping asked for), with the same result as the English one.
        var checkedPage = await (await admin.PostAsync("/Admin/Import?handler=Check", form)).Content.ReadAsStringAsync();
        Assert.True(checkedPage.Contains("cases: 1 new"), Html.Parse(checkedPage).QuerySelector("main")?.TextContent);
    }

    [Fact]
    public async Task HiddenCharacterInACell_IsARowProblem_ShownAsItsCodePoint_AndNothingIsWritten()
    {
        var outcome = await RunAsync(Csv("A-1,principal,Ha\u202Emid,,,1975,,,,AF602B,,,,,,"), commit: true);

        var problem = Assert.Single(outcome.Problems);
        Assert.Equal((2, "given_names", "Ha[U+202E]mid"), (problem.Row, problem.Column, problem.Value));
        Assert.Equal("Remove the invisible or direction-changing character (U+202E) from this cell.", problem.Message);
        Assert.Equal((0, 0, 0), await CountsAsync());
    }

    [Fact]
    public async Task DariNameWrittenWithTheZeroWidthNonJoiner_ImportsAsWritten()
    {
        const string nativeName = "\u0639\u0628\u062F\u200C\u0627\u0644\u0644\u0647";

        var outcome = await RunAsync(Csv($"A-1,principal,Abdullah,,{nativeName},1975,,,,AF602B,,,,,,"), commit: true);

        Assert.Empty(outcome.Problems);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = _users.OrganisationA.Id;
        Assert.Equal(nativeName, await db.Persons.Select(p => p.NativeName).SingleAsync());
    }

    [Fact]
    public void ZipBomb_IsRefusedFromTheSizesItDeclares_WithinTheMemoryBound()
    {
        // 64 MB of spaces in the sheet's XML pack to some 64 KB.
        var bomb = Workbook(rows =>
        {
            var spaces = Encoding.ASCII.GetBytes(new string(' ', 1024 * 1024));
            for (var i = 0; i < 64; i++) rows.Write(spaces);
        });
        Assert.True(bomb.Length < 256 * 1024, $"the bomb is {bomb.Length} bytes");

        var byRatio = Refused(bomb, Limits);
        var bySize = Refused(bomb, Limits with { MaxCompressionRatio = 10_000, MaxUncompressedBytes = 16L * 1024 * 1024 });

        Assert.Contains("Import__MaxCompressionRatio", byRatio);
        Assert.Contains("Import__MaxUncompressedBytes", bySize);
    }

    [Theory]
    [InlineData("ZZZZZZ1", "Import__MaxColumns")]
    [InlineData("A99999999", "Import__MaxRows")]
    public void TinyWorkbookWithACellFarOut_IsRefusedBeforeTheRowIsPaddedOutToIt(string reference, string setting)
    {
        var workbook = Workbook(rows => rows.Write(Encoding.UTF8.GetBytes($"""<row><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>""")));
        Assert.True(workbook.Length < 4096, $"the workbook is {workbook.Length} bytes");

        var message = Refused(workbook, Limits);

        Assert.Contains(reference, message);
        Assert.Contains(setting, message);
    }

    [Fact]
    public void WorkbookOfTheSameMake_WithSharedStringsAndGaps_IsRead()
    {
        const string rows = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>
            <row r="2"/>
            <row r="3"><c r="A3" t="inlineStr"><is><t>A-1</t></is></c><c r="C3" t="s"><v>2</v></c></row>
            """;
        const string strings = """
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
            <si><t>case_ref</t></si><si><t>given_names</t></si><si><r><t>Ha</t></r><r><t>mid</t></r><rPh sb="0" eb="2"><t>x</t></rPh></si>
            </sst>
            """;

        var sheet = ImportFile.Read(Workbook(sheetRows => sheetRows.Write(Encoding.UTF8.GetBytes(rows)), strings), "cases.xlsx", Limits);

        Assert.Equal(["case_ref", "", "given_names"], sheet.Headers.ToArray());
        Assert.Equal(["A-1", "", "Hamid"], sheet.Rows.Single());
    }

    [Theory]
    [InlineData(3, 200, 2_000_000, "Import__MaxRows")]
    [InlineData(200_000, 5, 2_000_000, "Import__MaxColumns")]
    [InlineData(200_000, 200, 20, "Import__MaxCells")]
    public void CsvBeyondALimit_IsRefusedNamingItsSetting(int maxRows, int maxColumns, int maxCells, string setting)
    {
        var limits = Limits with { MaxRows = maxRows, MaxColumns = maxColumns, MaxCells = maxCells };

        var refused = Assert.Throws<ImportFile.FileProblem>(() => ImportFile.Read(Encoding.UTF8.GetBytes(FiveBySix()), "cases.csv", limits));

        Assert.Contains(setting, refused.Message);
    }

    [Fact]
    public void CsvExactlyAtItsLimits_IsRead()
    {
        var sheet = ImportFile.Read(Encoding.UTF8.GetBytes(FiveBySix()), "cases.csv", Limits with { MaxRows = 4, MaxColumns = 6, MaxCells = 30 });

        Assert.Equal(4, sheet.Rows.Count);
    }

    /// <summary>A header and four rows of six cells: thirty cells.</summary>
    private static string FiveBySix() =>
        string.Join("\n", Enumerable.Range(0, 5).Select(row => string.Join(",", Enumerable.Range(0, 6).Select(column => $"r{row}c{column}")))) + "\n";

    [Fact]
    public async Task UploadOverTheLimit_IsTurnedAwayWithTheMessage_BeforeItsBodyIsRead()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var limits = Fixture.Factory.Services.GetRequiredService<ImportSettings>();
        var token = await admin.AntiforgeryTokenAsync("/Admin/Import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token!), "__RequestVerificationToken" },
            { new ByteArrayContent(new byte[limits.MaxBytes + 128 * 1024]) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "big.csv" },
        };

        var response = await admin.PostAsync("/Admin/Import?handler=Check", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await admin.GetHtmlAsync(response.Headers.Location!.ToString());
        Assert.Equal(ImportFile.TooLarge(limits), Html.FieldError(page, "file"));
    }

    [Fact]
    public void UploadFormLimits_RefuseAFileBeforeItWouldSpillFromMemoryToDisk()
    {
        var options = UploadInMemoryAttribute.FormOptionsFor(Limits);

        // A file section moves to a temporary file past the memory threshold; the length limit refuses it first.
        Assert.True(options.MemoryBufferThreshold >= options.MultipartBodyLengthLimit);
        Assert.True(options.MultipartBodyLengthLimit >= Limits.MaxBytes);
    }

    /// <summary>Reads a hostile file expecting a refusal, and checks everything reading it allocated, however short-lived.</summary>
    private static string Refused(byte[] file, ImportSettings limits)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var refused = Assert.Throws<ImportFile.FileProblem>(() => ImportFile.Read(file, "cases.xlsx", limits));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < MemoryBound, $"reading it allocated {allocated / 1024 / 1024} MB");
        return refused.Message;
    }

    /// <summary>The fewest parts a workbook opens with: its first sheet's rows written by <paramref name="writeRows"/>.</summary>
    private static byte[] Workbook(Action<Stream> writeRows, string? sharedStrings = null)
    {
        using var file = new MemoryStream();
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Part(string name, string xml)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(xml);
            }
            var sharedStringsType = sharedStrings is null ? "" :
                """<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>""";
            Part("[Content_Types].xml", $"""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                {sharedStringsType}
                </Types>
                """);
            Part("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
                </Relationships>
                """);
            Part("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                <sheets><sheet name="cases" sheetId="1" r:id="rId1"/></sheets>
                </workbook>
                """);
            var sharedStringsRelationship = sharedStrings is null ? "" :
                """<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""";
            Part("xl/_rels/workbook.xml.rels", $"""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
                {sharedStringsRelationship}
                </Relationships>
                """);
            if (sharedStrings is not null) Part("xl/sharedStrings.xml", sharedStrings);
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            sheet.Write("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"""u8);
            writeRows(sheet);
            sheet.Write("</sheetData></worksheet>"u8);
        }
        return file.ToArray();
    }
}
