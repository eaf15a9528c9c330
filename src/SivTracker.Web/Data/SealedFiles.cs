using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data;

/// <summary>Which files are kept, how large, and where: Documents__MaxFileBytes, Documents__MaxCaseBytes, Documents__Types, Documents__Store.</summary>
public sealed record DocumentSettings
{
    public long MaxFileBytes { get; init; } = 25 * 1024 * 1024;

    /// <summary>All the files of one case (or of one person outside a case) together, deleted ones not counted.</summary>
    public long MaxCaseBytes { get; init; } = 500L * 1024 * 1024;

    /// <summary>Content types accepted, from <see cref="FileTypes.Accepted"/>.</summary>
    public string[] Types { get; init; } = FileTypes.Accepted;

    /// <summary>Where new files' chunks go; existing ones move with <c>migrate-documents</c>.</summary>
    public FileStore Store { get; init; } = FileStore.Postgres;

    public S3Settings S3 { get; init; } = new();
}

/// <summary>
/// Files sealed at rest, streamed both ways: each file has its own random AES-256 key (sealed by the key ring in
/// <see cref="StoredFile.DataKey"/>), its bytes go in fixed-size chunks, each AES-GCM with a nonce from its position and
/// the file's id, position and "last" mark as associated data, so a chunk cannot be swapped, reordered, dropped or cut
/// without the download failing. Neither direction holds more than two chunks in memory (and, for S3, one part). The
/// chunks go to PostgreSQL or an S3 bucket (<see cref="FileStores"/>); either holds ciphertext only.
/// </summary>
public sealed class SealedFiles(AppDbContext db, DocumentSettings settings, FileStores stores)
{
    public const int ChunkSize = 256 * 1024;

    /// <summary>How long a deleted file can be restored before its key is destroyed.</summary>
    public const int RestoreDays = 30;

    private const int TagSize = 16;

    public sealed class Refused(string message) : Exception(message);

    /// <summary>
    /// Seals <paramref name="content"/> into a new file row and its chunks, inside the caller's transaction (the
    /// context's), and returns it saved. A type not accepted or a size over a limit is refused before anything of it
    /// stays: the caller's transaction rolls back, and an S3 upload is abandoned.
    /// </summary>
    public async Task<StoredFile> WriteAsync(StoredFile file, Stream content, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A sealed file is written inside a transaction.");
        var key = RandomNumberGenerator.GetBytes(32);
        file.DataKey = Convert.ToBase64String(key);
        file.ChunkSize = ChunkSize;
        var store = stores.Current;
        file.Store = store.Kind;
        var used = await db.StoredFiles.Where(f => f.DeletedAt == null && (file.CaseId != null ? f.CaseId == file.CaseId : f.CaseId == null && f.PersonId == file.PersonId))
            .SumAsync(f => (long?)f.Size, ct) ?? 0;
        var limit = Math.Min(settings.MaxFileBytes, settings.MaxCaseBytes - used);
        var buffer = new byte[ChunkSize];
        var next = new byte[ChunkSize];
        var sealedChunk = new byte[ChunkSize + TagSize];
        var filled = await FillAsync(content, buffer, ct);
        file.ContentType = FileTypes.IsZip(buffer.AsSpan(0, filled)) ? "application/zip" : FileTypes.FromHead(buffer.AsSpan(0, Math.Min(filled, FileTypes.HeadBytes))) ?? "";
        if (file.ContentType.Length == 0 || (file.ContentType != "application/zip" && !settings.Types.Contains(file.ContentType))) throw Unaccepted();
        db.StoredFiles.Add(file);
        await db.SaveChangesAsync(ct);

        using var aes = new AesGcm(key, TagSize);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var index = 0;
        await using (var writer = await store.WriteAsync(db, file, ct))
        {
            while (true)
            {
                // Reading one chunk ahead tells whether this one is the last, which its associated data says.
                var nextFilled = filled == ChunkSize ? await FillAsync(content, next, ct) : 0;
                var last = nextFilled == 0;
                size += filled;
                if (size > limit) throw TooLarge();
                sha.AppendData(buffer, 0, filled);
                await writer.AddAsync(Seal(aes, buffer, filled, sealedChunk, file.Id, index, last), ct);
                if (last)
                {
                    if (file.ContentType == "application/zip") file.ContentType = ZipType(buffer.AsSpan(0, filled), next);
                    break;
                }
                (buffer, next) = (next, buffer);
                filled = nextFilled;
                index++;
            }
            await writer.CompleteAsync(ct);
        }
        file.Size = size;
        file.Sha256 = Convert.ToHexStringLower(sha.GetHashAndReset());
        await db.SaveChangesAsync(ct);
        return file;

        // The directory that names an Office document's parts is at the end, perhaps split over the last two chunks.
        string ZipType(ReadOnlySpan<byte> lastChunk, byte[] previous)
        {
            var tail = index > 0 ? [.. previous, .. lastChunk] : lastChunk.ToArray();
            return FileTypes.FromZipTail(tail) is { } type && settings.Types.Contains(type) ? type : throw Unaccepted();
        }

        Refused TooLarge() => settings.MaxFileBytes <= settings.MaxCaseBytes - used
            ? new($"The file is larger than {Megabytes(settings.MaxFileBytes)} MB, the limit set by Documents__MaxFileBytes.")
            : new($"This file would take the {(file.CaseId is null ? "person's" : "case's")} files past {Megabytes(settings.MaxCaseBytes)} MB, the limit set by Documents__MaxCaseBytes "
                + $"({Megabytes(Math.Max(0, settings.MaxCaseBytes - used))} MB left). Delete files no longer needed, or ask an admin to raise the limit.");
    }

