using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Background;

/// <summary>Webhook delivery settings; bound from the "Webhooks" configuration section.</summary>
public sealed record WebhookSettings
{
    public bool Enabled { get; init; } = true;

    /// <summary>How often the sender looks for due messages when nothing wakes it sooner.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a receiver has to answer one attempt.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromHours(24);
    public int BatchSize { get; init; } = 20;

    /// <summary>
    /// Lets subscriptions use http and reach loopback and private networks: for a receiver on the same machine or
    /// network. Off by default, so an admin's URL cannot probe the installation's own network.
    /// </summary>
    public bool AllowLocalReceivers { get; init; }
}

/// <summary>Wakes the sender when a change has queued messages, and tells a waiting caller when a pass has run.</summary>
public sealed class WebhookSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource<int> _nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => _wake.Writer.TryWrite(true);

    public ChannelReader<bool> Wakes => _wake.Reader;

    /// <summary>Completes after the next pass with how many messages it sent, or faults with the pass's error.</summary>
    public Task<int> NextPass => Volatile.Read(ref _nextPass).Task;

    internal void Passed(int sent) => Interlocked.Exchange(ref _nextPass, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(sent);
}

/// <summary>
/// Sends due webhook messages: each claimed by one instance (row locks skipped by the others, and a lease while it is
/// sent), signed the Standard Webhooks way, retried with a doubling delay for 24 hours. A message still failing then
/// pauses its subscription, and the organisation's admins are told.
/// </summary>
public sealed class WebhookSender(AppDbContext db, IHttpClientFactory clients, WebhookSettings settings, IEmailSender email, PublicLinks links, Audit audit,
    TimeProvider time, ILogger<WebhookSender> logger)
{
    public const string ClientName = "webhooks";
    private const int ResponseChars = 300;

    /// <summary>Sends one batch of due messages; returns how many were tried.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        using var span = Telemetry.Source.StartActivity("webhook delivery");
        db.AllOrganisations();
        var now = time.GetUtcNow();
        var lease = now + settings.Timeout + TimeSpan.FromSeconds(30);
        var claimed = await db.Database.SqlQuery<Guid>($"""
            update webhook_messages m set locked_until = {lease}
            where m.id in (
                select w.id from webhook_messages w join webhook_subscriptions s on s.id = w.subscription_id
                where w.status = 'Pending' and w.next_attempt_at <= {now} and (w.locked_until is null or w.locked_until < {now}) and s.paused_at is null
                order by w.next_attempt_at
                limit {settings.BatchSize}
                for update of w skip locked)
            returning m.id as "Value"
            """).ToListAsync(ct);
        if (claimed.Count == 0) return 0;
        var messages = await db.WebhookMessages.Where(m => claimed.Contains(m.Id)).ToListAsync(ct);
        var subscriptionIds = messages.Select(m => m.SubscriptionId).Distinct().ToList();
        var subscriptions = await db.WebhookSubscriptions.Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        // A subscription removed since the claim takes its messages with it.
        messages = messages.Where(m => subscriptions.ContainsKey(m.SubscriptionId)).ToList();
        // One slow receiver does not hold up the others' messages.
        var answers = await Task.WhenAll(messages.Select(m => SendAsync(m, subscriptions[m.SubscriptionId], ct)));
        var paused = new List<WebhookSubscription>();
        now = time.GetUtcNow();
        foreach (var (message, (status, response)) in messages.Zip(answers))
        {
            message.Attempts++;
            message.LastAttemptAt = now;
            message.FirstAttemptAt ??= now;
            message.LastStatusCode = status;
            message.LastResponse = response;
            message.LockedUntil = null;
            if (status is >= 200 and < 300)
            {
                message.Status = WebhookMessageStatus.Delivered;
                message.DeliveredAt = now;
                Telemetry.WebhookDeliveries.Add(1, Telemetry.Tag("outcome", "delivered"));
                continue;
            }
            // Counted from the run's first attempt: a message that waited while its subscription was paused still gets its full day.
            if (Webhooks.NextAttempt(message.Attempts, message.FirstAttemptAt.Value, now, settings.FirstRetry, settings.GiveUpAfter) is { } next)
            {
                message.NextAttemptAt = next;
                Telemetry.WebhookDeliveries.Add(1, Telemetry.Tag("outcome", "retry"));
                continue;
            }
            message.Status = WebhookMessageStatus.Failed;
            Telemetry.WebhookDeliveries.Add(1, Telemetry.Tag("outcome", "failed"));
            var subscription = subscriptions[message.SubscriptionId];
            if (subscription.PausedAt is null)
            {
                subscription.PausedAt = now;
                subscription.PauseReason = $"A message failed for {settings.GiveUpAfter.TotalHours:0} hours; last answer: {(status is null ? response : $"HTTP {status}")}";
                audit.Record(AuditActions.WebhookPaused, "webhook", subscription.Id, $"after {message.Attempts} attempts", subscription.OrganisationId);
                paused.Add(subscription);
            }
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Messages deleted with their subscription while they were out: nothing left to record for them.
            logger.LogInformation("Webhook messages removed while they were being sent");
        }
        foreach (var subscription in paused)
        {
            logger.LogWarning("Webhook subscription {SubscriptionId} paused: deliveries kept failing", subscription.Id);
            await TellAdminsAsync(subscription, ct);
        }
        return messages.Count;
    }

    /// <summary>How long sent and failed messages stay listed on their subscription's page.</summary>
    public static readonly TimeSpan MessagesKeptFor = TimeSpan.FromDays(30);

    /// <summary>Forgets finished messages past <see cref="MessagesKeptFor"/> and idempotency keys past theirs, across organisations.</summary>
    public async Task PruneAsync(CancellationToken ct)
    {
        db.AllOrganisations();
        var now = time.GetUtcNow();
        await db.WebhookMessages.Where(m => m.Status != WebhookMessageStatus.Pending && m.CreatedAt < now - MessagesKeptFor).ExecuteDeleteAsync(ct);
        await db.ApiIdempotencyKeys.Where(k => k.CreatedAt < now - ApiIdempotencyKey.KeptFor).ExecuteDeleteAsync(ct);
    }

    /// <summary>The body every attempt sends: the same bytes each time, so a receiver can check the signature and skip a repeat.</summary>
    public static string Body(WebhookMessage message) =>
        $$"""{"type":{{System.Text.Json.JsonSerializer.Serialize(message.Type)}},"timestamp":"{{message.CreatedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}","data":{{message.Data}}}""";

    private async Task<(int? Status, string? Response)> SendAsync(WebhookMessage message, WebhookSubscription subscription, CancellationToken ct)
    {
        var body = Body(message);
        var id = Webhooks.MessageId(message.Id);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Webhooks.Sign(subscription.Secret, id, timestamp, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var buffer = new char[ResponseChars];
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            var read = await reader.ReadBlockAsync(buffer, timeout.Token);
            return ((int)response.StatusCode, new string(buffer, 0, read));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"No answer within {settings.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A receiver that breaks off mid-answer (or any other failure) fails this message only, never the batch.
            return (null, exception is HttpRequestException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private async Task TellAdminsAsync(WebhookSubscription subscription, CancellationToken ct)
    {
        if (!email.IsConfigured) return;
        var admins = await db.Users.AsNoTracking()
            .Where(u => u.OrganisationId == subscription.OrganisationId && !u.IsDisabled && u.Email != null
                && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)))
            .Select(u => new { u.Email, u.Language }).ToListAsync(ct);
        var host = new Uri(subscription.Url).Host;
        foreach (var admin in admins)
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo((Text.Find(admin.Language) ?? Text.English).Code);
            try
            {
                await email.SendAsync(admin.Email!, T("SivTracker webhook paused"), string.Join("\n",
                    T("Deliveries to {0} kept failing for {1} hours, so SivTracker paused that subscription. Nothing more is sent to it until it is resumed.", host,
                        settings.GiveUpAfter.TotalHours),
                    "",
                    T("See what the receiver answered, and resume it: {0}", links.Webhooks())), ct);
            }
            catch (Exception exception)
            {
                logger.LogWarning("Could not tell an admin that a webhook was paused ({Error})", exception.GetType().Name);
            }
        }
    }

    /// <summary>
    /// Connects only to public addresses unless local receivers are allowed: the name is resolved here, and the address
    /// checked is the address connected to, so a name that resolves inward is refused too.
    /// </summary>
    public static SocketsHttpHandler Handler(WebhookSettings settings) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var allowed = addresses.Where(a => settings.AllowLocalReceivers || !Webhooks.IsPrivate(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "The receiver's address is on a private network, which webhooks do not reach.");
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

/// <summary>Runs the sender whenever a change queued messages, and every poll interval for retries and other instances' messages.</summary>
public sealed class WebhookDeliveryService(IServiceScopeFactory scopes, WebhookSettings settings, WebhookSignal signal, ILogger<WebhookDeliveryService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
        {
            logger.LogInformation("Webhook delivery disabled by configuration");
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                // A full batch means more may be due: go again at once.
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    sent = await scope.ServiceProvider.GetRequiredService<WebhookSender>().DeliverDueAsync(stoppingToken);
                    signal.Passed(sent);
                } while (sent >= settings.BatchSize && !stoppingToken.IsCancellationRequested);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning("Webhook delivery failed ({Error}); next try in {Interval}", exception.GetType().Name, settings.PollInterval);
                signal.Passed(0);
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(settings.PollInterval);
            try
            {
                await signal.Wakes.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
