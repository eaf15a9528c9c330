using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Imports;

/// <summary>
/// Checked spreadsheets waiting for the admin's confirmation, and the queue of confirmed ones. A checked sheet is
/// kept in memory only, for an hour: nothing of it is written until the admin confirms.
/// </summary>
public sealed class ImportJobs(TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, (ImportFile.Sheet Sheet, Guid OrganisationId, Guid? UserId, DateTimeOffset At, ImportMapping? Mapping, IReadOnlyDictionary<int, Guid>? Attach)> _checked = new();
    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _finished = new();

    /// <summary>
    /// Completes when the worker has finished the import, however it ended: a signal to wait on, never a poll. Kept for
    /// the life of the process (one small entry per import), so asking after the end still answers.
    /// </summary>
    public Task Finished(Guid importId) => Signal(importId).Task;

    internal void Finish(Guid importId) => Signal(importId).TrySetResult();

    private TaskCompletionSource Signal(Guid importId) => _finished.GetOrAdd(importId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>
    /// Keeps a file in memory under an id: an upload waiting for its columns to be mapped, or a checked import (with
    /// the mapping it was read through) waiting for confirmation.
    /// </summary>
    public void Keep(Guid importId, ImportFile.Sheet sheet, Guid organisationId, Guid? userId, ImportMapping? mapping = null)
    {
        foreach (var stale in _checked.Where(e => time.GetUtcNow() - e.Value.At > TimeSpan.FromHours(1)).Select(e => e.Key).ToList())
        {
            _checked.TryRemove(stale, out _);
        }
        _checked[importId] = (sheet, organisationId, userId, time.GetUtcNow(), mapping, null);
    }

    /// <summary>A kept file of the organisation, left in place.</summary>
    public (ImportFile.Sheet Sheet, ImportMapping? Mapping)? Peek(Guid importId, Guid organisationId) =>
        _checked.TryGetValue(importId, out var entry) && entry.OrganisationId == organisationId ? (entry.Sheet, entry.Mapping) : null;

    /// <summary>Queues a checked file, with the people the admin said some of its new principals are.</summary>
    public bool Queue(Guid importId, Guid organisationId, IReadOnlyDictionary<int, Guid>? attach = null)
    {
        if (!_checked.TryGetValue(importId, out var entry) || entry.OrganisationId != organisationId) return false;
        _checked[importId] = entry with { Attach = attach };
        return _queue.Writer.TryWrite(importId);
    }

    public bool TryTake(Guid importId, out (ImportFile.Sheet Sheet, Guid OrganisationId, Guid? UserId, DateTimeOffset At, ImportMapping? Mapping, IReadOnlyDictionary<int, Guid>? Attach) entry) => _checked.TryRemove(importId, out entry);

    public ChannelReader<Guid> Queued => _queue.Reader;
}

/// <summary>Commits confirmed imports outside the request, so a large file never times out the page.</summary>
public sealed class ImportWorker(IServiceScopeFactory scopes, ImportJobs jobs, TimeProvider time, ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var importId in jobs.Queued.ReadAllAsync(stoppingToken))
        {
            await using var scope = scopes.CreateAsyncScope();
            if (!jobs.TryTake(importId, out var entry)) continue;
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            // No signed-in user here: the organisation that checked the file is named before anything is read.
            db.OrganisationId = entry.OrganisationId;
            var record = await db.Imports.FirstOrDefaultAsync(r => r.Id == importId, stoppingToken);
            if (record is null)
            {
                jobs.Finish(importId);
                continue;
            }
            record.Status = ImportStatus.Running;
            await db.SaveChangesAsync(stoppingToken);
            try
            {
                var outcome = await scope.ServiceProvider.GetRequiredService<SpreadsheetImport>().RunAsync(entry.Sheet, entry.OrganisationId, entry.UserId, commit: true, stoppingToken, entry.Mapping, entry.Attach);
                record.Status = outcome.Committed ? ImportStatus.Succeeded : ImportStatus.Failed;
                record.Problems = outcome.Problems.Count;
                record.Summary = Describe(outcome.Summary);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The transaction rolled back: nothing of the file was written.
                logger.LogError("Import {ImportId} failed: {Error}", importId, exception.GetType().Name);
                db.ChangeTracker.Clear();
                record = await db.Imports.FirstAsync(r => r.Id == importId, stoppingToken);
                record.Status = ImportStatus.Failed;
                record.Summary = "Stopped on an error; nothing was written. Try again, or ask for help with the log's request id.";
            }
            record.FinishedAt = time.GetUtcNow();
            await db.SaveChangesAsync(stoppingToken);
            jobs.Finish(importId);
        }
    }

    public static string Describe(SpreadsheetImport.Summary s) =>
        $"cases: {s.CasesCreated} new, {s.CasesUpdated} updated, {s.CasesUnchanged} unchanged; people: {s.PeopleCreated} new, {s.PeopleUpdated} updated, {s.PeopleUnchanged} unchanged; {s.StageEventsAdded} stage events";
}
