using System.Net;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Cases;

public class CaseWorkflowTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;
    private AppClient _caseworker = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
        _caseworker = await SignedInAsync(_users.CaseworkerA);
    }

    private async Task<AppClient> SignedInAsync(AppUser user)
    {
        var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(user.Email!, TestUsers.Password);
        return client;
    }

    private async Task<Guid> OpenCaseAsync(SivProgram program = SivProgram.AF602B, string? comSubmittedOn = null)
    {
        var principal = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani");
        var fields = AppClient.Form(("Input.Program", program.ToString()), ("Input.Priority", "Normal"));
        if (comSubmittedOn is not null) fields.Add(new("Input.ComSubmittedOn", comSubmittedOn));
        var response = await _caseworker.PostFormAsync($"/Cases/Open?principalId={principal.Id}", fields);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(Regex.Match(response.Headers.Location!.ToString(), "id=([0-9a-f-]+)").Groups[1].Value);
    }

    private async Task<HttpResponseMessage> RecordAsync(Guid caseId, string to, string on, string? reason = null, AppClient? client = null)
    {
        client ??= _caseworker;
        var form = await client.GetHtmlAsync($"/Cases/ChangeStage?id={caseId}");
        var fields = AppClient.Form(("Input.To", to), ("Input.EffectiveOn", on), ("Input.IdempotencyKey", Html.HiddenValue(form, "Input.IdempotencyKey")), ("Input.Version", Html.HiddenValue(form, "Input.Version")));
        if (reason is not null) fields.Add(new("Input.Reason", reason));
        return await client.PostFormAsync($"/Cases/ChangeStage?id={caseId}", fields);
    }

    private async Task<Case> CaseAsync(Guid id)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Cases.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    [Fact]
    public async Task Caseworker_OpensACase_CompletesThePackage_RecordsTenMonths_AndSeesOverdueWithThePause()
    {
        var id = await OpenCaseAsync();
        var documents = Html.Parse(await _caseworker.GetHtmlAsync($"/Cases/Documents?id={id}"));
        var package = new[] { "DS-157 petition / application", "HR employment letter", "Supervisor's recommendation letter", "Proof of nationality" };
        foreach (var label in package)
        {
            var row = Html.Row(documents, "table.data", label);
            Assert.NotNull(row);
            var saved = await _caseworker.PostFormAsync($"/Cases/Documents?id={id}", AppClient.Form(("Input.ItemId", Html.HiddenValue(row, "Input.ItemId")),
                ("Input.Status", "Received"), ("Input.StatusOn", "2026-01-26"), ("Input.Version", Html.HiddenValue(row, "Input.Version"))));
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }
        var offer = await _caseworker.GetHtmlAsync($"/Cases/Details?id={id}");
        Assert.Contains("All COM package documents are in (the last on 26 Jan 2026)", offer);

        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(id, "COM_SUBMITTED", "2026-01-26")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(id, "COM_RFI", "2026-02-26")).StatusCode);
        var paused = await _caseworker.GetHtmlAsync($"/Cases/Details?id={id}");
        Assert.Contains("Paused since 26 Feb 2026", paused);
        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(id, "COM_REVIEW", "2026-03-26")).StatusCode);

        var page = await _caseworker.GetHtmlAsync($"/Cases/Details?id={id}");
        var clock = Html.Parse(page).QuerySelector(".clock-figure");
        Assert.Equal("276", clock?.QuerySelector("strong")?.TextContent);
        Assert.Contains("276 of 273 government days", clock?.TextContent);
        Assert.Contains("Overdue by 3 days", page);
        Assert.Contains("28 days paused", page);
        var stored = await CaseAsync(id);
        Assert.Equal((ClockState.Running, 276, 28, 3, "COM_REVIEW"), (stored.ClockState, stored.GovernmentDays, stored.PausedDays, stored.DaysOver, stored.CurrentStageCode));
        Assert.Contains("overdue by 3 days", await _caseworker.GetHtmlAsync("/Cases?Filters.Overdue=true"));
    }

    [Fact]
    public async Task CorrectionAndVoid_RecomputeTheStoredClock_AndKeepTheWrongEventVisible()
    {
        var id = await OpenCaseAsync(comSubmittedOn: "2026-01-26");
        Assert.Equal(304, (await CaseAsync(id)).GovernmentDays);
        await RecordAsync(id, "COM_RFI", "2026-06-01");
        Assert.Equal(ClockState.Paused, (await CaseAsync(id)).ClockState);
        var rfiEvent = await FirstEventIdAsync(id, "COM_RFI");

        // Correct: the RFI really began a month later.
        var form = await _caseworker.GetHtmlAsync($"/Cases/ChangeStage?id={id}&correct={rfiEvent}");
        var corrected = await _caseworker.PostFormAsync($"/Cases/ChangeStage?id={id}", AppClient.Form(("Input.To", "COM_RFI"), ("Input.EffectiveOn", "2026-07-01"),
            ("Input.Reason", "Wrong month typed"), ("Input.Corrects", rfiEvent.ToString()), ("Input.IdempotencyKey", Html.HiddenValue(form, "Input.IdempotencyKey")), ("Input.Version", Html.HiddenValue(form, "Input.Version"))));
        Assert.Equal(HttpStatusCode.Redirect, corrected.StatusCode);
        var afterCorrection = await CaseAsync(id);
        Assert.Equal((ClockState.Paused, 156), (afterCorrection.ClockState, afterCorrection.GovernmentDays));

        // Void the corrected RFI: the clock runs again from submission.
        var newRfi = await FirstEventIdAsync(id, "COM_RFI");
        var voidForm = await _caseworker.GetHtmlAsync($"/Cases/ChangeStage?id={id}&correct={newRfi}");
        var voided = await _caseworker.PostFormAsync($"/Cases/ChangeStage?id={id}&handler=Void", AppClient.Form(("VoidInput.EventId", newRfi.ToString()),
            ("VoidInput.Reason", "No RFI was ever sent"), ("VoidInput.Version", Html.HiddenValue(voidForm, "VoidInput.Version"))));
        Assert.Equal(HttpStatusCode.Redirect, voided.StatusCode);
        var afterVoid = await CaseAsync(id);
        Assert.Equal((ClockState.Running, 304, "COM_SUBMITTED"), (afterVoid.ClockState, afterVoid.GovernmentDays, afterVoid.CurrentStageCode));
        var timeline = await _caseworker.GetHtmlAsync($"/Cases/Details?id={id}");
        Assert.Equal(2, Html.Texts(timeline, "ol.timeline span.badge").Count(badge => badge == "voided"));
        Assert.Contains("No RFI was ever sent", timeline);
    }

    [Fact]
    public async Task BackwardMoveWithoutReason_AndFutureDates_AreRefusedWithAMessage()
    {
        var id = await OpenCaseAsync(comSubmittedOn: "2026-01-26");
        await RecordAsync(id, "NVC_REVIEW", "2026-05-01");

        var backward = await (await RecordAsync(id, "COM_REVIEW", "2026-06-01")).Content.ReadAsStringAsync();
        var future = await (await RecordAsync(id, "INTERVIEW_PENDING", "2026-12-25")).Content.ReadAsStringAsync();
        var early = await (await RecordAsync(id, "INTERVIEW_PENDING", "2026-04-01")).Content.ReadAsStringAsync();

        Assert.Contains("needs a reason", backward);
        Assert.Contains("is in the future", future);
        Assert.Contains("is before the last recorded change", early);
        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(id, "COM_REVIEW", "2026-06-01", reason: "NVC sent it back to the embassy")).StatusCode);
        Assert.Equal("COM_REVIEW", (await CaseAsync(id)).CurrentStageCode);
    }

    [Fact]
    public async Task DoubleSubmittedForm_RecordsOneEvent()
    {
        var id = await OpenCaseAsync(comSubmittedOn: "2026-01-26");
        var form = await _caseworker.GetHtmlAsync($"/Cases/ChangeStage?id={id}");
        var fields = AppClient.Form(("Input.To", "COM_REVIEW"), ("Input.EffectiveOn", "2026-02-01"), ("Input.IdempotencyKey", Html.HiddenValue(form, "Input.IdempotencyKey")), ("Input.Version", Html.HiddenValue(form, "Input.Version")));

        var first = await _caseworker.PostFormAsync($"/Cases/ChangeStage?id={id}", fields);
        var second = await _caseworker.PostFormAsync($"/Cases/ChangeStage?id={id}", fields);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        await using var scope = Fixture.Scope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().StageEvents.CountAsync(e => e.CaseId == id && e.ToStageCode == "COM_REVIEW"));
    }

    [Fact]
    public async Task TwoCaseworkersRecordingAtOnce_OneWins_TheOtherSeesAConflict_NothingIsLost()
    {
        var id = await OpenCaseAsync(comSubmittedOn: "2026-01-26");
        using var admin = await SignedInAsync(_users.AdminA);
        var mine = await _caseworker.GetHtmlAsync($"/Cases/ChangeStage?id={id}");
        var theirs = await admin.GetHtmlAsync($"/Cases/ChangeStage?id={id}");

        var first = await admin.PostFormAsync($"/Cases/ChangeStage?id={id}", AppClient.Form(("Input.To", "COM_REVIEW"), ("Input.EffectiveOn", "2026-02-01"),
            ("Input.IdempotencyKey", Html.HiddenValue(theirs, "Input.IdempotencyKey")), ("Input.Version", Html.HiddenValue(theirs, "Input.Version"))));
        var second = await _caseworker.PostFormAsync($"/Cases/ChangeStage?id={id}", AppClient.Form(("Input.To", "COM_RFI"), ("Input.EffectiveOn", "2026-02-01"),
            ("Input.IdempotencyKey", Html.HiddenValue(mine, "Input.IdempotencyKey")), ("Input.Version", Html.HiddenValue(mine, "Input.Version"))));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("Someone else recorded a change on this case at the same moment", Html.Text(await second.Content.ReadAsStringAsync()));
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(["COM_REVIEW"], await db.StageEvents.Where(e => e.CaseId == id && e.FromStageCode == "COM_SUBMITTED").Select(e => e.ToStageCode).ToListAsync());
        Assert.Equal("COM_REVIEW", (await CaseAsync(id)).CurrentStageCode);
    }

    [Fact]
    public async Task CatalogChange_RecomputesTheStoredClocks()
    {
        var id = await OpenCaseAsync(comSubmittedOn: "2026-01-26");
        await RecordAsync(id, "COM_RFI", "2026-06-01");
        Assert.Equal(ClockState.Paused, (await CaseAsync(id)).ClockState);
        using var system = await SignedInAsync(_users.System);
        var rfiForm = Html.Parse(await system.GetHtmlAsync("/System/Stages")).QuerySelector("input[name='Input.Code'][value='COM_RFI']")?.Closest("form");
        Assert.NotNull(rfiForm);
        var version = Html.HiddenValue(rfiForm, "Input.Version");

        var recomputeDone = Fixture.Factory.Services.GetRequiredService<ClockRecomputeJobs>().NextRunFinished;
        try
        {
            var saved = await system.PostFormAsync("/System/Stages", AppClient.Form(("Input.Code", "COM_RFI"), ("Input.Name", "Request for information"),
                ("Input.SortOrder", "40"), ("Input.ClockOwner", "Government"), ("Input.Version", version)));
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            await recomputeDone.WaitAsync(TimeSpan.FromMinutes(2));

            var recomputed = await CaseAsync(id);
            Assert.Equal((ClockState.Running, 304), (recomputed.ClockState, recomputed.GovernmentDays));
            await using var scope = Fixture.Scope();
            Assert.True(await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.AnyAsync(a => a.Action == "stage-catalog.changed" && a.EntityId == "COM_RFI"));
        }
        finally
        {
            await using var scope = Fixture.Scope();
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Stages.Where(s => s.Code == "COM_RFI")
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClockOwner, ClockOwner.Applicant).SetProperty(x => x.Name, "Applicant asked for more information"));
        }
    }

    [Fact]
    public async Task HighRisk_IsAdminOnly_AndTakesTheCaseOutOfTheOverdueList()
    {
        var id = await OpenCaseAsync(comSubmittedOn: "2025-11-01");
        Assert.True((await CaseAsync(id)).DaysOver > 0);
        var settings = await _caseworker.GetHtmlAsync($"/Cases/Settings?id={id}");
        var denied = await _caseworker.PostFormAsync($"/Cases/Settings?id={id}&handler=HighRisk",
            AppClient.Form(("HighRiskInput.HighRisk", "true"), ("HighRiskInput.Reason", "x"), ("HighRiskInput.Version", Html.HiddenValue(settings, "AssignInput.Version"))));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        using var admin = await SignedInAsync(_users.AdminA);
        var adminSettings = await admin.GetHtmlAsync($"/Cases/Settings?id={id}");
        var marked = await admin.PostFormAsync($"/Cases/Settings?id={id}&handler=HighRisk",
            AppClient.Form(("HighRiskInput.HighRisk", "true"), ("HighRiskInput.Reason", "Security review announced"), ("HighRiskInput.Version", Html.HiddenValue(adminSettings, "HighRiskInput.Version"))));

        Assert.Equal(HttpStatusCode.Redirect, marked.StatusCode);
        Assert.True((await CaseAsync(id)).HighRisk);
        Assert.Contains("No cases past the statutory limit: good news.", await admin.GetHtmlAsync("/Cases?Filters.Overdue=true"));
        Assert.Contains("high-risk: counted, not flagged as a breach", await admin.GetHtmlAsync($"/Cases/Details?id={id}"));
    }

    [Fact]
    public async Task CaseNumbers_AreNormalised_CheckedAndKeptWithHistory()
    {
        var id = await OpenCaseAsync();
        var bad = await _caseworker.PostFormAsync($"/Cases/Settings?id={id}&handler=Number", AppClient.Form(("NumberInput.Kind", "NvcCase"), ("NumberInput.Number", "KBL-2017-456")));
        var first = await _caseworker.PostFormAsync($"/Cases/Settings?id={id}&handler=Number", AppClient.Form(("NumberInput.Kind", "NvcCase"), ("NumberInput.Number", "kbl 2017-456 789")));
        var moved = await _caseworker.PostFormAsync($"/Cases/Settings?id={id}&handler=Number", AppClient.Form(("NumberInput.Kind", "NvcCase"), ("NumberInput.Number", "ISL-2018-000011")));

        Assert.Contains("3 letters and 10 digits", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        await using var scope = Fixture.Scope();
        var numbers = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().CaseNumbers.Where(n => n.CaseId == id).OrderBy(n => n.IsCurrent).ToListAsync();
        Assert.Equal([("KBL2017456789", false), ("ISL2018000011", true)], numbers.Select(n => (n.Number, n.IsCurrent)));
        var search = await _caseworker.PostFormAsync("/Applicants?handler=Search", AppClient.Form(("Search.Query", "KBL-2017-456789")), tokenSource: "/Applicants");
        Assert.Contains("case or receipt number", await search.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CasePage_RunsTheSameStatements_HoweverLongTheCasesHistory()
    {
        var counter = new CommandCounter();
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        using var caseworker = new AppClient(factory);
        await caseworker.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);
        var young = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, DateOnly.Parse("2026-11-26"), ("PRE_COM", "2026-11-01"));
        var old = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, DateOnly.Parse("2026-11-26"),
            ("PRE_COM", "2023-01-01"), ("COM_SUBMITTED", "2023-06-01"), ("COM_RFI", "2023-09-01"), ("COM_REVIEW", "2024-01-10"), ("COM_APPROVED", "2024-06-01"));
        for (var i = 0; i < 8; i++)
        {
            await caseworker.PostFormAsync($"/Cases/Details?id={old.Id}&handler=Note", AppClient.Form(("Note.Body", $"Call {i}: documents on their way.")));
        }
        // The first page of a host reads the copies it keeps (the stage catalog, the organisation's time zone).
        await caseworker.GetHtmlAsync($"/Cases/Details?id={young.Id}");

        counter.Reset();
        await caseworker.GetHtmlAsync($"/Cases/Details?id={young.Id}");
        var forTheYoungCase = counter.Count;
        counter.Reset();
        var timeline = Html.Parse(await caseworker.GetHtmlAsync($"/Cases/Details?id={old.Id}")).QuerySelectorAll("ol.timeline li");

        Assert.True(timeline.Count(li => li.ClassList.Contains("timeline-note")) == 8 && timeline.Count(li => li.ClassList.Contains("timeline-stage")) == 5);
        Assert.Equal(forTheYoungCase, counter.Count);
        // The principal, stage events, case numbers, family, checklist, users, notes, document changes, review actions,
        // portal messages, flags, the session check and the audit row: one statement each.
        Assert.Equal(13, counter.Count);
    }

    [Fact]
    public async Task Notes_CanBeChangedByTheirAuthorForFifteenMinutesOnly()
    {
        var id = await OpenCaseAsync();
        await _caseworker.PostFormAsync($"/Cases/Details?id={id}&handler=Note", AppClient.Form(("Note.Body", "Called the applicant; all well.")));
        var editNote = Html.Parse(await _caseworker.GetHtmlAsync($"/Cases/Details?id={id}")).QuerySelector("form[action*='handler=EditNote']")?.GetAttribute("action");
        Assert.NotNull(editNote);
        var noteId = HttpUtility.ParseQueryString(editNote[editNote.IndexOf('?')..])["noteId"];

        var changed = await _caseworker.PostFormAsync($"/Cases/Details?id={id}&noteId={noteId}&handler=EditNote", AppClient.Form(("Note.Body", "Called the applicant; family safe.")));
        Fixture.Time.Advance(TimeSpan.FromMinutes(16));
        var tooLate = await _caseworker.PostFormAsync($"/Cases/Details?id={id}&noteId={noteId}&handler=EditNote", AppClient.Form(("Note.Body", "Rewritten history")),
            tokenSource: $"/Cases/Details?id={id}");

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains("within 15 minutes", await tooLate.Content.ReadAsStringAsync());
        await using var scope = Fixture.Scope();
        Assert.Equal("Called the applicant; family safe.", (await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().CaseNotes.SingleAsync()).Body);
    }

    [Fact]
    public async Task RecomputeClocksCommand_RepairsAStoredClockThatDisagreesWithItsHistory_AndLeavesCorrectOnesAlone()
    {
        var id = await OpenCaseAsync(comSubmittedOn: "2026-01-26");
        Fixture.Time.Advance(TimeSpan.FromDays(10));
        async Task<string> RecomputeAsync()
        {
            var output = new StringWriter();
            Assert.Equal(0, await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["recompute-clocks"], new StringReader(""), output, new StringWriter()));
            return output.ToString();
        }

        // Ten days on, the stored clock still reads right for the day: nothing to write.
        Assert.Contains("Recomputed clocks: 0 case(s) changed.", await RecomputeAsync());
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.ExecuteSqlAsync($"update cases set government_days = 0 where id = {id}");
        }
        Assert.Contains("Recomputed clocks: 1 case(s) changed.", await RecomputeAsync());
        var repaired = await CaseAsync(id);
        Assert.Equal(314, CaseClock.On(repaired, DateOnly.FromDateTime(Fixture.Time.GetUtcNow().UtcDateTime)).GovernmentDays);
    }

    private async Task<Guid> FirstEventIdAsync(Guid caseId, string stage)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().StageEvents
            .Where(e => e.CaseId == caseId && e.ToStageCode == stage && e.VoidedAt == null).Select(e => e.Id).SingleAsync();
    }

    public override async Task DisposeAsync()
    {
        _caseworker.Dispose();
        await base.DisposeAsync();
    }
}
