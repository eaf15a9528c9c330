using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Cases;

/// <summary>
/// The case lists merge running, paused, stopped and unstarted clocks read from their own indexes: paged through, they
/// hold every case once, in the order of today's days left computed from each case alone.
/// </summary>
public class CaseListOrderTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso);

    // Today is 26 Nov 2026 in the fixture's clock.
    private static readonly DateOnly Today = D("2026-11-26");

    [Fact]
    public async Task PagedThrough_EveryKindOfClockComesOnce_FewestDaysLeftFirst_UnstartedLast()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var a = users.OrganisationA.Id;
        var weeksAgo = D("2026-10-27");
        List<Case> cases =
        [
            // Running and past the limit: stored four weeks ago (its figures have grown since) and stored today.
            await CaseBuilder.CaseAsync(Fixture, a, weeksAgo, ("COM_SUBMITTED", "2026-01-22")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("COM_SUBMITTED", "2026-01-22")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("COM_SUBMITTED", "2026-01-22")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("COM_SUBMITTED", "2025-03-01"), ("COM_RFI", "2025-06-01"), ("COM_REVIEW", "2025-12-01")),
            // Running within the limit, started in months of different lengths (limits of 273 to 276 days).
            await CaseBuilder.CaseAsync(Fixture, a, weeksAgo, ("COM_SUBMITTED", "2026-05-31")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("COM_SUBMITTED", "2026-03-10")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("COM_SUBMITTED", "2026-09-15")),
            // Paused past the limit and within it; the same days over as a running case, to tie.
            await CaseBuilder.CaseAsync(Fixture, a, weeksAgo, ("COM_SUBMITTED", "2025-01-01"), ("COM_RFI", "2025-10-21")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("COM_SUBMITTED", "2026-01-01"), ("COM_RFI", "2026-08-01")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("COM_SUBMITTED", "2026-01-01"), ("COM_RFI", "2026-08-01")),
            // Stopped past the limit and within it.
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("COM_SUBMITTED", "2024-01-01"), ("VISA_ISSUED", "2025-09-01")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("COM_SUBMITTED", "2026-01-01"), ("VISA_ISSUED", "2026-04-01")),
            // Not started: no limit yet.
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("PRE_COM", "2026-09-01")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("PRE_COM", "2026-10-01")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, ("PRE_COM", "2026-11-01")),
            // S1059 against its internal target.
            await CaseBuilder.CaseAsync(Fixture, a, weeksAgo, SivProgram.S1059, false, ("I360_PREP", "2025-01-01"), ("I360_PENDING", "2025-02-01")),
            await CaseBuilder.CaseAsync(Fixture, a, Today, SivProgram.S1059, false, ("I360_PREP", "2026-05-01"), ("I360_PENDING", "2026-06-01")),
        ];
        await CaseBuilder.CaseAsync(Fixture, users.OrganisationB.Id, Today, ("COM_SUBMITTED", "2024-01-01"));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            // The caseworker's dashboard lists the open ones given to them: every other case, whatever its clock.
            var mine = cases.Where((_, i) => i % 2 == 0).Select(c => c.Id).ToList();
            await db.Cases.Where(c => mine.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.CaseworkerId, users.CaseworkerA.Id));
            cases = await db.Cases.AsNoTracking().Where(c => c.OrganisationId == a).ToListAsync();
        }
        int? DaysLeft(Case c) => c.LimitDays - CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, Today);
        List<Guid> InListOrder(IEnumerable<Case> selected) =>
            selected.OrderBy(c => DaysLeft(c) is null).ThenBy(DaysLeft).ThenBy(c => c.Id).Select(c => c.Id).ToList();
        Assert.Contains(cases, c => c.ClockState == ClockState.Paused && DaysLeft(c) < 0);
        Assert.Contains(cases, c => c.ClockState == ClockState.Stopped && DaysLeft(c) >= 0);
        Assert.Equal(3, cases.Count(c => c.LimitDays is null));
        Assert.True(cases.Where(c => c.LimitDays is not null).Select(DaysLeft).Distinct().Count() < cases.Count(c => c.LimitDays is not null), "some days left tie");

        using var api = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "cases:read"));
        async Task<List<Guid>> WalkAsync(string query)
        {
            var seen = new List<Guid>();
            string? next = $"/api/v1/cases?limit=2{query}";
            while (next is not null)
            {
                var page = JsonDocument.Parse(await api.GetStringAsync(next)).RootElement;
                seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
                next = page.GetProperty("next").ValueKind == JsonValueKind.String ? page.GetProperty("next").GetString() : null;
            }
            return seen;
        }

        Assert.Equal(InListOrder(cases), await WalkAsync(""));
        foreach (var state in Enum.GetValues<ClockState>())
        {
            Assert.Equal(InListOrder(cases.Where(c => c.ClockState == state)), await WalkAsync($"&state={state}"));
        }
        Assert.Equal(InListOrder(cases.Where(CaseStatus.PastStatutoryLimit(Today).Compile())), await WalkAsync("&overdue=true"));
        var approaching = InListOrder(cases.Where(c => CaseStatus.OpenClock.Contains(c.ClockState) && DaysLeft(c) is >= 0 and <= 90));
        Assert.True(approaching.Count >= 3, "running and paused clocks approach their limits");
        Assert.Equal(approaching, await WalkAsync("&approaching=true"));
        Assert.Equal(InListOrder(cases.Where(c => c.Program == SivProgram.S1059)), await WalkAsync("&program=S1059"));

        // The dashboard's own cases: open ones (not at a terminal stage) given to the caseworker, in the same order.
        var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        const string caseLink = "/Cases/Details?id=";
        var dashboard = Html.Parse(await client.GetHtmlAsync("/")).QuerySelectorAll($"a[href^='{caseLink}']")
            .Select(link => Guid.Parse(link.GetAttribute("href")![caseLink.Length..])).ToList();
        var terminal = await TerminalStagesAsync();
        Assert.Equal(InListOrder(cases.Where(c => c.CaseworkerId == users.CaseworkerA.Id && !terminal.Contains(c.CurrentStageCode))), dashboard);
    }

    private async Task<HashSet<string>> TerminalStagesAsync()
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await db.Stages.AsNoTracking().Where(s => s.IsTerminal).Select(s => s.Code).ToListAsync()).ToHashSet();
    }
}
