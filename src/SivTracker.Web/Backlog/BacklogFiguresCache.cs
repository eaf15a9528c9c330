using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using SivTracker.Web.Data;

namespace SivTracker.Web.Backlog;

public sealed record DashboardSettings
{
    /// <summary>How old the organisation-wide figures may be before a visit refreshes them; 0 computes them on every visit.</summary>
    public int CacheSeconds { get; init; } = 60;
}

/// <summary>
/// The organisation-wide figures are aggregates over every case, so they are computed at most once a minute per
/// organisation (Dashboard__CacheSeconds) however many people open the dashboard. Past that age the figures still
/// answer at once while one background refresh replaces them; nobody waits for the aggregates but the very first
/// visitor of the day. A singleton: the computations in flight are shared by every request.
/// </summary>
public sealed class BacklogFiguresCache(IServiceScopeFactory scopes, IMemoryCache cache, DashboardSettings settings, TimeProvider time,
    ILogger<BacklogFiguresCache> logger)
{
    private readonly ConcurrentDictionary<(Guid, DateOnly), Lazy<Task<BacklogFigures.Figures>>> _computing = new();

    public async Task<BacklogFigures.Figures> GetAsync(Guid organisationId, DateOnly today, CancellationToken ct)
    {
        var seconds = settings.CacheSeconds;
        if (seconds <= 0) return await Computation(organisationId, today).WaitAsync(ct);
        if (cache.TryGetValue((nameof(BacklogFigures), organisationId, today), out BacklogFigures.Figures? cached))
        {
            if (cached!.At.AddSeconds(seconds) < time.GetUtcNow()) _ = Computation(organisationId, today);
            return cached;
        }
        return await Computation(organisationId, today).WaitAsync(ct);
    }

    /// <summary>The computation in flight for an organisation and day, if any: what a caller waits on to see fresh figures.</summary>
    public Task<BacklogFigures.Figures>? InFlight(Guid organisationId, DateOnly today) =>
        _computing.TryGetValue((organisationId, today), out var computing) && computing.IsValueCreated ? computing.Value : null;

    /// <summary>
    /// The one computation in flight for an organisation and day, started if there is none. It runs in its own scope,
    /// outside any request: everyone waiting shares it, and a visitor who gives up neither cancels nor restarts it.
    /// </summary>
    private Task<BacklogFigures.Figures> Computation(Guid organisationId, DateOnly today)
    {
        var key = (organisationId, today);
        return _computing.GetOrAdd(key, _ => new Lazy<Task<BacklogFigures.Figures>>(() =>
        {
            using (ExecutionContext.SuppressFlow())
            {
                return Task.Run(async () =>
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                        db.OrganisationId = organisationId;
                        var figures = await new BacklogFigures(db, time).ComputeAsync(today, CancellationToken.None);
                        cache.Set((nameof(BacklogFigures), organisationId, today), figures, TimeSpan.FromDays(1));
                        return figures;
                    }
                    catch (Exception exception)
                    {
                        // Figures already shown stay; the next visit past their age tries again.
                        logger.LogWarning(exception, "Computing the dashboard figures failed.");
                        throw;
                    }
                    finally
                    {
                        _computing.TryRemove(key, out var _);
                    }
                });
            }
        })).Value;
    }
}
