using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Serilog.Core;
using Serilog.Events;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;

namespace SivTracker.IntegrationTests.Reliability;

/// <summary>The database stops, locks up or is fought over: the app answers quickly, loses nothing and recovers by itself.</summary>
public class FaultTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task DatabaseStopped_Pages503Fast_ReadinessFails_AndTheAppRecovers_KeepingEveryAcknowledgedWrite()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, users.OrganisationA.Id, "Outage", "Test");
        var @case = await TestData.CaseAsync(Fixture, users.OrganisationA.Id, person.Id, "OUT-1");
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        var token = (await client.AntiforgeryTokenAsync($"/Cases/Details?id={@case.Id}"))!;
        var registerToken = (await client.AntiforgeryTokenAsync("/Applicants/Create"))!;

        var acknowledgedNotes = new ConcurrentBag<string>();
        var acknowledgedPeople = new ConcurrentBag<string>();
        var outageAnswers = new ConcurrentBag<(HttpStatusCode Status, string Body)>();
        var outage = false;
        // The scenario moves on when the writers have shown each phase, not after a fixed time.
        var acknowledgedBefore = 0;
        var writingBeforeOutage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answeredDuringOutage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writingAfterRecovery = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        async Task WriteLoop(int worker)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                HttpResponseMessage response;
                string marker;
                if (i % 2 == 0)
                {
                    marker = $"note {worker}-{i}";
                    response = await client.PostWithoutTokenAsync($"/Cases/Details?id={@case.Id}&handler=Note", AppClient.Form(("Note.Body", marker), ("__RequestVerificationToken", token)));
                }
                else
                {
                    marker = $"Outagewriter{worker}x{i}";
                    response = await client.PostWithoutTokenAsync("/Applicants/Create", AppClient.Form(("Input.GivenNames", marker), ("Input.OtherSpellings", $"{marker}a\n{marker}b"),
                        ("Input.Passports[0].Number", $"P{worker}{i:D6}"), ("Input.Passports[0].Country", "AF"), ("Input.SafetyStatus", "Unknown"),
                        ("Input.DateOfBirthPrecision", "Exact"), ("__RequestVerificationToken", registerToken)));
                }
                if (response.StatusCode == HttpStatusCode.Redirect)
                {
                    (i % 2 == 0 ? acknowledgedNotes : acknowledgedPeople).Add(marker);
                    var acknowledged = acknowledgedNotes.Count + acknowledgedPeople.Count;
                    if (acknowledged >= 8) writingBeforeOutage.TrySetResult();
                    if (Volatile.Read(ref acknowledgedBefore) > 0 && acknowledged >= Volatile.Read(ref acknowledgedBefore) + 8) writingAfterRecovery.TrySetResult();
                }
                else if (outage)
                {
                    outageAnswers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
                    if (outageAnswers.Count >= 8) answeredDuringOutage.TrySetResult();
                }
            }
        }

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() => WriteLoop(w))).ToList();
        var stopped = false;
        try
        {
            await writingBeforeOutage.Task.WaitAsync(TimeSpan.FromMinutes(1));
            outage = true;
            stopped = true;
            await Fixture.Server.StopClusterAsync("immediate");
            await answeredDuringOutage.Task.WaitAsync(TimeSpan.FromMinutes(1));
            var list = await client.GetAsync("/Cases");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, list.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
            // Liveness is what an orchestrator asks, without a session: the process is up even with the database down.
            using (var probe = new AppClient(Fixture.Factory))
            {
                Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/live")).StatusCode);
            }

            await Fixture.Server.StartClusterAsync();
            stopped = false;
            // Connections broken by the outage fail once each and are replaced; nothing else has to happen.
            var recovered = false;
            for (var attempt = 0; attempt < 500 && !recovered; attempt++)
            {
                recovered = (await client.GetAsync("/Cases")).StatusCode == HttpStatusCode.OK;
            }
            Assert.True(recovered, "the app did not recover after the database restarted");
            outage = false;
            Volatile.Write(ref acknowledgedBefore, acknowledgedNotes.Count + acknowledgedPeople.Count);
            await writingAfterRecovery.Task.WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            // Whatever failed above, the tests after this one need their database back.
            if (stopped) await Fixture.Server.StartClusterAsync();
            NpgsqlConnection.ClearAllPools();
        }

        Assert.NotEmpty(outageAnswers);
        Assert.All(outageAnswers, answer =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
            Assert.Contains("Temporarily unavailable", answer.Body);
            Assert.DoesNotContain("Exception", answer.Body);
        });
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var notes = await db.CaseNotes.Where(n => n.CaseId == @case.Id).Select(n => n.Body).ToListAsync();
        Assert.NotEmpty(acknowledgedNotes);
        Assert.All(acknowledgedNotes, note => Assert.Contains(note, notes));
        var people = (await db.Persons.Select(p => new { p.GivenNames, Aliases = p.Aliases.Count, Passports = p.Passports.Count }).ToListAsync())
            .Where(p => p.GivenNames.StartsWith("Outagewriter", StringComparison.Ordinal)).ToList();
        Assert.All(acknowledgedPeople, name => Assert.Contains(people, p => p.GivenNames == name));
        // Each registration is one transaction: nobody exists without the spellings and passport saved with them.
        Assert.All(people, p => Assert.Equal((2, 1), (p.Aliases, p.Passports)));
    }

    [Fact]
    public async Task ALockedTableAndAFullPool_AnswerQuicklyWith503_ThenServeAgain()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        await using var tight = Fixture.Factory.WithWebHostBuilder(builder => builder.UseSetting("ConnectionStrings:Default",
            Fixture.AppConnectionString + ";Command Timeout=2;Timeout=2;Maximum Pool Size=3"));
        using var client = new AppClient(tight);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Cases")).StatusCode);

        await using var holder = new NpgsqlConnection(Fixture.ConnectionString);
        await holder.OpenAsync();
        var answers = new List<HttpStatusCode>();
        await using (var transaction = await holder.BeginTransactionAsync())
        {
            await new NpgsqlCommand("lock table cases in access exclusive mode", holder, transaction).ExecuteNonQueryAsync();
            answers.AddRange(await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => (await client.GetAsync("/Cases")).StatusCode)));
        }

        // How fast is the connection string's business (its timeouts, checked below); how it answers is the app's.
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Cases")).StatusCode);
    }

    [Fact]
    public async Task ARequestTheClientAbandons_CancelsItsQuery_AndIsLoggedAsClientClosedNotAsAnError()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var sink = new RequestLogSink();
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILogEventSink>(sink)));
        using var client = new AppClient(factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        await using var holder = new NpgsqlConnection(Fixture.ConnectionString);
        await holder.OpenAsync();
        await using (var transaction = await holder.BeginTransactionAsync())
        {
            await new NpgsqlCommand("lock table cases in access exclusive mode", holder, transaction).ExecuteNonQueryAsync();
            using var abandon = new CancellationTokenSource();
            var request = client.GetAsync("/Cases", abandon.Token);
            // Only a superuser sees what another role's sessions are waiting for and running.
            await using (var watcher = new NpgsqlConnection(Fixture.Server.AdminConnectionString))
            {
                await watcher.OpenAsync();
                // Blocked by the session holding the lock: a query's text may be cut before it names the table.
                var waiting = new NpgsqlCommand($"select count(*) from pg_stat_activity where {holder.ProcessID} = any(pg_blocking_pids(pid))", watcher);
                var deadline = Stopwatch.StartNew();
                while ((long)(await waiting.ExecuteScalarAsync())! == 0)
                {
                    Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the page's query never reached the locked table");
                    await Task.Delay(20);
                }
            }
            abandon.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
            await sink.Logged(IsCasesRequest).WaitAsync(TimeSpan.FromSeconds(30));
        }

        var line = Assert.Single(sink.Events, IsCasesRequest);
        Assert.Equal("499", line.Properties["StatusCode"].ToString());
        Assert.Equal(LogEventLevel.Information, line.Level);
        Assert.DoesNotContain(sink.Events, e => e.Level >= LogEventLevel.Error);
        // The query went with the request: nothing is left waiting on the lock once it is released.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Cases")).StatusCode);

        static bool IsCasesRequest(LogEvent e) =>
            e.Properties.TryGetValue("RouteTemplate", out var route) && route.ToString().Contains("Cases");
    }

    private sealed class RequestLogSink : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();
        private readonly ConcurrentBag<(Func<LogEvent, bool> Match, TaskCompletionSource Seen)> _waiting = [];

        public IReadOnlyCollection<LogEvent> Events => _events;

        public void Emit(LogEvent logEvent)
        {
            _events.Enqueue(logEvent);
            foreach (var (match, seen) in _waiting) if (match(logEvent)) seen.TrySetResult();
        }

        /// <summary>Completes when a matching event has been logged, before or after the call.</summary>
        public Task Logged(Func<LogEvent, bool> match)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((match, seen));
            if (_events.Any(match)) seen.TrySetResult();
            return seen.Task;
        }
    }

    [Fact]
    public async Task WebRequests_FailFast_WhenTheDatabaseIsDownOrBusy()
    {
        // The speed of a 503 is these two settings; the fault tests above check that it is a 503, and the bench how fast.
        var plain = new NpgsqlConnectionStringBuilder(Fixture.AppConnectionString);
        plain.Remove("Timeout");
        plain.Remove("Command Timeout");
        await using var app = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Default", plain.ConnectionString));

        var settings = new NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.Equal((5, 15), (settings.Timeout, settings.CommandTimeout));
    }

    [Fact]
    public async Task TwentySimultaneousEditsOfOneCase_OneWins_TheOthersSeeAConflict()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var @case = await CaseBuilder.CaseAsync(Fixture, users.OrganisationA.Id, new DateOnly(2026, 11, 26), ("COM_SUBMITTED", "2026-01-10"));
        var clients = new List<AppClient>();
        try
        {
            var posts = new List<Func<Task<HttpResponseMessage>>>();
            for (var i = 0; i < 20; i++)
            {
                var client = new AppClient(Fixture.Factory);
                clients.Add(client);
                await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
                if (i % 2 == 0)
                {
                    var form = await client.GetHtmlAsync($"/Cases/ChangeStage?id={@case.Id}");
                    var fields = AppClient.Form(("Input.To", "COM_REVIEW"), ("Input.EffectiveOn", $"2026-02-{i + 1:D2}"), ("Input.IdempotencyKey", Html.HiddenValue(form, "Input.IdempotencyKey")),
                        ("Input.Version", Html.HiddenValue(form, "Input.Version")), ("__RequestVerificationToken", Html.HiddenValue(form, "__RequestVerificationToken")));
                    posts.Add(() => client.PostWithoutTokenAsync($"/Cases/ChangeStage?id={@case.Id}", fields));
                }
                else
                {
                    var form = await client.GetHtmlAsync($"/Cases/Settings?id={@case.Id}");
                    var fields = AppClient.Form(("AssignInput.CaseworkerId", users.CaseworkerA.Id.ToString()), ("AssignInput.Priority", i % 4 == 1 ? "High" : "Urgent"),
                        ("AssignInput.Version", Html.HiddenValue(form, "AssignInput.Version")), ("__RequestVerificationToken", Html.HiddenValue(form, "__RequestVerificationToken")));
                    posts.Add(() => client.PostWithoutTokenAsync($"/Cases/Settings?id={@case.Id}&handler=Assign", fields));
                }
            }

            var responses = await Task.WhenAll(posts.Select(post => Task.Run(post)));

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
            var losers = responses.Where(r => r.StatusCode != HttpStatusCode.Redirect).ToList();
            Assert.Equal(19, losers.Count);
            foreach (var loser in losers)
            {
                var page = await loser.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.OK, loser.StatusCode);
                var text = Html.Text(page);
                Assert.True(text.Contains("Someone else recorded a change on this case") || text.Contains("Someone else changed this case"),
                    Html.Parse(page).QuerySelector("main")?.TextContent.Trim());
            }
            await using var scope = Fixture.Scope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            var events = await db.StageEvents.CountAsync(e => e.CaseId == @case.Id && e.ToStageCode == "COM_REVIEW");
            var stored = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == @case.Id);
            // Either the one stage change landed with its case update, or the one settings change did: never a mix.
            Assert.True(events == 1 ? stored.CurrentStageCode == "COM_REVIEW" && stored.Priority == SivTracker.Web.Domain.CasePriority.Normal
                : events == 0 && stored.CurrentStageCode == "COM_SUBMITTED" && stored.Priority != SivTracker.Web.Domain.CasePriority.Normal,
                $"{events} events, stage {stored.CurrentStageCode}, priority {stored.Priority}");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task KillingTheProcessDuringAnImport_LeavesNothingHalfWritten_AndTheImportCanBeRerun()
    {
        var organisation = await TestData.OrganisationAsync(Fixture, "ngo-kill");
        var file = Path.Combine(Path.GetTempPath(), $"kill-import-{Guid.NewGuid():N}.csv");
        await WriteImportFileAsync(file, families: 3000);
        try
        {
            using (var import = StartCli("import", file, "--org", "ngo-kill"))
            {
                // Once the import is writing inside its transaction, kill it without warning.
                Assert.True(await ImportIsWritingAsync(import), "the import never started writing");
                import.Kill(entireProcessTree: true);
                await import.WaitForExitAsync();
            }
            Assert.Equal(0, await CountAsync(organisation.Id));

            using var rerun = StartCli("import", file, "--org", "ngo-kill");
            var output = await rerun.StandardOutput.ReadToEndAsync();
            await rerun.WaitForExitAsync();
            Assert.Equal(0, rerun.ExitCode);
            Assert.Contains("cases: 3000 new", output);
            Assert.Equal(3000, await CountAsync(organisation.Id));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<int> CountAsync(Guid organisationId)
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = organisationId;
        return await db.Cases.CountAsync();
    }

    private static async Task WriteImportFileAsync(string path, int families)
    {
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync("case_ref,relationship,given_names,family_name,date_of_birth,tazkira,program,com_submitted");
        for (var f = 0; f < families; f++)
        {
            await writer.WriteLineAsync($"KILL-{f:D5},principal,Hamid,Family{f},1980-01-01,{5_000_000 + f},AF602B,2024-03-01");
            await writer.WriteLineAsync($"KILL-{f:D5},spouse,Maryam,Family{f},1984-01-01,,,");
            await writer.WriteLineAsync($"KILL-{f:D5},child,Ahmad,Family{f},2012-01-01,,,");
        }
    }

    /// <summary>The CLI as its own process (the test's environment carries the connection string and keys).</summary>
    private static Process StartCli(params string[] args) => StartCli(new Dictionary<string, string>(), interruptible: false, args);

    private static Process StartCli(Dictionary<string, string> environment, params string[] args) => StartCli(environment, interruptible: false, args);

    /// <summary>
    /// Runs the CLI as its own process. Interruptible: with SIGINT's default action restored, because a test run started
    /// in the background inherits SIGINT ignored, and a process never hears a signal it started out ignoring.
    /// </summary>
    private static Process StartCli(Dictionary<string, string> environment, bool interruptible, params string[] args)
    {
        var start = new ProcessStartInfo(interruptible ? "env" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (interruptible)
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SivTracker.Web.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Waits until a process other than the watcher is inside a COPY: an import writing in its transaction.</summary>
    private async Task<bool> ImportIsWritingAsync(Process import)
    {
        // The import connects as the application role; only a superuser sees its query and transaction.
        await using var watcher = new NpgsqlConnection(Fixture.Server.AdminConnectionString);
        await watcher.OpenAsync();
        var writing = false;
        for (var i = 0; i < 600 && !writing && !import.HasExited; i++)
        {
            writing = (long)(await new NpgsqlCommand(
                "select count(*) from pg_stat_activity where pid <> pg_backend_pid() and xact_start is not null and query ilike 'copy%'", watcher).ExecuteScalarAsync())! > 0;
            if (!writing) await Task.Delay(50);
        }
        return writing;
    }

    [Fact]
    public async Task CtrlCDuringAnImport_StopsItCleanly_WritingNothing()
    {
        var organisation = await TestData.OrganisationAsync(Fixture, "ngo-interrupt");
        var file = Path.Combine(Path.GetTempPath(), $"interrupt-import-{Guid.NewGuid():N}.csv");
        // Large enough that the interrupt lands while the import is still writing, however busy the machine.
        await WriteImportFileAsync(file, families: 12000);
        try
        {
            using var import = StartCli(new Dictionary<string, string>(), interruptible: true, "import", file, "--org", "ngo-interrupt");
            Assert.True(await ImportIsWritingAsync(import), "the import never started writing");
            using (var interrupt = Process.Start("kill", ["-INT", import.Id.ToString()]))
            {
                await interrupt.WaitForExitAsync();
            }
            await import.WaitForExitAsync();

            Assert.Equal(130, import.ExitCode);
            Assert.Equal(0, await CountAsync(organisation.Id));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AWrongSetting_StopsACommand_WithTheKeyAndWhatIsWrong()
    {
        // In Production mailed links over plain http are refused (a developer's machine allows them).
        using var command = StartCli(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Clock__LimitMonths"] = "0", ["App__PublicUrl"] = "http://tracker.example.org",
        }, "migrate");
        var error = await command.StandardError.ReadToEndAsync();
        await command.WaitForExitAsync();

        Assert.Equal(1, command.ExitCode);
        Assert.Contains("Clock:LimitMonths must be between 1 and 60", error);
        Assert.Contains("App:PublicUrl must be an absolute https address", error);
        Assert.DoesNotContain("   at ", error);
    }
}
