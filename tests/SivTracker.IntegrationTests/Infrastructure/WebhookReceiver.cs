using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP receiver on a loopback port, as an NGO's own system would be: it records every request it gets and
/// answers as the test tells it (a status, after a delay), then 204.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Id, string Timestamp, string Signature, string Body);

    private readonly WebApplication _app;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private readonly ConcurrentQueue<(int Status, TimeSpan Delay, bool BreakOff)> _answers = new();
    private readonly ConcurrentBag<Received> _all = [];

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Everything received so far, in no particular order.</summary>
    public IReadOnlyCollection<Received> All => _all;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var received = new Received(http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(), await reader.ReadToEndAsync());
            receiver._all.Add(received);
            receiver._received.Writer.TryWrite(received);
            var (status, delay, breakOff) = receiver._answers.TryDequeue(out var answer) ? answer : (StatusCodes.Status204NoContent, TimeSpan.Zero, false);
            if (breakOff)
            {
                // Headers and part of a body, then the connection drops: what a crashing receiver looks like.
                await http.Response.WriteAsync("partial answer");
                await http.Response.Body.FlushAsync();
                http.Abort();
                return Results.Empty;
            }
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.Url = app.Urls.First() + "/hook";
        return receiver;
    }

    /// <summary>The next requests are answered so, in order; after them, 204.</summary>
    public void Answer(int status, TimeSpan delay = default) => _answers.Enqueue((status, delay, false));

    /// <summary>The next request gets a 200's headers and part of a body, then the connection is dropped.</summary>
    public void BreakOff() => _answers.Enqueue((StatusCodes.Status200OK, TimeSpan.Zero, true));

    /// <summary>The next request received, waiting for it up to <paramref name="within"/>.</summary>
    public async Task<Received> NextAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Requests received and not yet read with NextAsync.</summary>
    public int Waiting => _received.Reader.Count;

    /// <summary>
    /// Checks a request as a receiver following the Standard Webhooks specification would, written out here rather than
    /// calling SivTracker's signer: HMAC-SHA256 keyed with the secret's bytes over "{id}.{timestamp}.{body}".
    /// </summary>
    public static bool SignatureHolds(Received received, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{received.Id}.{received.Timestamp}.{received.Body}")));
        return received.Signature.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s), Encoding.UTF8.GetBytes(expected)));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
