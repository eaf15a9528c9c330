using System.Net;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Demo;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Exports;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Reports;

/// <summary>Every report on a hand-built data set whose figures are worked out below, in every format.</summary>
public class ReportTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso);

    private TestUsers _users = null!;
    private Case _c1 = null!, _c2 = null!, _c3 = null!, _c4 = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
        var a = _users.OrganisationA.Id;
        var today = D("2026-11-26");
        _c1 = await CaseBuilder.CaseAsync(Fixture, a, today, ("PRE_COM", "2026-01-01"), ("COM_SUBMITTED", "2026-01-11"), ("COM_REVIEW", "2026-02-10"));
        _c2 = await CaseBuilder.CaseAsync(Fixture, a, today, ("PRE_COM", "2025-01-01"), ("COM_SUBMITTED", "2025-01-21"), ("COM_REVIEW", "2025-03-02"), ("COM_RFI", "2025-04-01"), ("COM_APPROVED", "2025-05-01"));
        _c3 = await CaseBuilder.CaseAsync(Fixture, a, today, SivProgram.S1059, false, ("I360_PREP", "2025-06-01"), ("I360_PENDING", "2025-07-01"), ("VISA_ISSUED", "2025-09-30"));
        // Closed, then reopened: the closed months count for nobody.
        _c4 = await CaseBuilder.CaseAsync(Fixture, a, today, ("PRE_COM", "2024-01-01"), ("COM_SUBMITTED", "2024-01-11"), ("CLOSED", "2024-06-01"), ("COM_REVIEW", "2024-09-01"));
        // Another organisation's case never shows.
        await CaseBuilder.CaseAsync(Fixture, _users.OrganisationB.Id, today, ("COM_SUBMITTED", "2020-01-01"));
        var formulaName = await TestUsers.UserAsync(Fixture, "formula@a.test", a, Roles.Caseworker);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        await db.Users.Where(u => u.Id == formulaName.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, "=HYPERLINK(\"http://x\")"));
        await db.Cases.Where(c => c.Id == _c1.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CaseworkerId, formulaName.Id));
        // The RFI of case 2 was recorded by mistake and voided: it counts nowhere.
        await db.StageEvents.Where(e => e.CaseId == _c2.Id && e.ToStageCode == "COM_RFI").ExecuteUpdateAsync(s => s.SetProperty(e => e.VoidedAt, DateTimeOffset.UtcNow).SetProperty(e => e.VoidReason, "typo"));
        foreach (var (principal, count) in new[] { (_c1.PrincipalId, 2), (_c3.PrincipalId, 3), (_c4.PrincipalId, 1) })
        {
            for (var i = 0; i < count; i++)
            {
                db.Persons.Add(new Person { OrganisationId = a, GivenNames = $"Member{i}", Relationship = i == 0 ? Relationship.Spouse : Relationship.Child, PrincipalId = principal });
            }
        }
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<ClockRecompute>().RecomputeAllAsync();
        await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(today);
    }

    private async Task<List<string[]>> CsvAsync(AppClient client, string name, string extra = "")
    {
        var response = await client.GetAsync($"/Reports/Export?Query.Name={name}&Format=Csv{extra}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.StartsWith("attachment", response.Content.Headers.ContentDisposition!.ToString());
        return ParseCsv(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Backlog_CountsOpenCasesPeopleAndCompletedVisits_WithoutVoidedEvents()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);

        var rows = (await CsvAsync(admin, "backlog")).Skip(1).ToDictionary(r => r[0]);

        Assert.Equal(["COM_REVIEW", "Chief of Mission review", "2", "2", "3", "1", "60.0", "60.0"], rows["COM_REVIEW"]);
        Assert.Equal(["3", "70.7", "40.0"], rows["COM_SUBMITTED"][5..]);
        Assert.Equal(["3", "13.3", "10.0"], rows["PRE_COM"][5..]);
        Assert.Equal(["1", "1", "0", "0", "", ""], rows["COM_APPROVED"][2..]);
        Assert.Equal(["0", "0", "0", "0", "", ""], rows["COM_RFI"][2..]);
        Assert.Equal(["0", "0", "0", "1", "92.0", "92.0"], rows["CLOSED"][2..]);
        Assert.Equal(["1", "1", "3", "0", "", ""], rows["VISA_ISSUED"][2..]);
        Assert.Equal(["1", "91.0", "91.0"], rows["I360_PENDING"][5..]);
        Assert.Equal(StageCatalog.Defaults().Select(s => s.Code), rows.Keys);
    }

    [Fact]
    public async Task AgingOverdueThroughputAndCases_HoldTheWorkedOutFigures()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);

        var aging = (await CsvAsync(admin, "aging")).Skip(1).Where(r => r[0] == "AF602B").ToDictionary(r => r[1], r => r[2]);
        Assert.Equal(new Dictionary<string, string> { ["0-90"] = "0", ["91-180"] = "0", ["181-270"] = "0", ["271-365"] = "1", ["1-2 years"] = "1", ["over 2 years"] = "1" }, aging);

        var overdue = (await CsvAsync(admin, "overdue")).Skip(1).ToList();
        Assert.Equal([_c4.Reference, _c2.Reference, _c1.Reference], overdue.Select(r => r[0]));
        // Past the limit since the day the clock passed it (684 days ago, counting today); flagged on the day the sweep saw it.
        Assert.Equal(["958", "274", "684", "2025-01-12", "2026-11-26"], overdue[0][4..9]);
        Assert.Equal(["674", "273", "401"], overdue[1][4..7]);
        Assert.Equal(["319", "273", "46"], overdue[2][4..7]);
        Assert.Equal("'=HYPERLINK(\"http://x\")", overdue[2][9]);

        var throughput = (await CsvAsync(admin, "throughput")).Skip(1).Select(r => string.Join(' ', r)).ToList();
        Assert.Equal([
            "2024-01 COM_SUBMITTED 1 0 0", "2024-06 CLOSED 1 0 0", "2024-09 COM_REVIEW 1 0 0", "2025-01 COM_SUBMITTED 1 0 0",
            "2025-03 COM_REVIEW 1 0 0", "2025-05 COM_APPROVED 1 0 0", "2025-07 I360_PENDING 1 0 0", "2025-09 VISA_ISSUED 1 1 3",
            "2026-01 COM_SUBMITTED 1 0 0", "2026-02 COM_REVIEW 1 0 0"], throughput);

        var cases = (await CsvAsync(admin, "cases")).ToList();
        Assert.DoesNotContain("principal_name", cases[0]);
        var c1 = cases.Single(r => r[0] == _c1.Reference);
        Assert.Equal(["AF602B", "DS157", "COM_REVIEW", "2026-02-10", "Running", "2026-01-11", "319", "0", "273", "46", "no"], c1[1..12]);
        Assert.Equal("2", c1[13]);
        var withNames = await CsvAsync(admin, "cases", "&Query.IncludeNames=true");
        Assert.Equal("principal_name", withNames[0][^1]);

        var filtered = (await CsvAsync(admin, "cases", "&Query.Program=S1059")).Skip(1).ToList();
        Assert.Equal([_c3.Reference], filtered.Select(r => r[0]));
    }

    [Fact]
    public async Task PageCsvXlsxAndCli_ShowTheSameRows()
    {
        // Two exports of every report from one admin: more than the per-user limit a minute allows, which another test checks.
        await using var factory = Fixture.Factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration((_, config) =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { ["RateLimits:ExportsPerMinute"] = "1000" })));
        using var admin = new AppClient(factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);

        foreach (var report in Report.All)
        {
            var csv = await CsvAsync(admin, report.Name);
            var xlsxResponse = await admin.GetAsync($"/Reports/Export?Query.Name={report.Name}&Format=Xlsx");
            var xlsx = ReadXlsx(await xlsxResponse.Content.ReadAsByteArrayAsync());
            var page = await admin.GetHtmlAsync($"/Reports?Query.Name={report.Name}");
            var pageRows = Html.Parse(page).QuerySelectorAll("table.report tr")
                .Select(row => row.QuerySelectorAll("th, td").Select(cell => cell.TextContent).ToArray()).ToList();
            var path = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.csv");
            var exit = await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services,
                ["export", report.Name, "--format", "csv", "--out", path, "--org", "ngo-a"], new StringReader(""), new StringWriter(), new StringWriter());
            var cli = ParseCsv(await File.ReadAllTextAsync(path));
            File.Delete(path);

            Assert.Equal(0, exit);
            // The same rows in both files; the XLSX holds typed cells, and only the CSV guards text against formulas.
            Assert.Equal(csv.Count, xlsx.Count);
            foreach (var (csvRow, xlsxRow) in csv.Zip(xlsx))
            {
                Assert.Equal(csvRow.Length, xlsxRow.Length);
                foreach (var (csvCell, xlsxCell) in csvRow.Zip(xlsxRow))
                {
                    Assert.True(csvCell == SivTracker.Web.Exports.ReportWriters.Escape(xlsxCell)
                        || double.TryParse(csvCell, System.Globalization.CultureInfo.InvariantCulture, out var a) && double.TryParse(xlsxCell, System.Globalization.CultureInfo.InvariantCulture, out var b) && Math.Abs(a - b) < 1e-9,
                        $"{report.Name}: CSV '{csvCell}', XLSX '{xlsxCell}'");
                }
            }
            Assert.Equal(csv, cli);
            // A report with no rows (no referrals here) is a header in the files and a sentence on the page.
            if (csv.Count == 1) Assert.Contains("No rows for these filters.", Html.Text(page));
            else Assert.Equal(csv, pageRows);
        }
    }

    [Fact]
    public async Task Reviewers_GetAggregateReports_ButNotCaseLevelOnes()
    {
        using var reviewer = new AppClient(Fixture.Factory);
        await reviewer.SignInAsync(_users.ReviewerA.Email!, TestUsers.Password);

        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync("/Reports/Export?Query.Name=backlog&Format=Csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/Reports/Export?Query.Name=cases&Format=Csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/Reports/Export?Query.Name=overdue&Format=Xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/Reports/Export?Query.Name=backlog&Format=Csv&Query.IncludeNames=true")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/Reports?Query.Name=cases")).StatusCode);
    }

    [Fact]
    public async Task EveryExport_IsRecordedWhenItStartsAndWhenItFinishes_WithTheFiltersAndRowCount_AndNoData()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);

        await CsvAsync(admin, "cases", "&Query.Program=AF602B&Query.IncludeNames=true");

        var rows = await ExportRowsAsync(_users.AdminA.Id);
        var started = Assert.Single(rows, a => a.Action == AuditActions.ExportStarted);
        var finished = Assert.Single(rows, a => a.Action == AuditActions.ExportFinished);
        Assert.DoesNotContain(rows, a => a.Action == AuditActions.ExportAborted);
        Assert.Equal((_users.AdminA.Id, "report", "cases", _users.OrganisationA.Id), (started.UserId!.Value, started.EntityType!, started.EntityId!, started.OrganisationId!.Value));
        Assert.Matches("^export=[0-9a-f-]{36}; format=csv; filters: program=AF602B, include_names$", started.Details!);
        Assert.Equal((started.EntityId, started.OrganisationId, $"{started.Details}; rows=3"), (finished.EntityId, finished.OrganisationId, finished.Details));
    }

    [Fact]
    public async Task AnExportThatFailsPartWay_IsRecordedAsAborted_WithTheRowsSentBeforeIt()
    {
        await using (var scope = Fixture.Scope())
        {
            var exporter = scope.ServiceProvider.GetRequiredService<ReportExporter>();
            // The CSV writer hands its buffer to the stream at the end: every row is written before the failure.
            await Assert.ThrowsAsync<IOException>(() => exporter.ExportAsync(Report.Find("cases")!, new ReportFilter { Program = SivProgram.AF602B },
                _users.OrganisationA.Id, ExportFormat.Csv, new FailingStream(), _users.AdminA.Id, CancellationToken.None));
        }

        var rows = await ExportRowsAsync(_users.AdminA.Id);
        var started = Assert.Single(rows, a => a.Action == AuditActions.ExportStarted);
        var aborted = Assert.Single(rows, a => a.Action == AuditActions.ExportAborted);
        Assert.DoesNotContain(rows, a => a.Action == AuditActions.ExportFinished);
        Assert.Equal($"{started.Details}; rows=3; IOException", aborted.Details);
    }

    private async Task<List<AuditEvent>> ExportRowsAsync(Guid userId)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking()
            .Where(a => a.UserId == userId && a.EntityType == "report").ToListAsync();
    }

    /// <summary>A response or file that breaks on the first write: a dropped connection, a full disk.</summary>
    private sealed class FailingStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("The stream broke.");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("The stream broke.");

        public override void WriteByte(byte value) => throw new IOException("The stream broke.");

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromException(new IOException("The stream broke."));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("The stream broke."));
    }

    [Fact]
    public async Task Exports_AreRateLimitedPerUser()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add((await admin.GetAsync("/Reports/Export?Query.Name=aging&Format=Csv")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        using var reviewer = new AppClient(Fixture.Factory);
        await reviewer.SignInAsync(_users.ReviewerA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync("/Reports/Export?Query.Name=aging&Format=Csv")).StatusCode);
    }

    [Fact]
    public async Task LargeExport_StreamsRowsAsTheyAreRead()
    {
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 3000);
        }
        var organisation = await TestData.OrganisationIdAsync(Fixture, "ngo-a");
        foreach (var format in new[] { ExportFormat.Csv, ExportFormat.Xlsx })
        {
            var output = new WriteCountingStream();
            await using var scope = Fixture.Scope();
            var rows = await scope.ServiceProvider.GetRequiredService<ReportExporter>()
                .ExportAsync(Report.Find("cases")!, new ReportFilter(), organisation, format, output, null, CancellationToken.None);

            Assert.Equal(2004, rows); // the four hand-built cases and two thirds of the generated ones
            // Many small writes, each far smaller than the whole file: rows left as they came, not in one final buffer.
            Assert.True(output.Writes > 10, $"{format}: {output.Writes} writes");
            Assert.True(output.LargestWrite < output.Length / 4, $"{format}: largest write {output.LargestWrite} of {output.Length}");
        }
    }

    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        text = text.TrimStart('\uFEFF');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { fields.Add(field.ToString()); field.Clear(); rows.Add(fields.ToArray()); fields.Clear(); }
            else field.Append(c);
        }
        return rows;
    }

    /// <summary>Each cell as text: strings as written, numbers as numbers, and a styled number (the only style is the date format) as its date.</summary>
    private static List<string[]> ReadXlsx(byte[] bytes)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        return sheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c =>
            c.InlineString?.InnerText ?? (c.StyleIndex?.Value > 0 && double.TryParse(c.CellValue?.Text, System.Globalization.CultureInfo.InvariantCulture, out var serial)
                ? DateOnly.FromDateTime(DateTime.FromOADate(serial)).ToString("yyyy-MM-dd")
                : c.CellValue?.Text ?? "")).ToArray()).ToList();
    }

    [Fact]
    public async Task TheXlsxExport_WritesDatesAsDates_NumbersAsNumbers_AndTextAsTextNeverAFormula()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);

        var bytes = await (await admin.GetAsync("/Reports/Export?Query.Name=overdue&Format=Xlsx")).Content.ReadAsByteArrayAsync();

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var workbook = document.WorkbookPart!;
        var rows = workbook.WorksheetParts.Single().Worksheet.Descendants<Row>().ToList();
        var header = rows[0].Elements<Cell>().Select(c => c.InnerText).ToList();
        var first = rows[1].Elements<Cell>().ToList();
        var clockStart = first[header.IndexOf("clock_start")];
        var formats = workbook.WorkbookStylesPart!.Stylesheet.NumberingFormats!.Elements<NumberingFormat>().ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode!.Value);
        var style = workbook.WorkbookStylesPart.Stylesheet.CellFormats!.Elements<CellFormat>().ElementAt((int)clockStart.StyleIndex!.Value);
        Assert.Equal("yyyy-mm-dd", formats[style.NumberFormatId!.Value]);
        Assert.Null(first[header.IndexOf("days_over")].DataType);
        Assert.Equal("958", first[header.IndexOf("government_days")].CellValue!.Text);
        var formulaLike = rows.Skip(1).Select(r => r.Elements<Cell>().ElementAt(header.IndexOf("caseworker"))).Single(c => c.InnerText.StartsWith('='));
        Assert.Equal("=HYPERLINK(\"http://x\")", formulaLike.InnerText);
        Assert.Equal(CellValues.InlineString, formulaLike.DataType!.Value);
        Assert.Empty(rows.SelectMany(r => r.Descendants<CellFormula>()));
    }

    private sealed class WriteCountingStream : Stream
    {
        public int Writes { get; private set; }
        public int LargestWrite { get; private set; }
        private long _length;

        public override void Write(byte[] buffer, int offset, int count) => Count(count);
        public override void Write(ReadOnlySpan<byte> buffer) => Count(buffer.Length);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) { Count(count); return Task.CompletedTask; }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) { Count(buffer.Length); return ValueTask.CompletedTask; }

        private void Count(int count)
        {
            if (count == 0) return;
            Writes++;
            LargestWrite = Math.Max(LargestWrite, count);
            _length += count;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
