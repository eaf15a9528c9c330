namespace SivTracker.Web.Background;

/// <summary>When the last sweep succeeded, for the readiness probe.</summary>
public sealed class SweepStatus
{
    private TaskCompletionSource<bool> _nextAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DateTimeOffset? LastSuccessAt { get; private set; }
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Completes after the next tick, with whether it succeeded: what a caller waits on instead of a timer.</summary>
    public Task<bool> NextAttempt => Volatile.Read(ref _nextAttempt).Task;

    public void Attempted(bool succeeded, DateTimeOffset at)
    {
        if (succeeded) LastSuccessAt = at;
        Interlocked.Exchange(ref _nextAttempt, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(succeeded);
    }
}

/// <summary>
/// Runs the deadline sweep on a timer, in a new scope per tick. A failed tick logs one warning (no stack trace flood)
/// and retries with a growing delay, so a database outage never stops the host and the sweep catches up by itself.
/// </summary>
public sealed class DeadlineSweepService(IServiceScopeFactory scopes, SweepSettings settings, SweepStatus status, TimeProvider time, ILogger<DeadlineSweepService> logger)
    : BackgroundService
{
    /// <summary>The start of the sweep interval <paramref name="at"/> falls in, counted from the Unix epoch so every instance agrees.</summary>
    public DateTimeOffset SlotOf(DateTimeOffset at) =>
        DateTimeOffset.UnixEpoch.AddTicks((at - DateTimeOffset.UnixEpoch).Ticks / settings.Interval.Ticks * settings.Interval.Ticks);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
        {
            logger.LogInformation("Deadline sweep disabled by configuration");
            return;
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using (var scope = scopes.CreateAsyncScope())
                {
                    await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(ct: stoppingToken, slot: SlotOf(time.GetUtcNow()));
                    await scope.ServiceProvider.GetRequiredService<DigestMailer>().SendDueAsync(stoppingToken);
                    var shredded = await scope.ServiceProvider.GetRequiredService<Data.SealedFiles>().ShredDeletedAsync(time.GetUtcNow(), stoppingToken);
                    await scope.ServiceProvider.GetRequiredService<WebhookSender>().PruneAsync(stoppingToken);
                    if (shredded > 0) logger.LogInformation("Destroyed the keys of {Count} file(s) deleted more than {Days} days ago", shredded, Data.SealedFiles.RestoreDays);
                }
                status.Attempted(succeeded: true, time.GetUtcNow());
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                logger.LogWarning("Deadline sweep failed ({Error}); retry {Attempt} soon", exception.GetType().Name, failures);
                status.Attempted(succeeded: false, time.GetUtcNow());
            }
            // After a failure: 5 s, 10 s, 20 s... up to the interval; otherwise the start of the next interval, the
            // moment every instance ticks.
            var now = time.GetUtcNow();
            var delay = failures == 0 ? SlotOf(now) + settings.Interval - now
                : TimeSpan.FromSeconds(Math.Min(settings.Interval.TotalSeconds, 5 * Math.Pow(2, failures - 1)));
            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
