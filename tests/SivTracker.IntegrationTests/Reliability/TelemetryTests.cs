using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;

namespace SivTracker.IntegrationTests.Reliability;

public class TelemetryTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private const string Token = "metrics-token-0123456789abcdef0123456789";

    [Fact]
    public async Task Metrics_AreServedOnlyForTheToken_AndCountTheSweepAndRequests()
    {
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Telemetry:MetricsToken", Token));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync()).Ran);
        }
        await client.GetAsync("/Account/Login");

        // To anyone else /metrics is a path like any other: a visitor who is not signed in is sent to sign in.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Scrape(client, "not-the-token-0123456789abcdef0123456789")).StatusCode);
        var scraped = await Scrape(client, Token);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        var metrics = await scraped.Content.ReadAsStringAsync();
        Assert.Contains("sivtracker_sweep_runs_total{", metrics);
        Assert.Contains("outcome=\"ran\"", metrics);
        Assert.Contains("sivtracker_sweep_duration_seconds_bucket{", metrics);
        Assert.Contains("http_route=\"Account/Login\"", metrics);
    }

    [Fact]
    public async Task Metrics_AreServedToAListedAddress_WithoutAToken()
    {
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Telemetry:MetricsAllowedAddresses", "10.1.2.0/24, 127.0.0.1"));
        var port = PostgresServer.FreePort();
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };

        var scraped = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("# TYPE", await scraped.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LogLines_CarryTheTraceIdOfTheRequest()
    {
        var sink = new TraceIdSink();
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILogEventSink>(sink)));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        Assert.Contains(sink.Events, e => e.TraceId?.ToHexString() == traceId && e.MessageTemplate.Text.StartsWith("HTTP "));
    }

    [Fact]
    public async Task AnUnreachableReportsReplica_LeavesReportsToThePrimary_AndReadinessDegraded()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        await CaseBuilder.CaseAsync(Fixture, users.OrganisationA.Id, new DateOnly(2026, 11, 26), ("PRE_COM", "2026-01-01"), ("COM_SUBMITTED", "2026-01-11"));
        var nobody = $"Host=127.0.0.1;Port={PostgresServer.FreePort()};Username=nobody;Password=x;Database=nothing";
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Reports", nobody));
        using var client = new AppClient(factory);
        await client.SignInAsync(users.AdminA.Email!, TestUsers.Password);

        var export = await client.GetAsync("/Reports/Export?Query.Name=cases&Format=Csv");

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(2, (await export.Content.ReadAsStringAsync()).Trim().Split('\n').Length);
        var ready = await factory.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OnShutdown_ReadinessTurnsUnhealthy_WhileTheServerStillAnswers()
    {
        var factory = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Telemetry:DrainSeconds", "3"));
        var port = PostgresServer.FreePort();
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        var stopping = factory.DisposeAsync().AsTask();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode? status = null;
        while (DateTime.UtcNow < deadline && status != HttpStatusCode.ServiceUnavailable)
        {
            status = (await client.GetAsync("/health/ready")).StatusCode;
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        // Draining, not closed: requests that arrive meanwhile are still served.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        await stopping;
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/health/live"));
    }

    private static Task<HttpResponseMessage> Scrape(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    private sealed class TraceIdSink : ILogEventSink
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<LogEvent> _events = new();

        public IReadOnlyCollection<LogEvent> Events => _events;

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
    }
}
