using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Cli;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Imports;

namespace SivTracker.IntegrationTests.Imports;

public class ImportMappingTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private static readonly ImportSettings Limits = new();

    private TestUsers _users = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    private async Task<List<Stage>> CatalogAsync()
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Stages.AsNoTracking().ToListAsync();
    }

    private async Task<SpreadsheetImport.Outcome> RunAsync(byte[] file, ImportMapping mapping, bool commit)
    {
        var sheet = ImportFile.Read(file, "cases.csv", Limits);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = _users.OrganisationA.Id;
        return await scope.ServiceProvider.GetRequiredService<SpreadsheetImport>()
            .RunAsync(sheet, _users.OrganisationA.Id, _users.AdminA.Id, commit, CancellationToken.None, mapping);
    }

    private async Task<(int ExitCode, string Output, string Error)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(Fixture.Factory.Services, args, new StringReader(""), output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private async Task<string> WriteAsync(byte[] file)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sheet-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(path, file);
        return path;
    }

    [Fact]
    public void Proposals_ReadEnglishAndDariHeaders_FamilyColumnGroups_FreeTextValues_AndDayFirstDates()
    {
        var sheet = ImportFile.Read(MessySheet.Csv("K", new UTF8Encoding(true)), "sheet.csv", Limits);
        var catalog = new[]
        {
            new Stage { Code = "PRE_COM", Name = "Preparing COM", SortOrder = 1 },
            new Stage { Code = "COM_SUBMITTED", Name = "COM submitted", SortOrder = 2 },
            new Stage { Code = "COM_APPROVED", Name = "COM approved", SortOrder = 3 },
        };

        var fields = ImportMapping.ProposeFields(sheet, catalog);

        Assert.Equal(new Dictionary<string, string>
        {
            ["case ref"] = "case_ref", ["given names"] = "given_names", ["تخلص"] = "family_name", ["dob"] = "date_of_birth", ["gender"] = "sex",
            ["phone"] = "phone", ["program"] = "program", ["status"] = "current_stage", ["since"] = "stage_since",
            ["spouse name"] = "spouse.given_names", ["spouse dob"] = "spouse.date_of_birth", ["child 1 name"] = "child1.given_names",
            ["child 1 dob"] = "child1.date_of_birth", ["child 2 name"] = "child2.given_names", ["child 2 dob"] = "child2.date_of_birth",
        }, fields);
        Assert.Equal(("M", "M", "F"), (ImportMapping.ProposeValue("sex", "male", catalog), ImportMapping.ProposeValue("sex", "M", catalog), ImportMapping.ProposeValue("sex", "F", catalog)));
        Assert.Equal(("COM_SUBMITTED", "COM_APPROVED"), (ImportMapping.ProposeValue("current_stage", "Waiting for COM", catalog), ImportMapping.ProposeValue("current_stage", "COM approved", catalog)));
        Assert.Equal(("AF602B", "AF602B"), (ImportMapping.ProposeValue("program", "Afghan SIV", catalog), ImportMapping.ProposeValue("program", "602b", catalog)));
        Assert.Equal(("spouse", "child"), (ImportMapping.ProposeValue("relationship", "wife", catalog), ImportMapping.ProposeValue("relationship", "daughter", catalog)));
        Assert.Null(ImportMapping.ProposeValue("sex", "?", catalog));

        Assert.Equal([ImportMapping.DateFormat.DayFirst], ImportMapping.DetectDateFormat(["15/03/1988", "1975", "23/07/1990"]).Fits);
        var ambiguous = ImportMapping.DetectDateFormat(["02/05/1992"]);
        Assert.True(ambiguous.Ambiguous);
        Assert.Null(ambiguous.Chosen);
        Assert.Equal(ImportMapping.DateFormat.Iso, ImportMapping.DetectDateFormat(["2024-03-15", "2024-01-02"]).Chosen);
        Assert.Equal(ImportMapping.DateFormat.MonthFirst, ImportMapping.DetectDateFormat(["03/15/2024", "12/31/2023"]).Chosen);
        Assert.Equal(new DateOnly(2024, 3, 15), ImportMapping.ParseDate("15 Mar 2024", ImportMapping.DateFormat.DayMonthName));
        Assert.Equal(new DateOnly(2024, 3, 15), ImportMapping.ParseDate("45366", ImportMapping.DateFormat.ExcelSerial));
    }

    [Fact]
    public void SolarHijriDates_InAnyDigits_AreReadAsTheirGregorianDays_UnderAnSHHeader()
    {
        var sheet = new ImportFile.Sheet(["Name", "date_of_birth_sh"], [["Najibullah", "۱۳۷۰/۰۲/۲۲"], ["Hamid", "1369/11/03"], ["Zahra", "۱۳۷۲"]], null);

        Assert.Contains("date_of_birth", ImportMapping.ProposeFields(sheet, []).Values);
        Assert.Equal(ImportMapping.DateFormat.Iso, ImportMapping.DetectDateFormat(["۱۳۷۰/۰۲/۲۲", "1369/11/03", "۱۳۷۲"]).Chosen);
        Assert.Equal(new DateOnly(1991, 5, 12), ImportMapping.ParseDate("۱۳۷۰/۰۲/۲۲", ImportMapping.DateFormat.Iso));
        Assert.Equal(new DateOnly(1991, 5, 12), ImportMapping.ParseDate("٢٢/٠٢/١٣٧٠", ImportMapping.DateFormat.DayFirst));
        Assert.Null(ImportMapping.ParseDate("1370/12/31", ImportMapping.DateFormat.Iso));
    }

    [Fact]
    public async Task MessySheet_ThroughASavedMapping_FromTheCommandLine_ImportsFamiliesAndCurrentStages_AndTheWindows1256CopyChangesNothing()
    {
        var catalog = await CatalogAsync();
        var utf8 = MessySheet.Csv("K", new UTF8Encoding(true));
        var sheet = ImportFile.Read(utf8, "sheet.csv", Limits);
        var mapping = MessySheet.AcceptedProposals(sheet, catalog);
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.OrganisationId = _users.OrganisationA.Id;
            db.ImportMappings.Add(new SavedImportMapping
            {
                OrganisationId = _users.OrganisationA.Id, Name = "Monthly sheet", Headers = ImportMapping.HeaderSignature(sheet.Headers), Definition = mapping.ToJson(),
            });
            await db.SaveChangesAsync();
        }

        var dry = await CliAsync("import", await WriteAsync(utf8), "--org", _users.OrganisationA.Slug, "--mapping", "monthly sheet", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.Error);
        Assert.Contains("Row 6 was left out: it looks like a totals row.", dry.Output);
        Assert.Contains("Dry run, nothing written: cases: 3 new", dry.Output);

        var imported = await CliAsync("import", await WriteAsync(utf8), "--org", _users.OrganisationA.Slug, "--mapping", "Monthly sheet");
        Assert.True(imported.ExitCode == 0, imported.Error);
        Assert.Contains("Imported: cases: 3 new, 0 updated, 0 unchanged; people: 7 new", imported.Output);

        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            var karimi = await db.Cases.AsNoTracking().Include(c => c.StageEvents).SingleAsync(c => c.Reference == "K-001");
            Assert.Equal(("COM_SUBMITTED", new DateOnly(2024, 1, 20), SivProgram.AF602B), (karimi.CurrentStageCode, karimi.CurrentStageEnteredOn, karimi.Program));
            Assert.Equal(new DateOnly(2024, 1, 20), karimi.ClockStartedOn);
            Assert.Equal(SpreadsheetImport.CurrentStageNote, karimi.StageEvents.Single(e => e.ToStageCode == "COM_SUBMITTED").Note);
            var family = await db.Persons.AsNoTracking().Where(p => p.Id == karimi.PrincipalId || p.PrincipalId == karimi.PrincipalId).ToListAsync();
            var principal = family.Single(p => p.Relationship == Relationship.Principal);
            Assert.Equal(("Mohammad", "Karimi", new DateOnly(1988, 3, 15), Sex.M), (principal.GivenNames, principal.FamilyName, principal.DateOfBirth!.Value, principal.Sex!.Value));
            Assert.Equal(new DateOnly(1992, 5, 2), family.Single(p => p.Relationship == Relationship.Spouse && p.GivenNames == "Maryam").DateOfBirth);
            Assert.Equal(new DateOnly(2012, 6, 13), family.Single(p => p.GivenNames == "Ahmad").DateOfBirth);

            var sultani = await db.Cases.AsNoTracking().SingleAsync(c => c.Reference == "K-002");
            Assert.Equal(("COM_APPROVED", new DateOnly(2023, 11, 5)), (sultani.CurrentStageCode, sultani.CurrentStageEnteredOn));
            var hamid = await db.Persons.AsNoTracking().SingleAsync(p => p.Id == sultani.PrincipalId);
            Assert.Equal((new DateOnly(1975, 1, 1), DatePrecision.YearOnly), (hamid.DateOfBirth!.Value, hamid.DateOfBirthPrecision));

            var ahmadzai = await db.Cases.AsNoTracking().SingleAsync(c => c.Reference == "K-003");
            // Dates of birth are sealed: ordered here, after decryption.
            var children = (await db.Persons.AsNoTracking().Where(p => p.PrincipalId == ahmadzai.PrincipalId).ToListAsync()).OrderBy(p => p.DateOfBirth).ToList();
            Assert.Equal([("Zahra", new DateOnly(2015, 9, 1)), ("Ali", new DateOnly(2018, 12, 30))], children.Select(c => (c.GivenNames, c.DateOfBirth!.Value)));
            Assert.All(children, c => Assert.Equal(Relationship.Child, c.Relationship));
        }

        // Next month's export of the same sheet, saved by Excel on a Dari system: one command, nothing changes.
        var again = await CliAsync("import", await WriteAsync(MessySheet.Csv("K", MessySheet.Windows1256)), "--org", _users.OrganisationA.Slug, "--mapping", "Monthly sheet");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("Read as Windows-1256", again.Output);
        Assert.Contains("Imported: cases: 0 new, 0 updated, 3 unchanged; people: 0 new, 0 updated, 7 unchanged", again.Output);
    }

    [Fact]
    public async Task AmbiguousDateColumn_IsNotImported_UntilTheAdminChooses()
    {
        var catalog = await CatalogAsync();
        var file = MessySheet.Csv("A", new UTF8Encoding(true));
        var undecided = MessySheet.AcceptedProposals(ImportFile.Read(file, "sheet.csv", Limits), catalog, chooseAmbiguous: false);

        var refused = await RunAsync(file, undecided, commit: true);

        Assert.False(refused.Committed);
        var problem = Assert.Single(refused.Problems);
        Assert.Equal((2, "Spouse DOB", "02/05/1992"), (problem.Row, problem.Column, problem.Value));
        Assert.Contains("day or month first", problem.Message);
        await using (var scope = Fixture.Scope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Cases.CountAsync());
        }

        var monthFirst = undecided with { DateFormats = new(undecided.DateFormats) { ["spouse dob"] = ImportMapping.DateFormat.MonthFirst } };
        Assert.True((await RunAsync(file, monthFirst, commit: true)).Committed);
        await using (var scope = Fixture.Scope())
        {
            var people = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.AsNoTracking().ToListAsync();
            var maryam = people.Single(p => p.GivenNames == "Maryam");
            Assert.Equal(new DateOnly(1992, 2, 5), maryam.DateOfBirth);
        }
    }

    [Fact]
    public async Task UnmappedValue_IsARowProblem_NamingTheFilesColumn_NotAGuess()
    {
        var catalog = await CatalogAsync();
        var rows = MessySheet.Rows("U");
        rows[1] = rows[1].Replace(",M,,602b,", ",?,,602b,").Replace(",COM approved,", ",Waiting on the embassy,");
        var file = MessySheet.Csv("U", new UTF8Encoding(true), rows);
        var mapping = MessySheet.AcceptedProposals(ImportFile.Read(file, "sheet.csv", Limits), catalog);

        var outcome = await RunAsync(file, mapping, commit: false);

        Assert.Equal([(3, "Gender", "?"), (3, "Status", "Waiting on the embassy")], outcome.Problems.Select(p => (p.Row, p.Column, p.Value)));
        Assert.Contains("Use F, M or X", outcome.Problems[0].Message);
        Assert.Contains("map this value to a stage", outcome.Problems[1].Message);
    }

    [Fact]
    public async Task DryRun_ListsEachCase_AndNewPrincipalsWhoMayAlreadyBeInSivTracker()
    {
        var catalog = await CatalogAsync();
        await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Muhammad", "Kareemi", new DateOnly(1988, 7, 1));
        var file = MessySheet.Csv("D", new UTF8Encoding(true));
        var mapping = MessySheet.AcceptedProposals(ImportFile.Read(file, "sheet.csv", Limits), catalog);

        var outcome = await RunAsync(file, mapping, commit: false);

        Assert.Empty(outcome.Problems);
        Assert.Equal([(2, "D-001", SpreadsheetImport.Change.Created), (3, "D-002", SpreadsheetImport.Change.Created), (4, "D-003", SpreadsheetImport.Change.Created)],
            outcome.Changes.Select(c => (c.Row, c.Reference, c.Change)));
        var duplicate = Assert.Single(outcome.Duplicates);
        Assert.Equal((2, "Mohammad Karimi", 1988), (duplicate.Row, duplicate.Name, duplicate.BirthYear));
        Assert.Equal("Kareemi", Assert.Single(duplicate.Matches).FamilyName);
    }

    [Fact]
    public async Task CheckedFilesProblems_DownloadAsCsv_RowColumnValueAndMessage()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var token = await admin.AntiforgeryTokenAsync("/Admin/Import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token!), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("case_ref,relationship,given_names,program\nP-1,principal,Amina,NOPE\n")), "file", "cases.csv" },
        };
        var page = await (await admin.PostAsync("/Admin/Import?handler=Check", form)).Content.ReadAsStringAsync();
        var link = Html.LinkTarget(page, "Download the problems (CSV)");
        Assert.NotNull(link);

        var response = await admin.GetAsync(link);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var csv = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.StartsWith("row,column,value,problem", csv);
        Assert.Contains("2,program,NOPE,", csv);
        await using var scope = Fixture.Scope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().AuditEvents
            .AnyAsync(a => a.Action == SivTracker.Web.Infrastructure.AuditActions.ImportProblemsExported && a.UserId == _users.AdminA.Id));
    }

    [Fact]
    public async Task PossibleDuplicate_ImportedAsThePersonAlreadyHere_OpensTheCaseForThem_FromThePage()
    {
        var registered = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Muhammad", "Kareemi", new DateOnly(1988, 7, 1));
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var token = await admin.AntiforgeryTokenAsync("/Admin/Import");
        var csv = "case_ref,relationship,given_names,family_name,date_of_birth,program\nT-9,principal,Mohammad,Karimi,1988-03-15,AF602B\nT-9,spouse,Maryam,Karimi,1992-05-02,\n";
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token!), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "cases.csv" },
        };
        var page = Html.Parse(await (await admin.PostAsync("/Admin/Import?handler=Check", form)).Content.ReadAsStringAsync());
        var choice = page.QuerySelector($"input[name='attach[2]'][value='{registered.Id}']");
        Assert.NotNull(choice);
        var action = page.QuerySelector("form#confirm")!.GetAttribute("action")!;
        var id = Guid.Parse(System.Text.RegularExpressions.Regex.Match(action, "id=([0-9a-f-]{36})").Groups[1].Value);

        var confirmed = await admin.PostFormAsync(action.Replace("&amp;", "&"), AppClient.Form(("attach[2]", registered.Id.ToString())), tokenSource: "/Admin/Import");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, confirmed.StatusCode);
        await Fixture.Factory.Services.GetRequiredService<ImportJobs>().Finished(id).WaitAsync(TimeSpan.FromMinutes(2));

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var opened = await db.Cases.AsNoTracking().Include(c => c.Documents).SingleAsync(c => c.Reference == "T-9");
        Assert.Equal(registered.Id, opened.PrincipalId);
        var people = await db.Persons.AsNoTracking().ToListAsync();
        Assert.Equal(2, people.Count);
        Assert.Equal(("Mohammad", "Karimi", new DateOnly(1988, 3, 15)), people.Where(p => p.Id == registered.Id).Select(p => (p.GivenNames, p.FamilyName!, p.DateOfBirth!.Value)).Single());
        var maryam = people.Single(p => p.GivenNames == "Maryam");
        Assert.Equal(registered.Id, maryam.PrincipalId);
        // The whole family's checklist, the principal's included, as for any case opened.
        Assert.All(new[] { registered.Id, maryam.Id }, person =>
            Assert.Equal(Checklist.PerFamilyMember.Order(), opened.Documents.Where(d => d.PersonId == person).Select(d => d.Kind).Order()));
    }
}
