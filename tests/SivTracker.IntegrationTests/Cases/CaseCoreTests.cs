using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Demo;
using SivTracker.Web.Background;
using SivTracker.Web.Backlog;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Exports;
using SivTracker.Web.Imports;
using SivTracker.Web.Pages.Applicants;
using SivTracker.Web.Pages.Cases;

namespace SivTracker.IntegrationTests.Cases;

/// <summary>The case rules have one home: whoever opens, imports, sweeps or counts a case gets the same answer.</summary>
public class CaseCoreTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private static readonly DateOnly Today = new(2026, 11, 26);
    private TestUsers _users = null!;

    private static DateOnly D(string iso) => DateOnly.Parse(iso, CultureInfo.InvariantCulture);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    private async Task<SpreadsheetImport.Outcome> ImportAsync(string csv)
    {
        var sheet = ImportFile.Read(Encoding.UTF8.GetBytes(csv), "backlog.csv", new ImportSettings());
        await using var scope = Fixture.Scope();
        scope.ServiceProvider.GetRequiredService<AppDbContext>().OrganisationId = _users.OrganisationA.Id;
        return await scope.ServiceProvider.GetRequiredService<SpreadsheetImport>().RunAsync(sheet, _users.OrganisationA.Id, _users.AdminA.Id, commit: true, CancellationToken.None);
    }

    private async Task<T> InOrganisationAAsync<T>(Func<IServiceProvider, AppDbContext, Task<T>> work)
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = _users.OrganisationA.Id;
        return await work(scope.ServiceProvider, db);
    }

    [Fact]
    public async Task PastTheLimit_IsOneNumber_OnTheTileTheOverdueReportTheQueueAndTheDigest()
    {
        var a = _users.OrganisationA.Id;
        await CaseBuilder.CaseAsync(Fixture, a, Today, SivProgram.AF602B, false, ("PRE_COM", "2024-10-01"), ("COM_SUBMITTED", "2025-01-01"));
        await CaseBuilder.CaseAsync(Fixture, a, Today, SivProgram.AF602B, false, ("PRE_COM", "2022-10-01"), ("COM_SUBMITTED", "2023-01-01"), ("COM_RFI", "2024-06-01"));
        await CaseBuilder.CaseAsync(Fixture, a, Today, SivProgram.S1059, false, ("I360_PREP", "2023-10-01"), ("I360_PENDING", "2024-01-01"));
        await CaseBuilder.CaseAsync(Fixture, a, Today, SivProgram.AF602B, true, ("PRE_COM", "2023-10-01"), ("COM_SUBMITTED", "2024-01-01"));
        await CaseBuilder.CaseAsync(Fixture, a, Today, SivProgram.AF602B, false, ("PRE_COM", "2026-05-01"), ("COM_SUBMITTED", "2026-06-01"));
        await CaseBuilder.CaseAsync(Fixture, a, Today, SivProgram.AF602B, false, ("PRE_COM", "2022-10-01"), ("COM_SUBMITTED", "2023-01-01"), ("CLOSED", "2024-01-01"));
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(Today);
        }
        using var reviewer = new AppClient(Fixture.Factory);
        await reviewer.SignInAsync(_users.ReviewerA.Email!, TestUsers.Password);

        var tile = Html.Stats(await reviewer.GetHtmlAsync("/"))["Past the nine-month limit"];
        var queue = Html.Stats(await reviewer.GetHtmlAsync("/Review"))["Past the statutory limit"];
        var listed = Html.Parse(await reviewer.GetHtmlAsync("/Cases?Filters.Overdue=true")).QuerySelectorAll("a[href^='/Cases/Details?id=']").Length;
        var report = await InOrganisationAAsync(async (_, db) =>
        {
            await db.Database.OpenConnectionAsync();
            var rows = 0;
            await foreach (var row in Report.Find("overdue")!.RowsAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), a, StatutoryClock.Today(Fixture.Time, TimeZoneInfo.Utc), new ReportFilter())) rows++;
            return rows;
        });
        using var smtp = SimpleSmtpServer.Start(PostgresServer.FreePort());
        await using var mailing = Fixture.Factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Configuration.Port.ToString(), ["Smtp:Security"] = "None",
        })));
        await using (var scope = mailing.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DigestMailer>().SendDueAsync(CancellationToken.None);
        }
        var digest = smtp.ReceivedEmail.Single(m => m.ToAddresses.Any(t => t.Address == _users.ReviewerA.Email)).MessageParts[0].BodyData;
        var digestCount = int.Parse(System.Text.RegularExpressions.Regex.Match(digest, "Past the nine-month statutory limit: (\\d+)").Groups[1].Value);

        Assert.Equal(2, tile);
        Assert.Equal([2, 2, 2, 2], new[] { queue, listed, report, digestCount });
        Assert.Contains("Past the internal target (S1059): 1", digest);
    }

    [Fact]
    public async Task AClockStoredWeeksAgo_ShowsTodaysFigures_InTheListTheApplicantPageTheTileAndTheOverdueReport()
    {
        var a = _users.OrganisationA.Id;
        // Stored on 17 October with 258 government days of its 273; by today it is 298, 25 past the limit since 2 November.
        var @case = await CaseBuilder.CaseAsync(Fixture, a, D("2026-10-17"), ("PRE_COM", "2026-01-01"), ("COM_SUBMITTED", "2026-02-01"));
        Assert.Equal((258, (int?)null), (@case.GovernmentDays, @case.DaysOver));
        using var reviewer = new AppClient(Fixture.Factory);
        await reviewer.SignInAsync(_users.ReviewerA.Email!, TestUsers.Password);

        var overdueList = await reviewer.GetHtmlAsync("/Cases?Filters.Overdue=true");
        var applicant = Html.Text(await reviewer.GetHtmlAsync($"/Applicants/Details?id={@case.PrincipalId}"));
        var tile = Html.Stats(await reviewer.GetHtmlAsync("/"))["Past the nine-month limit"];
        var report = await InOrganisationAAsync(async (_, db) =>
        {
            await db.Database.OpenConnectionAsync();
            return await Report.Find("overdue")!.RowsAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), a, Today, new ReportFilter()).ToListAsync();
        });

        Assert.Contains(@case.Reference, overdueList);
        Assert.Contains("overdue by 25 days", Html.Text(overdueList));
        Assert.Contains("298 government days", applicant);
        Assert.Equal(1, tile);
        var row = Assert.Single(report);
        Assert.Equal((298, 25, D("2026-11-02")), ((int)row[4]!, (int)row[6]!, (DateOnly)row[7]!));
    }

    [Fact]
    public async Task DigestsRunOnSeveralInstancesAtOnce_MailEachUserOnceADay()
    {
        await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, Today, ("PRE_COM", "2024-10-01"), ("COM_SUBMITTED", "2025-01-01"));
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(Today);
        }
        using var smtp = SimpleSmtpServer.Start(PostgresServer.FreePort());
        var settings = new Dictionary<string, string?> { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Configuration.Port.ToString(), ["Smtp:Security"] = "None" };
        var instances = Enumerable.Range(0, 4).Select(_ => Fixture.Factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings)))).ToList();
        try
        {
            var sent = await Task.WhenAll(instances.Select(async instance =>
            {
                await using var scope = instance.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<DigestMailer>().SendDueAsync(CancellationToken.None);
            }));

            // The reviewer and the admin of A; each instance may have sent some of them, but together exactly once each.
            Assert.Equal(2, sent.Sum());
            Assert.Equal(2, smtp.ReceivedEmailCount);
            Assert.Equal(2, smtp.ReceivedEmail.Select(m => m.ToAddresses[0].Address).Distinct().Count());
        }
        finally
        {
            foreach (var instance in instances) await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task ABreachFlag_SaysWhenTheClockPassedTheLimit_NotWhenTheSweepFirstSawIt()
    {
        // Submitted 25 December 2020: the nine months end on 25 September 2021, so the first day past the limit is the 26th.
        var @case = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, Today, ("PRE_COM", "2020-10-01"), ("COM_SUBMITTED", "2020-12-25"));
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(Today);
        }

        var flag = await InOrganisationAAsync((_, db) => db.CaseFlags.AsNoTracking().SingleAsync(f => f.CaseId == @case.Id && f.Type == FlagType.StatutoryOverdue));
        Assert.Equal(Today, flag.RaisedOn);
        Assert.Equal(D("2021-09-26"), flag.PastLimitSince);
        Assert.Equal(Today.DayNumber - D("2021-09-26").DayNumber + 1, flag.DaysOver);

        using var reviewer = new AppClient(Fixture.Factory);
        await reviewer.SignInAsync(_users.ReviewerA.Email!, TestUsers.Password);
        Assert.Contains("past the limit since 26 Sep 2021", await reviewer.GetHtmlAsync("/Review"));
        Assert.Contains("past the limit since 26 Sep 2021", await reviewer.GetHtmlAsync($"/Cases/Details?id={@case.Id}"));
    }

    [Fact]
    public async Task TheMonthEndChart_OfAnImportedThreeYearBacklog_RisesMonthByMonth()
    {
        // One case a month for three years, each reviewed a month after submission and still waiting.
        var starts = Enumerable.Range(0, 36).Select(i => D("2023-11-15").AddMonths(i)).ToList();
        var csv = new StringBuilder("case_ref,relationship,given_names,program,PRE_COM,COM_SUBMITTED,COM_REVIEW\n");
        foreach (var (start, i) in starts.Select((s, i) => (s, i)))
        {
            csv.Append(CultureInfo.InvariantCulture, $"B-{i:D3},principal,Applicant{i},AF602B,{start.AddMonths(-2):yyyy-MM-dd},{start:yyyy-MM-dd},{Min(start.AddMonths(1), Today):yyyy-MM-dd}\n");
        }
        var outcome = await ImportAsync(csv.ToString());
        Assert.Empty(outcome.Problems);

        var months = await InOrganisationAAsync((services, db) => new BacklogFigures(db, Fixture.Time).PastLimitByMonthAsync(Today, CancellationToken.None));

        // Independently: a case is past the limit from the day after its nine calendar months end.
        var expected = months.Select(m => starts.Count(s => s.AddMonths(9).AddDays(1) <= m.MonthEnd)).ToList();
        Assert.Equal(12, months.Count);
        Assert.Equal(expected, months.Select(m => m.Overdue).ToList());
        Assert.All(months.Zip(months.Skip(1)), pair => Assert.True(pair.Second.Overdue > pair.First.Overdue, $"{pair.Second.MonthEnd}: {pair.Second.Overdue} after {pair.First.Overdue}"));
        Assert.True(months[0].Overdue >= 15, "the backlog was already past the limit a year ago");
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    [Fact]
    public async Task TheImport_RefusesAHistoryTheCasePageWouldRefuse_WithTheRulesOwnMessage()
    {
        var outcome = await ImportAsync("""
            case_ref,relationship,given_names,program,PRE_COM,COM_SUBMITTED,COM_REVIEW,COM_APPEAL
            C-1,principal,Hamid,AF602B,2024-01-01,2024-02-01,2024-03-01,2024-05-01
            """ + "\n");

        var problem = Assert.Single(outcome.Problems);
        Assert.Equal(("COM_APPEAL", "2024-05-01"), (problem.Column, problem.Value));
        Assert.Equal(new StageChangeError.AppealOnlyAfterDenial(StageCatalog.ComReview).Message, problem.Message);
        Assert.False(outcome.Committed);
        Assert.Equal(0, await InOrganisationAAsync((_, db) => db.Cases.CountAsync()));
    }

    [Fact]
    public async Task ADenialAppealAndApproval_Import_InTheOrderTheyHappened()
    {
        var outcome = await ImportAsync("""
            case_ref,relationship,given_names,program,PRE_COM,COM_SUBMITTED,COM_REVIEW,COM_APPROVED,COM_DENIED,COM_APPEAL
            C-2,principal,Hamid,AF602B,2023-01-01,2023-02-01,2023-03-01,2024-01-10,2023-06-01,2023-08-01
            """ + "\n");

        Assert.Empty(outcome.Problems);
        var stages = await InOrganisationAAsync(async (_, db) =>
        {
            var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code);
            var @case = await db.Cases.Include(c => c.StageEvents).SingleAsync();
            return @case.LiveHistory(catalog).Select(e => e.ToStageCode).ToList();
        });
        Assert.Equal(["PRE_COM", "COM_SUBMITTED", "COM_REVIEW", "COM_DENIED", "COM_APPEAL", "COM_APPROVED"], stages);
    }

    [Fact]
    public async Task CasesOpenedByHandTheImportAndTheDemoData_HaveTheSameChecklist()
    {
        var a = _users.OrganisationA.Id;
        var principal = await TestData.PersonAsync(Fixture, a, "Karim", "Noori");
        await InOrganisationAAsync(async (services, db) =>
        {
            var spouse = await services.GetRequiredService<Create.Handler>()
                .HandleAsync(new PersonForm.Command { GivenNames = "Roya", Relationship = Relationship.Spouse }, principal.Id, _users.CaseworkerA.Id, CancellationToken.None);
            Assert.NotNull(spouse.PersonId);
            var opened = await services.GetRequiredService<Open.Handler>()
                .HandleAsync(principal.Id, new Open.Command { ComSubmittedOn = D("2026-01-10") }, _users.CaseworkerA.Id, CancellationToken.None);
            Assert.Empty(opened.Errors);
            return 0;
        });
        Assert.Empty((await ImportAsync("""
            case_ref,relationship,given_names,program,PRE_COM,COM_SUBMITTED
            I-1,principal,Hamid,AF602B,2025-01-01,2025-03-01
            I-1,spouse,Freshta,,,
            I-1,child,Ahmad,,,
            """ + "\n")).Problems);
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 30);
        }

        await using var check = Fixture.Scope();
        var all = check.ServiceProvider.GetRequiredService<AppDbContext>();
        var cases = await all.Cases.AsNoTracking().IgnoreQueryFilters().Include(c => c.Documents).ToListAsync();
        var families = (await all.Persons.AsNoTracking().IgnoreQueryFilters().Select(p => new { p.Id, Principal = p.PrincipalId ?? p.Id }).ToListAsync())
            .ToLookup(p => p.Principal, p => p.Id);
        Assert.True(cases.Count >= 32);
        foreach (var @case in cases)
        {
            var comPackage = @case.StepModel == StepModel.S1059 ? [] : Checklist.ComPackage.Append(DocumentKind.Badge).Order().ToArray();
            Assert.Equal(comPackage, @case.Documents.Where(d => d.PersonId is null).Select(d => d.Kind).Order().ToArray());
            foreach (var member in families[@case.PrincipalId])
            {
                Assert.Equal(Checklist.PerFamilyMember.Order(), @case.Documents.Where(d => d.PersonId == member).Select(d => d.Kind).Order());
            }
        }
        var handOpened = cases.Single(c => c.PrincipalId == principal.Id);
        Assert.All(handOpened.Documents.Where(d => Checklist.ComPackage.Contains(d.Kind)), d => Assert.Equal((DocumentStatus.Received, D("2026-01-10")), (d.Status, d.StatusOn)));
        var imported = cases.Single(c => c.Reference == "I-1");
        Assert.All(imported.Documents.Where(d => Checklist.ComPackage.Contains(d.Kind)), d => Assert.Equal((DocumentStatus.Received, D("2025-03-01")), (d.Status, d.StatusOn)));
    }

    [Fact]
    public async Task AFamilyMemberAddedAfterTheCaseOpened_GetsTheirChecklistItems()
    {
        var @case = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, Today, ("PRE_COM", "2026-01-01"));
        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);

        var response = await caseworker.PostFormAsync($"/Applicants/Create?principalId={@case.PrincipalId}",
            AppClient.Form(("Input.GivenNames", "Zarghona"), ("Input.Relationship", "Child"), ("Input.DateOfBirth", "2015-03-01")));

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        var kinds = await InOrganisationAAsync(async (_, db) =>
        {
            var child = (await db.Persons.ToListAsync()).Single(p => p.GivenNames == "Zarghona");
            return await db.DocumentItems.Where(d => d.CaseId == @case.Id && d.PersonId == child.Id).Select(d => d.Kind).ToListAsync();
        });
        Assert.Equal(Checklist.PerFamilyMember.Order(), kinds.Order());
    }

    [Fact]
    public async Task TheTimeline_IsNewestFirst_EvenForAHistoryImportedAtOneInstant()
    {
        Assert.Empty((await ImportAsync("""
            case_ref,relationship,given_names,program,PRE_COM,COM_SUBMITTED,COM_REVIEW,DS260_PREP,NVC_REVIEW
            T-1,principal,Hamid,AF602B,2023-01-01,2023-02-01,2023-03-01,2024-01-10,2024-05-01
            """ + "\n")).Problems);
        var id = await InOrganisationAAsync((_, db) => db.Cases.Select(c => c.Id).SingleAsync());
        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);

        var entries = Html.Parse(await caseworker.GetHtmlAsync($"/Cases/Details?id={id}")).QuerySelectorAll("ol.timeline li.timeline-stage p.pre")
            .Select(p => p.TextContent.Trim()).ToList();

        Assert.Equal(5, entries.Count);
        Assert.EndsWith("NVC reviewing documents", entries[0]);
        Assert.EndsWith("Collecting the COM package", entries[^1]);
    }

    [Fact]
    public async Task TheLists_ShowEveryColumnOfThePersonsLatestCase()
    {
        var a = _users.OrganisationA.Id;
        var older = await CaseBuilder.CaseAsync(Fixture, a, Today, ("PRE_COM", "2020-01-01"), ("COM_SUBMITTED", "2020-02-01"), ("CLOSED", "2021-01-01"));
        Fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await InOrganisationAAsync(async (services, db) =>
        {
            db.ServiceRecords.Add(new SivTracker.Web.Domain.ServiceRecord { OrganisationId = a, PersonId = older.PrincipalId, Employer = "Unit", Role = ServiceRole.Interpreter, StartDate = D("2010-01-01") });
            await db.SaveChangesAsync();
            var opened = await services.GetRequiredService<Open.Handler>()
                .HandleAsync(older.PrincipalId, new Open.Command { ComSubmittedOn = D("2026-10-01"), Reference = "NEWER-1" }, null, CancellationToken.None);
            Assert.Empty(opened.Errors);
            return 0;
        });
        using var caseworker = new AppClient(Fixture.Factory);
        await caseworker.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);

        var interpreters = Html.Parse(await caseworker.GetHtmlAsync("/Interpreters")).QuerySelector("table.data tbody tr")!.TextContent;
        var applicants = Html.Parse(await caseworker.GetHtmlAsync("/Applicants")).QuerySelector("table.data tbody tr")!.TextContent;

        Assert.Contains("NEWER-1 · COM package submitted to NVC", interpreters);
        Assert.Contains($"{Today.DayNumber - D("2026-10-01").DayNumber} / ", interpreters);
        Assert.Contains("COM package submitted to NVC", applicants);
        Assert.DoesNotContain("Withdrawn", applicants);
    }
}
