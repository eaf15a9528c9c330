using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using netDumbster.smtp;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Background;

public class DeadlineSweepTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso);

    private async Task<DeadlineSweep.Result> SweepAsync(string today)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(D(today));
    }

    private async Task<List<CaseFlag>> FlagsAsync(Guid caseId)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().CaseFlags.AsNoTracking().Where(f => f.CaseId == caseId).ToListAsync();
    }

    private async Task<Case> StoredAsync(Guid caseId)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Cases.AsNoTracking().SingleAsync(c => c.Id == caseId);
    }

    [Fact]
    public async Task CaseCrossingTheLimit_IsFlaggedOnExactlyTheRightDay()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var @case = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2025-10-01"), ("PRE_COM", "2024-12-01"), ("COM_SUBMITTED", "2025-01-31"), ("COM_REVIEW", "2025-03-01"));

        await SweepAsync("2025-10-30");
        await SweepAsync("2025-10-31");
        Assert.DoesNotContain(await FlagsAsync(@case.Id), f => f.Type == FlagType.StatutoryOverdue);
        var lastDay = CaseClock.On(await StoredAsync(@case.Id), D("2025-10-31"));
        Assert.Equal((273, (int?)null), (lastDay.GovernmentDays, lastDay.DaysOver));

        await SweepAsync("2025-11-01");

        var flag = Assert.Single(await FlagsAsync(@case.Id), f => f.Type == FlagType.StatutoryOverdue);
        Assert.Equal((D("2025-11-01"), (int?)1), (flag.RaisedOn, flag.DaysOver));
        Assert.Equal(274, CaseClock.On(await StoredAsync(@case.Id), D("2025-11-01")).GovernmentDays);
        // Nothing changes by itself after the limit: the sweep leaves the flag as raised, and the case reads 10 days over.
        Assert.Equal(0, (await SweepAsync("2025-11-10")).CasesDue);
        Assert.Equal(1, Assert.Single(await FlagsAsync(@case.Id), f => f.Type == FlagType.StatutoryOverdue && f.ClearedOn == null).DaysOver);
        Assert.Equal(10, CaseClock.On(await StoredAsync(@case.Id), D("2025-11-10")).DaysOver);
    }

    [Fact]
    public async Task ClocksReadOnTheSweepDay_EqualTheClockRecomputedFromHistory()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var running = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), ("COM_SUBMITTED", "2025-06-01"), ("COM_REVIEW", "2025-07-01"));
        var paused = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), ("COM_SUBMITTED", "2025-06-01"), ("COM_RFI", "2025-07-01"));

        await SweepAsync("2026-03-15");

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code);
        foreach (var id in new[] { running.Id, paused.Id })
        {
            var stored = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id);
            var events = StatutoryClock.InOrder(await db.StageEvents.AsNoTracking().Where(e => e.CaseId == id).ToListAsync(), catalog);
            var expected = StatutoryClock.Compute(StatutoryClock.ClockEvents(events), catalog, stored.Program, stored.StepModel, stored.HighRisk, D("2026-03-15"), new ClockSettings());
            var read = CaseClock.On(stored, D("2026-03-15"));
            Assert.Equal((expected.GovernmentDays, expected.PausedDays, expected.DaysOver, expected.ProjectedBreachOn),
                (read.GovernmentDays, read.PausedDays, read.DaysOver, read.ProjectedBreachOn));
        }
    }

    [Fact]
    public async Task EveryInputOfADeadlineCondition_MakesTheCaseDueAgain()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var @case = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-11-26"), ("COM_SUBMITTED", "2026-09-01"));
        var relative = await TestData.PersonAsync(Fixture, org.Id, "Mariam", "Relative");
        var today = D("2026-11-26");
        Guid documentId = Guid.Empty, passportId = Guid.Empty, familyPassportId = Guid.Empty;
        (string Input, Func<AppDbContext, Task> Change)[] inputs =
        [
            ("a stage event", async db => db.StageEvents.Add(new StageEvent { OrganisationId = org.Id, CaseId = @case.Id, FromStageCode = "COM_SUBMITTED", ToStageCode = "COM_RFI", EffectiveOn = today, RecordedAt = Fixture.Time.GetUtcNow() })),
            ("a voided stage event", async db => (await db.StageEvents.FirstAsync(e => e.CaseId == @case.Id && e.ToStageCode == "COM_RFI")).VoidedAt = Fixture.Time.GetUtcNow()),
            ("a note", async db => db.CaseNotes.Add(new CaseNote { OrganisationId = org.Id, CaseId = @case.Id, Body = "Called the embassy." })),
            ("a checklist item", async db => db.DocumentItems.Add(new DocumentItem { Id = documentId = Guid.NewGuid(), OrganisationId = org.Id, CaseId = @case.Id, Kind = DocumentKind.Medical, Status = DocumentStatus.Received, StatusOn = today })),
            ("a checklist item's status", async db => (await db.DocumentItems.FirstAsync(d => d.Id == documentId)).Status = DocumentStatus.Verified),
            ("a checklist item removed", async db => db.DocumentItems.Remove(await db.DocumentItems.FirstAsync(d => d.Id == documentId))),
            ("a contact", async db => db.ContactChannels.Add(new ContactChannel { OrganisationId = org.Id, PersonId = @case.PrincipalId, Kind = ContactChannelKind.Phone, Value = "+93700000000", LastSuccessfulContactOn = today })),
            ("a contact's last success", async db => (await db.ContactChannels.FirstAsync(k => k.PersonId == @case.PrincipalId)).LastSuccessfulContactOn = today.AddDays(-1)),
            ("the principal's passport", async db => db.Passports.Add(new Passport { Id = passportId = Guid.NewGuid(), OrganisationId = org.Id, PersonId = @case.PrincipalId, Number = "P0000001", Country = "AF", ExpiresOn = today.AddYears(2) })),
            ("a passport renewed", async db => (await db.Passports.FirstAsync(p => p.Id == passportId)).ExpiresOn = today.AddYears(3)),
            ("a passport removed", async db => db.Passports.Remove(await db.Passports.FirstAsync(p => p.Id == passportId))),
            ("someone joining the family", async db =>
            {
                var person = await db.Persons.FirstAsync(p => p.Id == relative.Id);
                (person.PrincipalId, person.Relationship) = (@case.PrincipalId, Relationship.Spouse);
            }),
            ("a family member's passport", async db => db.Passports.Add(new Passport { Id = familyPassportId = Guid.NewGuid(), OrganisationId = org.Id, PersonId = relative.Id, Number = "P0000002", Country = "AF", ExpiresOn = today.AddYears(2) })),
            ("the case itself", async db => (await db.Cases.FirstAsync(c => c.Id == @case.Id)).HighRisk = true),
            ("the stage catalog", db => db.Database.ExecuteSqlRawAsync("update stages set name = name || '' where code = 'COM_REVIEW'")),
        ];
        var missed = new List<string>();
        var versionChanged = new List<string>();
        foreach (var (input, change) in inputs)
        {
            await SweepAsync("2026-11-26");
            Assert.NotNull(await DueOnAsync(@case.Id));
            var version = (await StoredAsync(@case.Id)).Version;
            await using (var scope = Fixture.Scope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
                await change(db);
                await db.SaveChangesAsync();
            }
            if (await DueOnAsync(@case.Id) is not null) missed.Add(input);
            // Making a case due never touches the case row: a caseworker's open form stays valid after a note or a passport.
            if (input != "the case itself" && (await StoredAsync(@case.Id)).Version != version) versionChanged.Add(input);
        }
        Assert.Empty(missed);
        Assert.Empty(versionChanged);

        // New deadline settings: every case is due again.
        await SweepAsync("2026-11-26");
        await using (var scope = Fixture.Scope())
        {
            var services = scope.ServiceProvider;
            var longerInactivity = new DeadlineSweep(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<ClockSettings>(),
                services.GetRequiredService<SweepSettings>() with { InactivityDays = 61 }, Fixture.Time, services.GetRequiredService<WebhookSignal>(),
                NullLogger<DeadlineSweep>.Instance);
            Assert.True((await longerInactivity.RunAsync(today)).CasesDue >= 1);
        }
    }

    [Fact]
    public async Task TheDailySweep_DecidesOnlyTheCasesWhoseDayHasCome()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        // Reaches its limit on 31 October 2025: 90 days before, 30 days before and the day after are its days.
        var crossing = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2025-02-01"), ("COM_SUBMITTED", "2025-01-31"));
        for (var i = 0; i < 5; i++)
        {
            await CaseBuilder.CaseAsync(Fixture, org.Id, D("2025-02-01"), ("COM_SUBMITTED", "2025-01-31"), ("COM_RFI", "2025-02-01"));
        }
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            db.ContactChannels.AddRange(await db.Cases.Select(c => new ContactChannel { OrganisationId = org.Id, PersonId = c.PrincipalId, Kind = ContactChannelKind.Phone, Value = "+93700000000", LastSuccessfulContactOn = D("2025-12-01") }).ToListAsync());
            db.CaseNotes.AddRange(await db.Cases.Select(c => new CaseNote { OrganisationId = org.Id, CaseId = c.Id, Body = "Still waiting." }).ToListAsync());
            await db.SaveChangesAsync();
        }

        Assert.Equal(6, (await SweepAsync("2025-07-31")).CasesDue);
        Assert.Equal(D("2025-08-02"), await DueOnAsync(crossing.Id));
        Assert.Equal(0, (await SweepAsync("2025-08-01")).CasesDue);
        Assert.Equal(1, (await SweepAsync("2025-08-02")).CasesDue);
        Assert.Equal(D("2025-10-01"), await DueOnAsync(crossing.Id));
        Assert.Equal(FlagType.StatutoryApproaching90, Assert.Single(await FlagsAsync(crossing.Id), f => f.ClearedOn == null && f.Type.ToString().StartsWith("Statutory")).Type);
    }

    private async Task<DateOnly?> DueOnAsync(Guid caseId)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().SweepDue.Where(d => d.CaseId == caseId).Select(d => d.DueOn).SingleAsync();
    }

    [Fact]
    public async Task PausedCases_DoNotAccrue_AndAreNotFlaggedOverdue()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var @case = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2025-06-01"), ("COM_SUBMITTED", "2025-01-01"), ("COM_RFI", "2025-06-01"));

        await SweepAsync("2026-06-01");

        var read = CaseClock.On(await StoredAsync(@case.Id), D("2026-06-01"));
        Assert.Equal((151, 365), (read.GovernmentDays, read.PausedDays));
        Assert.DoesNotContain(await FlagsAsync(@case.Id), f => f.Type == FlagType.StatutoryOverdue);
    }

    [Fact]
    public async Task HighRiskCases_AreNeverFlaggedAsStatutoryBreaches()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var @case = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), SivProgram.AF602B, highRisk: true, ("COM_SUBMITTED", "2024-01-01"));

        await SweepAsync("2026-02-01");

        Assert.True((await StoredAsync(@case.Id)).DaysOver > 0);
        Assert.DoesNotContain(await FlagsAsync(@case.Id), f => f.Type is FlagType.StatutoryOverdue or FlagType.InternalTargetOverdue);
    }

    [Fact]
    public async Task S1059_PastItsTarget_IsAnInternalTargetFlag_NotAStatutoryOne()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var @case = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), SivProgram.S1059, false, ("I360_PREP", "2024-06-01"), ("I360_PENDING", "2025-01-01"));

        await SweepAsync("2026-01-02");

        var flags = await FlagsAsync(@case.Id);
        Assert.Contains(flags, f => f.Type == FlagType.InternalTargetOverdue);
        Assert.DoesNotContain(flags, f => f.Type is FlagType.StatutoryOverdue or FlagType.StatutoryApproaching30 or FlagType.StatutoryApproaching90);
    }

    [Fact]
    public async Task ApproachingWarnings_AtNinetyAndThirtyDays_ThenClearIntoOverdue()
    {
        static IEnumerable<FlagType> Statutory(IEnumerable<CaseFlag> flags) =>
            flags.Where(f => f.ClearedOn == null && f.Type.ToString().StartsWith("Statutory")).Select(f => f.Type);
        var org = await TestData.OrganisationAsync(Fixture);
        var @case = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2025-02-01"), ("COM_SUBMITTED", "2025-01-31"));

        await SweepAsync("2025-08-02");
        Assert.Equal([FlagType.StatutoryApproaching90], Statutory(await FlagsAsync(@case.Id)));
        await SweepAsync("2025-10-01");
        Assert.Equal([FlagType.StatutoryApproaching30], Statutory(await FlagsAsync(@case.Id)));
        await SweepAsync("2025-11-01");

        var flags = await FlagsAsync(@case.Id);
        Assert.Equal([FlagType.StatutoryOverdue], Statutory(flags));
        Assert.Equal(D("2025-10-01"), flags.Single(f => f.Type == FlagType.StatutoryApproaching90).ClearedOn);
        Assert.Equal(D("2025-11-01"), flags.Single(f => f.Type == FlagType.StatutoryApproaching30).ClearedOn);
    }

    [Fact]
    public async Task EachOtherDeadline_FiresAndClearsWhenItsConditionEnds()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var denied = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), ("COM_SUBMITTED", "2025-09-01"), ("COM_DENIED", "2026-01-01"));
        var refused = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), ("COM_SUBMITTED", "2024-01-01"), ("ADMIN_PROCESSING", "2025-06-15"));
        var medical = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), ("COM_SUBMITTED", "2024-01-01"), ("MEDICAL", "2026-01-01"));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.DocumentItems.Add(new DocumentItem { OrganisationId = org.Id, CaseId = medical.Id, PersonId = medical.PrincipalId, Kind = DocumentKind.Medical, Status = DocumentStatus.Received, StatusOn = D("2026-01-10") });
            db.Passports.Add(new Passport { OrganisationId = org.Id, PersonId = denied.PrincipalId, Number = "P1", Country = "AF", ExpiresOn = D("2026-06-30") });
            db.ContactChannels.Add(new ContactChannel { OrganisationId = org.Id, PersonId = refused.PrincipalId, Kind = ContactChannelKind.Phone, Value = "+93700000000", LastSuccessfulContactOn = D("2026-02-01") });
            await db.SaveChangesAsync();
        }

        await SweepAsync("2026-04-02");

        Assert.Contains(await FlagsAsync(denied.Id), f => f.Type == FlagType.ComAppealWindow && f.DeadlineOn == D("2026-05-01") && f.ClearedOn == null);
        Assert.Contains(await FlagsAsync(denied.Id), f => f.Type == FlagType.PassportExpiry && f.DeadlineOn == D("2026-06-30"));
        Assert.Contains(await FlagsAsync(refused.Id), f => f.Type == FlagType.Inactivity);
        Assert.DoesNotContain(await FlagsAsync(refused.Id), f => f.Type is FlagType.Refusal221gDeadline or FlagType.NoContact);
        Assert.Contains(await FlagsAsync(medical.Id), f => f.Type == FlagType.NoContact);
        Assert.DoesNotContain(await FlagsAsync(medical.Id), f => f.Type == FlagType.MedicalExpiry);

        await SweepAsync("2026-06-12");
        Assert.Contains(await FlagsAsync(medical.Id), f => f.Type == FlagType.MedicalExpiry && f.DeadlineOn == D("2026-07-10") && f.ClearedOn == null);
        Assert.Contains(await FlagsAsync(refused.Id), f => f.Type == FlagType.NoContact);
        Assert.Contains(await FlagsAsync(refused.Id), f => f.Type == FlagType.Refusal221gDeadline && f.DeadlineOn == D("2026-06-15"));

        // The conditions end: the appeal is filed, the passport renewed, a note added, the contact made, the visa issued.
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            db.StageEvents.Add(new StageEvent { OrganisationId = org.Id, CaseId = denied.Id, FromStageCode = "COM_DENIED", ToStageCode = "COM_APPEAL", EffectiveOn = D("2026-06-12"), RecordedAt = Fixture.Time.GetUtcNow() });
            db.StageEvents.Add(new StageEvent { OrganisationId = org.Id, CaseId = medical.Id, FromStageCode = "MEDICAL", ToStageCode = "VISA_ISSUED", EffectiveOn = D("2026-06-12"), RecordedAt = Fixture.Time.GetUtcNow() });
            db.Passports.Add(new Passport { OrganisationId = org.Id, PersonId = denied.PrincipalId, Number = "P2", Country = "AF", ExpiresOn = D("2036-06-30") });
            db.CaseNotes.Add(new CaseNote { OrganisationId = org.Id, CaseId = refused.Id, Body = "Spoke with the embassy." });
            await db.ContactChannels.Where(c => c.PersonId == refused.PrincipalId).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastSuccessfulContactOn, D("2026-06-12")));
            await db.SaveChangesAsync();
            var recompute = scope.ServiceProvider.GetRequiredService<ClockRecompute>();
            foreach (var id in new[] { denied.Id, medical.Id })
            {
                var tracked = await db.Cases.SingleAsync(c => c.Id == id);
                recompute.Apply(tracked, await db.StageEvents.Where(e => e.CaseId == id).ToListAsync(), await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code), D("2026-06-12"));
            }
            await db.SaveChangesAsync();
        }
        Fixture.Time.AdjustTime(new DateTimeOffset(2026, 6, 12, 12, 0, 0, TimeSpan.Zero));
        await SweepAsync("2026-06-13");

        Assert.All((await FlagsAsync(denied.Id)).Where(f => f.Type is FlagType.ComAppealWindow or FlagType.PassportExpiry), f => Assert.Equal(D("2026-06-13"), f.ClearedOn));
        Assert.All((await FlagsAsync(refused.Id)).Where(f => f.Type is FlagType.Inactivity or FlagType.NoContact), f => Assert.Equal(D("2026-06-13"), f.ClearedOn));
        Assert.Equal(D("2026-06-13"), (await FlagsAsync(medical.Id)).Single(f => f.Type == FlagType.MedicalExpiry).ClearedOn);

        Assert.Contains(await FlagsAsync(refused.Id), f => f.Type == FlagType.Refusal221gDeadline && f.ClearedOn == null);
    }

    [Fact]
    public async Task SweepingTwice_OrInParallel_LeavesOneFlagPerCondition()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        for (var i = 0; i < 20; i++)
        {
            await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), ("COM_SUBMITTED", "2024-01-01"), ("COM_REVIEW", "2024-02-01"));
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SweepAsync("2026-02-01"))));
        var again = await SweepAsync("2026-02-01");

        Assert.Contains(results, r => r.Ran);
        Assert.Equal(0, again.Raised);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(20, await db.CaseFlags.CountAsync(f => f.Type == FlagType.StatutoryOverdue));
        Assert.False(await db.CaseFlags.GroupBy(f => new { f.CaseId, f.Type }).AnyAsync(g => g.Count() > 1));
    }

    [Fact]
    public async Task NewlyOverdueCases_NotifyReviewersAndAdminsOfAll_AndCaseworkersOfTheirOwn()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var otherCaseworker = await TestUsers.UserAsync(Fixture, "caseworker2@a.test", users.OrganisationA.Id, Roles.Caseworker);
        var mine = await CaseBuilder.CaseAsync(Fixture, users.OrganisationA.Id, D("2026-01-01"), ("COM_SUBMITTED", "2024-01-01"));
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Cases.Where(c => c.Id == mine.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.CaseworkerId, users.CaseworkerA.Id));
        }

        await SweepAsync("2026-02-01");
        await SweepAsync("2026-02-02");

        await using var check = Fixture.Scope();
        var notices = await check.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Notifications.AsNoTracking().ToListAsync();
        Assert.Equal(1, notices.Count(n => n.UserId == users.CaseworkerA.Id));
        Assert.Equal(1, notices.Count(n => n.UserId == users.ReviewerA.Id));
        Assert.Equal(1, notices.Count(n => n.UserId == users.AdminA.Id));
        Assert.DoesNotContain(notices, n => n.UserId == otherCaseworker.Id || n.UserId == users.AdminB.Id);
        // Made in SQL, their ids are ordered by time as the app's are: version 7, the sweep's minute in their first bits.
        var flags = await check.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().CaseFlags.AsNoTracking().ToListAsync();
        foreach (var id in notices.Select(n => n.Id).Concat(flags.Select(f => f.Id)))
        {
            Assert.Equal(7, id.Version);
            var milliseconds = Convert.ToInt64(id.ToString("N")[..12], 16);
            Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
        }
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);
        Assert.Contains(mine.Reference, await client.GetHtmlAsync("/Notifications"));
    }

    [Fact]
    public async Task DigestEmail_HoldsCountsAndALink_AndNoPersonalData()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var @case = await CaseBuilder.CaseAsync(Fixture, users.OrganisationA.Id, D("2026-01-01"), ("COM_SUBMITTED", "2024-01-01"));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            var person = await db.Persons.SingleAsync(p => p.Id == @case.PrincipalId);
            person.GivenNames = "Canaryname";
            person.TazkiraNumber = "TZ-CANARY-1";
            db.Passports.Add(new Passport { OrganisationId = person.OrganisationId, PersonId = person.Id, Number = "PCANARY9", Country = "AF", ExpiresOn = D("2026-03-01") });
            db.ContactChannels.Add(new ContactChannel { OrganisationId = person.OrganisationId, PersonId = person.Id, Kind = ContactChannelKind.Phone, Value = "+93799999999" });
            await db.SaveChangesAsync();
        }
        await SweepAsync("2026-02-01");
        using var smtp = SimpleSmtpServer.Start(PostgresServer.FreePort());
        await using var factory = Fixture.Factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Configuration.Port.ToString(), ["Smtp:Security"] = "None",
        })));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var sent = await scope.ServiceProvider.GetRequiredService<DigestMailer>().SendDueAsync(CancellationToken.None);
            Assert.Equal(2, sent); // the reviewer and the admin of A; the caseworker has no case assigned
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<DigestMailer>().SendDueAsync(CancellationToken.None));
        }

        Assert.Equal(2, smtp.ReceivedEmailCount);
        foreach (var mail in smtp.ReceivedEmail)
        {
            var body = mail.MessageParts[0].BodyData;
            Assert.Contains("Past the nine-month statutory limit: 1", body);
            Assert.Contains($"{DatabaseFixture.PublicUrl}/Cases?Filters.Overdue=true", body);
            foreach (var secret in new[] { "Canaryname", "TZ-CANARY-1", "PCANARY9", "+93799999999", @case.Reference })
            {
                Assert.DoesNotContain(secret, body);
            }
        }
    }

    [Fact]
    public async Task SweepCommand_PrintsWhatItRaisedAndCleared()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), ("COM_SUBMITTED", "2024-01-01"));
        var output = new StringWriter();

        var exit = await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["sweep", "--today", "2026-02-01"], new StringReader(""), output, new StringWriter());
        var bad = await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["sweep", "--today", "1 Feb"], new StringReader(""), new StringWriter(), new StringWriter());

        Assert.Equal(0, exit);
        Assert.Matches(@"Sweep done: \d+ flag\(s\) raised, 0 cleared", output.ToString());
        Assert.Equal(2, bad);
    }

    [Fact]
    public async Task TimedSweeps_RunOncePerInterval_HoweverManyInstancesTick()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), ("COM_SUBMITTED", "2024-01-01"));
        var service = new DeadlineSweepService(Fixture.Factory.Services.GetRequiredService<IServiceScopeFactory>(),
            new SweepSettings { Interval = TimeSpan.FromMinutes(15) }, new SweepStatus(), TimeProvider.System, NullLogger<DeadlineSweepService>.Instance);
        // Instances tick on the same boundaries whatever moment each started.
        var slot = service.SlotOf(DateTimeOffset.Parse("2026-11-26T12:14:59Z"));
        Assert.Equal(DateTimeOffset.Parse("2026-11-26T12:00:00Z"), slot);
        Assert.Equal(slot, service.SlotOf(DateTimeOffset.Parse("2026-11-26T12:00:00Z")));

        async Task<bool> TickAsync(DateTimeOffset? interval)
        {
            await using var scope = Fixture.Scope();
            return (await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(D("2026-11-26"), slot: interval)).Ran;
        }

        Assert.True(await TickAsync(slot));
        Assert.False(await TickAsync(slot));
        Assert.True(await TickAsync(slot.AddMinutes(15)));
        // Run by hand (the CLI), the sweep always runs.
        Assert.True(await TickAsync(null));
    }

    [Fact]
    public async Task TheService_SurvivesTheDatabaseStoppingMidRun_AndCatchesUpWhenItReturns()
    {
        if (!Fixture.Server.OwnsCluster)
        {
            // Against an external server (SIVTRACKER_TEST_DB) the test cannot stop the database.
            return;
        }
        var org = await TestData.OrganisationAsync(Fixture);
        var @case = await CaseBuilder.CaseAsync(Fixture, org.Id, D("2026-01-01"), ("COM_SUBMITTED", "2024-01-01"));
        var status = new SweepStatus { StartedAt = DateTimeOffset.UtcNow };
        var service = new DeadlineSweepService(Fixture.Factory.Services.GetRequiredService<IServiceScopeFactory>(),
            new SweepSettings { Interval = TimeSpan.FromMilliseconds(300) }, status, TimeProvider.System, NullLogger<DeadlineSweepService>.Instance);

        await Fixture.Server.StopClusterAsync("immediate");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var firstTick = status.NextAttempt;
        await service.StartAsync(stop.Token);
        try
        {
            Assert.False(await firstTick.WaitAsync(TimeSpan.FromSeconds(30)), "a sweep succeeded with the database stopped");
            Assert.Null(status.LastSuccessAt);
            await Fixture.Server.StartClusterAsync();
            NpgsqlConnection.ClearAllPools();
            // Each failed tick retries soon after; wait on the ticks themselves until one succeeds.
            var succeeded = false;
            for (var tick = 0; tick < 100 && !succeeded; tick++)
            {
                succeeded = await status.NextAttempt.WaitAsync(TimeSpan.FromSeconds(30));
            }

            Assert.True(succeeded);
            Assert.NotNull(status.LastSuccessAt);
            Assert.Contains(await FlagsAsync(@case.Id), f => f.Type == FlagType.StatutoryOverdue);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

}
