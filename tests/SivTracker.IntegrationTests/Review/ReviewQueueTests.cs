using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Review;

public class ReviewQueueTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso);

    private TestUsers _users = null!;
    private Case _overdueBig = null!, _overdueSmall = null!, _within30 = null!, _within90 = null!, _appeal = null!, _highRisk = null!, _otherOrg = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
        var a = _users.OrganisationA.Id;
        // Today is 26 Nov 2026 in the fixture's clock.
        _overdueBig = await CaseBuilder.CaseAsync(Fixture, a, D("2026-11-26"), ("COM_SUBMITTED", "2024-01-01"), ("COM_REVIEW", "2026-11-01"));
        _overdueSmall = await CaseBuilder.CaseAsync(Fixture, a, D("2026-11-26"), ("COM_SUBMITTED", "2026-02-01"), ("COM_REVIEW", "2026-11-01"));
        _within30 = await CaseBuilder.CaseAsync(Fixture, a, D("2026-11-26"), ("COM_SUBMITTED", "2026-03-10"), ("COM_REVIEW", "2026-11-01"));
        _within90 = await CaseBuilder.CaseAsync(Fixture, a, D("2026-11-26"), ("COM_SUBMITTED", "2026-05-01"), ("COM_REVIEW", "2026-11-01"));
        _appeal = await CaseBuilder.CaseAsync(Fixture, a, D("2026-11-26"), ("PRE_COM", "2026-01-01"), ("COM_SUBMITTED", "2026-06-01"), ("COM_DENIED", "2026-08-01"));
        _highRisk = await CaseBuilder.CaseAsync(Fixture, a, D("2026-11-26"), SivProgram.AF602B, true, ("COM_SUBMITTED", "2024-01-01"), ("COM_REVIEW", "2026-11-01"));
        _otherOrg = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationB.Id, D("2026-11-26"), ("COM_SUBMITTED", "2024-01-01"), ("COM_REVIEW", "2026-11-01"));
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // Recent contact and notes keep the "no contact" and "inactivity" flags out of this data set, except for the
        // high-risk case: past its limit it carries no breach flag, so only another deadline brings it to the queue.
        foreach (var c in new[] { _overdueBig, _overdueSmall, _within30, _within90, _appeal, _otherOrg })
        {
            db.ContactChannels.Add(new ContactChannel { OrganisationId = c.OrganisationId, PersonId = c.PrincipalId, Kind = ContactChannelKind.Phone, Value = "+93700000001", LastSuccessfulContactOn = D("2026-11-20") });
        }
        foreach (var c in new[] { _overdueBig, _overdueSmall, _within30, _within90, _appeal, _highRisk, _otherOrg })
        {
            db.CaseNotes.Add(new CaseNote { OrganisationId = c.OrganisationId, CaseId = c.Id, Body = "Checked in." });
        }
        db.ServiceRecords.Add(new ServiceRecord { OrganisationId = a, PersonId = _overdueSmall.PrincipalId, Employer = "Unit", Role = ServiceRole.Interpreter, StartDate = D("2010-01-01") });
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(D("2026-11-26"));
    }

    private async Task<AppClient> SignedInAsync(AppUser user)
    {
        var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(user.Email!, TestUsers.Password);
        return client;
    }

    private const string CaseLink = "/Cases/Details?id=";

    private static IReadOnlyList<string> CaseIdsIn(string html) =>
        Html.Parse(html).QuerySelectorAll($"table.data td > a[href^='{CaseLink}']").Select(a => a.GetAttribute("href")![CaseLink.Length..]).ToList();

    [Fact]
    public async Task Queue_ShowsTheOrganisationsFlaggedCases_GroupedByUrgency_MostDaysOverFirst()
    {
        using var reviewer = await SignedInAsync(_users.ReviewerA);

        var html = await reviewer.GetHtmlAsync("/Review");

        Assert.Equal(new[] { _overdueBig, _overdueSmall, _within30, _within90, _highRisk, _appeal }.Select(c => c.Id.ToString()), CaseIdsIn(html));
        var counts = Html.Stats(html);
        Assert.Equal(2, counts["Past the statutory limit"]);
        Assert.Equal(1, counts["Limit within 30 days"]);
        Assert.Equal(1, counts["Limit within 90 days"]);
        Assert.Equal(2, counts["Other deadlines"]);
        Assert.DoesNotContain(_otherOrg.Id.ToString(), html);
    }

    [Theory]
    [InlineData("Filters.Flag=ComAppealWindow", "appeal")]
    [InlineData("Filters.HighRisk=true", "highRisk")]
    [InlineData("Filters.MinDaysOver=200&Filters.HighRisk=false", "overdueBig")]
    [InlineData("Filters.MinDaysOver=1&Filters.MaxDaysOver=200", "overdueSmall")]
    [InlineData("Filters.Interpreters=true", "overdueSmall")]
    [InlineData("Filters.Stage=COM_DENIED", "appeal")]
    [InlineData("Filters.Program=S1059", "")]
    public async Task EachFilter_NarrowsTheQueue(string query, string expected)
    {
        using var reviewer = await SignedInAsync(_users.ReviewerA);
        var byName = new Dictionary<string, Case> { ["appeal"] = _appeal, ["highRisk"] = _highRisk, ["overdueBig"] = _overdueBig, ["overdueSmall"] = _overdueSmall };

        var html = await reviewer.GetHtmlAsync($"/Review?{query}");

        Assert.Equal(expected.Length == 0 ? [] : [byName[expected].Id.ToString()], CaseIdsIn(html));
        // The counts above the table follow the same filters.
        Assert.Equal(expected.Length == 0 ? 0 : 1, Html.Stats(html).Values.Sum());
    }

    [Fact]
    public async Task NextPageLinks_WalkTheWholeQueueInOrder_WithoutGapsOrRepeats()
    {
        var a = _users.OrganisationA.Id;
        // 110 more cases past the limit, each by a different number of days, and a filter that keeps paging honest.
        for (var i = 0; i < 110; i++)
        {
            await CaseBuilder.CaseAsync(Fixture, a, D("2026-11-26"), ("COM_SUBMITTED", D("2025-01-01").AddDays(i).ToString("yyyy-MM-dd")), ("COM_REVIEW", "2026-11-01"));
        }
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(D("2026-11-26"));
        }
        using var reviewer = await SignedInAsync(_users.ReviewerA);

        var pages = new List<IReadOnlyList<string>>();
        var daysOver = new List<int>();
        var path = "/Review?Filters.HighRisk=false";
        while (path is not null && pages.Count < 10)
        {
            var html = await reviewer.GetHtmlAsync(path);
            pages.Add(CaseIdsIn(html));
            // Each row past the limit shows "+N over".
            daysOver.AddRange(Html.Texts(html, "table.data strong.over").Select(over => int.Parse(over.TrimStart('+').Split(' ')[0])));
            Assert.Equal(112, Html.Stats(html)["Past the statutory limit"]);
            if (pages.Count > 1) Assert.NotNull(Html.LinkTarget(html, "First page"));
            path = Html.LinkTarget(html, "Next page");
        }

        Assert.Equal([50, 50, 15], pages.Select(p => p.Count));
        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Contains(_overdueBig.Id.ToString(), all);
        Assert.DoesNotContain(_highRisk.Id.ToString(), all);
        // Most days over first, carried across page boundaries.
        Assert.Equal(daysOver.OrderByDescending(d => d), daysOver);
        Assert.Equal(112, daysOver.Count);
    }

    [Fact]
    public async Task CaseworkerFilter_AndNotReviewedLately()
    {
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Cases.Where(c => c.Id == _within30.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.CaseworkerId, _users.CaseworkerA.Id));
        }
        using var reviewer = await SignedInAsync(_users.ReviewerA);
        Assert.Equal([_within30.Id.ToString()], CaseIdsIn(await reviewer.GetHtmlAsync($"/Review?Filters.Caseworker={_users.CaseworkerA.Id}")));

        await reviewer.PostFormAsync($"/Review/Act?caseId={_overdueBig.Id}&handler=Acknowledge", [new("Input.Note", "Asked the embassy.")], tokenSource: $"/Review/Act?caseId={_overdueBig.Id}");

        var notReviewed = CaseIdsIn(await reviewer.GetHtmlAsync("/Review?Filters.NotReviewedDays=7"));
        Assert.DoesNotContain(_overdueBig.Id.ToString(), notReviewed);
        Assert.Contains(_overdueSmall.Id.ToString(), notReviewed);
    }

    [Fact]
    public async Task EachReviewAction_LandsInTheCaseTimeline_WithWhoAndWhen()
    {
        using var reviewer = await SignedInAsync(_users.ReviewerA);
        var act = $"/Review/Act?caseId={_appeal.Id}";
        var appealFlag = (await FlagsAsync(_appeal.Id)).Single(f => f.Type == FlagType.ComAppealWindow);

        var responses = new[]
        {
            await reviewer.PostFormAsync(act + "&handler=Acknowledge", [new("Input.Note", "Appeal letter drafted with counsel.")], tokenSource: act),
            await reviewer.PostFormAsync(act + "&handler=NextReview", [new("Input.Date", "2026-12-10")], tokenSource: act),
            await reviewer.PostFormAsync(act + "&handler=Escalate", [new("Input.Reason", "LitigationCounsel"), new("Input.AssigneeId", _users.AdminA.Id.ToString()), new("Input.Note", "Deadline close")], tokenSource: act),
            await reviewer.PostFormAsync(act + "&handler=Snooze", [new("Input.FlagId", appealFlag.Id.ToString()), new("Input.Date", "2026-12-01")], tokenSource: act),
        };

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        var timeline = await reviewer.GetHtmlAsync($"/Cases/Details?id={_appeal.Id}");
        Assert.Contains("Reviewed and acknowledged", timeline);
        Assert.Contains("Appeal letter drafted with counsel.", timeline);
        Assert.Contains("Next review set for 10 Dec 2026", timeline);
        Assert.Contains("Escalated: LitigationCounsel, assigned to admin", timeline);
        Assert.Contains("Flag snoozed until 1 Dec 2026", timeline);
        Assert.Contains("reviewer", timeline);
        Assert.Equal(D("2026-12-01"), (await FlagsAsync(_appeal.Id)).Single(f => f.Type == FlagType.ComAppealWindow).SnoozedUntil);
        Assert.Contains("(snoozed until 1 Dec 2026)", await reviewer.GetHtmlAsync("/Review"));
    }

    [Fact]
    public async Task StatutoryBreaches_CannotBeSnoozed()
    {
        using var reviewer = await SignedInAsync(_users.ReviewerA);
        var flag = (await FlagsAsync(_overdueBig.Id)).Single(f => f.Type == FlagType.StatutoryOverdue);
        var act = $"/Review/Act?caseId={_overdueBig.Id}";

        var response = await reviewer.PostFormAsync(act + "&handler=Snooze", [new("Input.FlagId", flag.Id.ToString()), new("Input.Date", "2026-12-30")], tokenSource: act);

        Assert.Contains("A statutory breach cannot be snoozed", await response.Content.ReadAsStringAsync());
        Assert.Null((await FlagsAsync(_overdueBig.Id)).Single(f => f.Id == flag.Id).SnoozedUntil);
    }

    [Fact]
    public async Task RunningClocksStoredWeeksAgo_AndPausedOnes_AreMergedByTodaysDaysOver_PageByPage()
    {
        var a = _users.OrganisationA.Id;
        // Today's days over: 35 (stored at 5, four weeks ago), 20 paused, 20 (stored within the limit), 10 (stored today).
        var runningSince = await CaseBuilder.CaseAsync(Fixture, a, D("2026-10-27"), ("COM_SUBMITTED", "2026-01-22"));
        var paused = await CaseBuilder.CaseAsync(Fixture, a, D("2026-10-27"), ("COM_SUBMITTED", "2025-01-01"), ("COM_RFI", "2025-10-21"));
        var crossedSince = await CaseBuilder.CaseAsync(Fixture, a, D("2026-10-27"), ("COM_SUBMITTED", "2026-02-06"));
        var storedToday = await CaseBuilder.CaseAsync(Fixture, a, D("2026-11-26"), ("COM_SUBMITTED", "2026-02-16"));
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(D("2026-11-26"));
        }
        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "cases:read"));
        var overdue = new List<(Guid Id, int DaysOver)>();
        string? next = "/api/v1/review-queue?limit=2";
        while (next is not null)
        {
            var page = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync(next)).RootElement;
            overdue.AddRange(page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("urgency").GetString() == "Overdue")
                .Select(i => (i.GetProperty("id").GetGuid(), i.GetProperty("daysOver").GetInt32())));
            next = page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.String ? page.GetProperty("next").GetString() : null;
        }

        // Equal days over: the running clock, still growing, before the paused one.
        Assert.Equal([_overdueBig.Id, runningSince.Id, _overdueSmall.Id, crossedSince.Id, paused.Id, storedToday.Id], overdue.Select(r => r.Id));
        Assert.Equal([35, 25, 20, 20, 10], overdue.Skip(1).Select(r => r.DaysOver));
    }

    [Fact]
    public async Task QueuePage_RunsTheSameNumberOfQueries_WhateverTheNumberOfRows()
    {
        var counter = new CommandCounter();
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        using var reviewer = new AppClient(factory);
        await reviewer.SignInAsync(_users.ReviewerA.Email!, TestUsers.Password);
        // The first view also reads what each instance reads once (the organisation's time zone).
        await reviewer.GetHtmlAsync("/Review");

        counter.Reset();
        await reviewer.GetHtmlAsync("/Review");
        var withSix = counter.Count;
        for (var i = 0; i < 30; i++)
        {
            await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, D("2026-11-26"), ("COM_SUBMITTED", "2024-01-01"), ("COM_REVIEW", "2026-11-01"));
        }
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(D("2026-11-26"));
        }
        counter.Reset();
        var html = await reviewer.GetHtmlAsync("/Review");

        Assert.Equal(36, CaseIdsIn(html).Count);
        Assert.Equal(withSix, counter.Count);
    }

    [Fact]
    public async Task TheKeptCounts_EqualAFullRecount_AfterARandomSeriesOfChanges()
    {
        var random = new Random(20261202);
        var a = _users.OrganisationA.Id;
        var cases = new List<Case>();
        for (var i = 0; i < 24; i++)
        {
            var submitted = D("2026-11-26").AddDays(-random.Next(150, 900));
            cases.Add(await CaseBuilder.CaseAsync(Fixture, a, D("2026-11-26"), ("COM_SUBMITTED", submitted.ToString("yyyy-MM-dd")), ("COM_REVIEW", submitted.AddDays(30).ToString("yyyy-MM-dd"))));
        }
        using var reviewer = await SignedInAsync(_users.ReviewerA);
        var today = D("2026-11-26");
        string[] moves = ["COM_RFI", "COM_REVIEW", "COM_DENIED", "COM_APPEAL", "VISA_ISSUED", "CLOSED", "COM_REVIEW"];
        for (var round = 0; round < 6; round++)
        {
            await using (var scope = Fixture.Scope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
                // A few cases move on (paused, resumed, denied, closed), one flag is cleared by hand, and days pass.
                foreach (var moved in cases.OrderBy(_ => random.Next()).Take(random.Next(2, 8)))
                {
                    db.StageEvents.Add(new StageEvent { OrganisationId = a, CaseId = moved.Id, ToStageCode = moves[random.Next(moves.Length)], EffectiveOn = today, RecordedAt = Fixture.Time.GetUtcNow() });
                }
                await db.SaveChangesAsync();
                await db.CaseFlags.Where(f => f.OrganisationId == a && f.ClearedOn == null).OrderBy(f => f.Id).Skip(random.Next(0, 5)).Take(1)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.ClearedOn, today));
                await scope.ServiceProvider.GetRequiredService<ClockRecompute>().RecomputeAllAsync();
                today = today.AddDays(random.Next(1, 40));
                await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(today);

                var recount = await db.Cases.Where(c => c.OrganisationId == a && c.ReviewUrgency != null)
                    .GroupBy(c => c.ReviewUrgency!.Value).Select(g => new { Urgency = g.Key, Cases = g.Count() }).ToDictionaryAsync(g => g.Urgency, g => g.Cases);
                var kept = await db.ReviewQueueCounts.Where(c => c.OrganisationId == a && c.Cases > 0).ToDictionaryAsync(c => c.Urgency, c => c.Cases);
                Assert.Equal(recount.OrderBy(p => p.Key), kept.OrderBy(p => p.Key));
            }
            // The page shows the kept counts unfiltered, and a filter's own count agrees with them.
            var shown = Html.Stats(await reviewer.GetHtmlAsync("/Review"));
            var filtered = Html.Stats(await reviewer.GetHtmlAsync("/Review?Filters.Program=AF602B"));
            Assert.Equal(filtered, shown);
        }
    }

    private async Task<List<CaseFlag>> FlagsAsync(Guid caseId)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().CaseFlags.AsNoTracking().Where(f => f.CaseId == caseId && f.ClearedOn == null).ToListAsync();
    }
}