    /// <summary>
    /// Undoes a file written in a transaction that then rolled back: the rollback took its PostgreSQL chunks, but an
    /// S3 object stays unless deleted (unreadable without the key the rollback discarded, and still not left behind).
    /// </summary>
    public async Task DiscardAsync(StoredFile file, CancellationToken ct)
    {
        if (file.Store != FileStore.Postgres) await stores.For(file.Store).DeleteAsync(db, [file.Id], ct);
    }

    /// <summary>
    /// Writes the file's content to <paramref name="destination"/>, a chunk at a time. A chunk that was changed, moved
    /// or left out, or content whose SHA-256 is not the one recorded, stops the copy with a CryptographicException.
    /// </summary>
    public async Task CopyToAsync(StoredFile file, Stream destination, CancellationToken ct)
    {
        var key = Convert.FromBase64String(file.DataKey);
        using var aes = new AesGcm(key, TagSize);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunks = (int)Math.Max(1, (file.Size + file.ChunkSize - 1) / file.ChunkSize);
        var plain = new byte[file.ChunkSize];
        var writing = new byte[file.ChunkSize];
        // One chunk goes out while the next is read and decrypted, so neither side waits on the other.
        var written = Task.CompletedTask;
        var index = 0;
        try
        {
            await foreach (var data in stores.For(file.Store).ReadAsync(db, file, ct))
            {
                if (index >= chunks || data.Count < TagSize) throw new CryptographicException("A chunk of the file is missing or out of place.");
                var length = data.Count - TagSize;
                aes.Decrypt(Nonce(index), data.AsSpan(0, length), data.AsSpan(length), plain.AsSpan(0, length), AssociatedData(file.Id, index, index == chunks - 1));
                sha.AppendData(plain, 0, length);
                await written;
                (plain, writing) = (writing, plain);
                written = destination.WriteAsync(writing.AsMemory(0, length), ct).AsTask();
                index++;
            }
            await written;
        }
        finally
        {
            // A failed check never leaves a write running behind the caller's back.
            await written.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (index != chunks) throw new CryptographicException("The file ends early: chunks are missing.");
        if (!string.Equals(Convert.ToHexStringLower(sha.GetHashAndReset()), file.Sha256, StringComparison.Ordinal))
        {
            throw new CryptographicException("The file's content does not match its recorded SHA-256.");
        }
    }

    /// <summary>
    /// Moves one file's sealed chunks, as they are, to <paramref name="target"/>: copied, then the row switched in a
    /// transaction, then the old copy deleted. Interrupted at any point, the file reads from one store or the other,
    /// and running the move again finishes it.
    /// </summary>
    public async Task MoveAsync(StoredFile file, FileStore target, CancellationToken ct)
    {
        var from = stores.For(file.Store);
        var to = stores.For(target);
        // One side of every move is the bucket, so the database connection serves one side only: the read, or the COPY,
        // which then commits with the switch of the row.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using (var writer = await to.WriteAsync(db, file, ct))
        {
            await foreach (var chunk in from.ReadAsync(db, file, ct)) await writer.AddAsync(chunk, ct);
            await writer.CompleteAsync(ct);
        }
        // By id alone, whatever organisation the context was opened for: a switch that missed the row would let the
        // source copy, the only one it reads, be deleted below.
        await db.StoredFiles.IgnoreQueryFilters().Where(f => f.Id == file.Id).ExecuteUpdateAsync(s => s.SetProperty(f => f.Store, target), ct);
        await transaction.CommitAsync(ct);
        await from.DeleteAsync(db, [file.Id], ct);
        file.Store = target;
    }

    /// <summary>
    /// Crypto-shredding: for every file deleted more than <see cref="RestoreDays"/> ago, in every organisation, the key
    /// is overwritten and the chunks deleted, so nothing of it can be read again, from the database, the bucket or any
    /// backup made after the key ring forgets nothing of it. The row stays, for the audit trail. Returns how many.
    /// </summary>
    public async Task<int> ShredDeletedAsync(DateTimeOffset now, CancellationToken ct)
    {
        var before = now.AddDays(-RestoreDays);
        var files = await db.StoredFiles.IgnoreQueryFilters().Where(f => f.DeletedAt != null && f.DeletedAt < before && f.ShreddedAt == null)
            .Select(f => new { f.Id, f.Store }).ToListAsync(ct);
        if (files.Count == 0) return 0;
        var ids = files.Select(f => f.Id).ToList();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await stores.Postgres.DeleteAsync(db, ids, ct);
            await db.StoredFiles.IgnoreQueryFilters().Where(f => ids.Contains(f.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(f => f.DataKey, "shredded").SetProperty(f => f.Sha256, "").SetProperty(f => f.ShreddedAt, now), ct);
            await transaction.CommitAsync(ct);
        }
        // The keys are gone: what the bucket still holds of them is noise, deleted now (or by migrate-documents' sweep).
        await DeleteObjectsAsync(files.Where(f => f.Store == FileStore.S3).Select(f => f.Id).ToList(), ct);
        return files.Count;
    }

    /// <summary>Deletes files' S3 objects after their rows and keys went (retention, shredding).</summary>
    public async Task DeleteObjectsAsync(IReadOnlyCollection<Guid> fileIds, CancellationToken ct)
    {
        if (fileIds.Count > 0) await stores.For(FileStore.S3).DeleteAsync(db, fileIds, ct);
    }

    /// <summary>
    /// What an interrupted move, a failed delete or a rolled-back upload left in a store: chunks of files that live in
    /// the other store, were shredded, or have no row. Returns how many files' leftovers were deleted.
    /// </summary>
    public async Task<int> DeleteLeftoversAsync(FileStore store, CancellationToken ct)
    {
        if (store == FileStore.Postgres)
        {
            // Not composed (no SingleAsync): a data-modifying WITH must stay the statement's top level.
            return (await db.Database.SqlQueryRaw<int>("""
                with gone as (delete from stored_file_chunks c using stored_files f where f.id = c.file_id and (f.store <> 'Postgres' or f.shredded_at is not null)
                              returning c.file_id)
                select count(distinct file_id)::int as "Value" from gone
                """).ToListAsync(ct)).Single();
        }
        // The bucket is the installation's, not an organisation's: which of its files still live there is asked of
        // every organisation's rows, a thousand ids at a time.
        var leftovers = new List<Guid>();
        var listed = new List<Guid>();
        async Task SortOutAsync()
        {
            var live = await db.StoredFiles.IgnoreQueryFilters().Where(f => listed.Contains(f.Id) && f.Store == FileStore.S3 && f.ShreddedAt == null)
                .Select(f => f.Id).ToListAsync(ct);
            leftovers.AddRange(listed.Except(live));
            listed.Clear();
        }
        await foreach (var id in stores.ListS3Async(ct))
        {
            listed.Add(id);
            if (listed.Count == 1000) await SortOutAsync();
        }
        await SortOutAsync();
        await DeleteObjectsAsync(leftovers, ct);
        return leftovers.Count;
    }

    private static ReadOnlyMemory<byte> Seal(AesGcm aes, byte[] plain, int length, byte[] output, Guid fileId, int index, bool last)
    {
        aes.Encrypt(Nonce(index), plain.AsSpan(0, length), output.AsSpan(0, length), output.AsSpan(length, TagSize), AssociatedData(fileId, index, last));
        return output.AsMemory(0, length + TagSize);
    }

    private static long Megabytes(long bytes) => bytes / (1024 * 1024);

    private Refused Unaccepted() =>
        new($"This kind of file is not accepted. Upload {string.Join(", ", settings.Types.Select(t => FileTypes.Extension(t).TrimStart('.').ToUpperInvariant()).Where(e => e.Length > 0))}.");

    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await content.ReadAsync(buffer.AsMemory(filled), ct)) > 0) filled += read;
        return filled;
    }

    private static byte[] Nonce(int index)
    {
        var nonce = new byte[12];
        BinaryPrimitives.WriteInt64BigEndian(nonce.AsSpan(4), index);
        return nonce;
    }

    private static byte[] AssociatedData(Guid fileId, int index, bool last)
    {
        var data = new byte[16 + 4 + 1];
        fileId.TryWriteBytes(data);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(16), index);
        data[20] = last ? (byte)1 : (byte)0;
        return data;
    }
}
