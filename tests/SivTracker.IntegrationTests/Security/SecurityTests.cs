using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Serilog.Core;
using Serilog.Events;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;

namespace SivTracker.IntegrationTests.Security;

public class SecurityTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task AuditTable_RefusesUpdateDeleteAndTruncate_EvenForTheDatabaseOwner()
    {
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.AuditEvents.Add(new SivTracker.Web.Domain.AuditEvent { At = DateTimeOffset.UtcNow, Action = "test.append-only" });
            await db.SaveChangesAsync();
        }
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();

        foreach (var sql in new[] { "update audit_events set action = 'x' where action = 'test.append-only'", "delete from audit_events where action = 'test.append-only'", "truncate audit_events" })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync());
            Assert.Contains("append-only", error.MessageText);
        }
        Assert.Equal(1L, await new NpgsqlCommand("select count(*) from audit_events where action = 'test.append-only'", connection).ExecuteScalarAsync());
    }

    [Fact]
    public async Task SignInsViewsSearchesAndEdits_EachWriteAnAuditRow_WithoutTheSearchTerm()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, users.OrganisationA.Id, "Audited", "Person");
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, "wrong password entirely");
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        await client.GetHtmlAsync($"/Applicants/Details?id={person.Id}");
        await client.PostFormAsync("/Applicants?handler=Search", [new("Search.Query", "Secretsearchterm")], tokenSource: "/Applicants");

        await using var scope = Fixture.Scope();
        var rows = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking()
            .Where(a => a.UserId == users.CaseworkerA.Id).ToListAsync();
        Assert.Contains(rows, a => a.Action == "sign-in.failed");
        Assert.Contains(rows, a => a.Action == "sign-in.succeeded" && a.OrganisationId == users.OrganisationA.Id);
        Assert.Contains(rows, a => a.Action == "person.viewed" && a.EntityId == person.Id.ToString());
        Assert.Contains(rows, a => a.Action == "applicant.searched" && a.Details == "results=0");
        Assert.DoesNotContain(rows, a => (a.Details ?? "").Contains("Secretsearchterm"));

        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        var log = await admin.GetHtmlAsync($"/Admin/Audit?Filters.Record={person.Id}");
        Assert.Contains("person.viewed", log);
    }

    [Theory]
    [InlineData("/Account/Login", false)]
    [InlineData("/", true)]
    [InlineData("/Applicants", true)]
    [InlineData("/Cases/Details?id=00000000-0000-0000-0000-000000000000", true)]
    [InlineData("/Reports/Export?Query.Name=aging&Format=Csv", true)]
    [InlineData("/health/live", false)]
    [InlineData("/no/such/page", false)]
    public async Task EveryKindOfResponse_CarriesTheSecurityHeaders(string path, bool signedIn)
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        if (signedIn) await client.SignInAsync(users.AdminA.Email!, TestUsers.Password);

        var response = await client.GetAsync(path);

        Assert.Equal(SivTracker.Web.Infrastructure.SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("0", response.Headers.GetValues("X-XSS-Protection").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.Contains("Permissions-Policy"));
        Assert.False(response.Headers.Contains("Server"));
        if (signedIn) Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        if (response.StatusCode == HttpStatusCode.NotFound) Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignIn_IsRateLimitedPerAddress_With429()
    {
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { ["RateLimits:SignInsPerMinute"] = "5" })));
        using var client = new AppClient(factory);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await client.GetAsync("/Account/Login")).StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task CanaryValues_RunThroughThePagesAndTheCli_NeverReachTheLogsTracesOrMetrics()
    {
        var sink = new CapturingSink();
        // Every span and every measurement any source in the process makes while the canaries pass through.
        using var spans = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => sink.Add($"{activity.Source.Name} {activity.DisplayName} {activity.StatusDescription} "
                + string.Join(" ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")) + " " + string.Join(" ", activity.Events.Select(e => e.Name))),
        };
        ActivitySource.AddActivityListener(spans);
        using var measurements = new MeterListener { InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
        void Measured<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            var text = new StringBuilder(instrument.Meter.Name).Append(' ').Append(instrument.Name);
            foreach (var tag in tags) text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
            sink.Add(text.ToString());
        }
        measurements.SetMeasurementEventCallback<long>(Measured);
        measurements.SetMeasurementEventCallback<int>(Measured);
        measurements.SetMeasurementEventCallback<double>(Measured);
        measurements.Start();
        // Spans are made only when they leave for a collector: none without one, and here one is named (nothing
        // listens there), so they are.
        Assert.Null(Fixture.Factory.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
            .ConfigureServices(s => s.AddSingleton<ILogEventSink>(sink)));
        Assert.NotNull(factory.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        var users = await TestUsers.CreateAsync(Fixture);
        string[] canaries = ["Zzcanaryname", "TZCANARY771", "PCANARY881", "+93799123456", "Canary note 991", "Canaryfather", "Zzcanarysecret77"];
        using var client = new AppClient(factory);
        await client.SignInAsync(users.AdminA.Email!, TestUsers.Password);

        var created = await client.PostFormAsync("/Applicants/Create", [
            new("Input.GivenNames", canaries[0]), new("Input.FatherName", canaries[5]), new("Input.TazkiraNumber", canaries[1]),
            new("Input.Passports[0].Number", canaries[2]), new("Input.Passports[0].Country", "AF"), new("Input.Contacts[0].Kind", "Phone"),
            new("Input.Contacts[0].Value", canaries[3]), new("Input.SafetyNotes", canaries[4]), new("Input.SafetyStatus", "InHiding")]);
        var personPath = created.Headers.Location!.ToString();
        await client.GetHtmlAsync(personPath);
        await client.PostFormAsync("/Applicants?handler=Search", [new("Search.Query", canaries[0])], tokenSource: "/Applicants");
        await client.PostFormAsync("/Applicants?handler=Search", [new("Search.Query", canaries[1])], tokenSource: "/Applicants");
        await client.PostFormAsync("/Applicants/Create", [new("Input.GivenNames", canaries[0] + "\0")]);
        await client.GetAsync("/Reports/Export?Query.Name=cases&Format=Csv&Query.IncludeNames=true");
        await client.GetAsync($"/Account/Login?ReturnUrl=/{canaries[0]}");
        // A calendar feed's secret is in its path, so the path must not reach a span either.
        await client.GetAsync("/calendar/Zzcanarysecret77.ics");
        var csv = $"case_ref,relationship,given_names,tazkira,phone,program\nCAN-1,principal,{canaries[0]},{canaries[1]},{canaries[3]},AF602B\nCAN-1,spouse,{canaries[5]},,,AF602B\n";
        var file = Path.Combine(Path.GetTempPath(), $"canary-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv);
        await SivTracker.Web.Cli.CommandLine.RunAsync(factory.Services, ["import", file, "--org", "ngo-a"], new StringReader(""), new StringWriter(), new StringWriter());
        File.Delete(file);

        Assert.NotEmpty(sink.Lines);
        // The listeners heard the spans and metrics the canaries went through.
        Assert.Contains(sink.Lines, line => line.StartsWith("SivTracker import"));
        Assert.Contains(sink.Lines, line => line.StartsWith("Npgsql "));
        Assert.Contains(sink.Lines, line => line.StartsWith("SivTracker sivtracker.exports.rows report=cases"));
        foreach (var canary in canaries)
        {
            var leaked = sink.Lines.FirstOrDefault(line => line.Contains(canary, StringComparison.OrdinalIgnoreCase));
            Assert.True(leaked is null, $"{canary} reached: {leaked}");
        }
    }

    private sealed class CapturingSink : ILogEventSink
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public void Add(string line) => _lines.Enqueue(line);

        public void Emit(LogEvent logEvent)
        {
            var text = new StringBuilder(logEvent.RenderMessage());
            foreach (var property in logEvent.Properties) text.Append(' ').Append(property.Key).Append('=').Append(property.Value);
            if (logEvent.Exception is not null) text.Append(' ').Append(logEvent.Exception);
            _lines.Enqueue(text.ToString());
        }
    }
}
