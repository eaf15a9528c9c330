using System.Threading.Channels;
using SivTracker.Web.Data;

namespace SivTracker.Web.Background;

/// <summary>Progress of the latest full clock recompute, for the page that started it.</summary>
public sealed class ClockRecomputeJobs
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public volatile bool Running;
    public int Done;
    public int Total;
    public DateTimeOffset? FinishedAt;
    public string? Error;

    private TaskCompletionSource _nextRun = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the next run (the one a request made now will start) has finished.</summary>
    public Task NextRunFinished => Volatile.Read(ref _nextRun).Task;

    internal void RunFinished() => Interlocked.Exchange(ref _nextRun, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Queues a recompute; a request while one is queued is folded into it.</summary>
    public void Request() => _requests.Writer.TryWrite(true);

    public ChannelReader<bool> Requests => _requests.Reader;
}

/// <summary>Recomputes every stored clock after a catalog change, outside the request, one run at a time.</summary>
public sealed class ClockRecomputeWorker(IServiceScopeFactory scopes, ClockRecomputeJobs jobs, TimeProvider time, ILogger<ClockRecomputeWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var _ in jobs.Requests.ReadAllAsync(stoppingToken))
        {
            jobs.Running = true;
            jobs.Error = null;
            jobs.Done = 0;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                // A catalog change moves the clocks of every organisation's cases.
                scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
                var changed = await scope.ServiceProvider.GetRequiredService<ClockRecompute>()
                    .RecomputeAllAsync(progress: (done, total) => (jobs.Done, jobs.Total) = (done, total), ct: stoppingToken);
                logger.LogInformation("Recomputed clocks after a catalog change: {Changed} of {Total} cases changed", changed, jobs.Total);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                jobs.Error = "The recompute stopped on an error; it is logged. Start it again from this page.";
                logger.LogError(exception, "Clock recompute failed");
            }
            finally
            {
                jobs.Running = false;
                jobs.FinishedAt = time.GetUtcNow();
                jobs.RunFinished();
            }
        }
    }
}
