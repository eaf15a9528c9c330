using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data;

/// <summary>Which files are kept and how large: Documents__MaxFileBytes, Documents__Types.</summary>
public sealed record DocumentSettings
{
    public long MaxFileBytes { get; init; } = 25 * 1024 * 1024;

    /// <summary>Content types accepted, from <see cref="FileTypes.Accepted"/>.</summary>
    public string[] Types { get; init; } = FileTypes.Accepted;
}

/// <summary>
/// Files sealed at rest in PostgreSQL, streamed both ways: each file has its own random AES-256 key (sealed by the key
/// ring in <see cref="StoredFile.DataKey"/>), its bytes go in fixed-size chunks, each AES-GCM with a nonce from its
/// position and the file's id, position and "last" mark as associated data, so a chunk cannot be swapped, reordered,
/// dropped or cut without the download failing. Neither direction holds more than two chunks in memory.
/// </summary>
public static class SealedFiles
{
    public const int ChunkSize = 256 * 1024;

    /// <summary>How long a deleted file can be restored before its key is destroyed.</summary>
    public const int RestoreDays = 30;

    private const int TagSize = 16;

    public sealed class Refused(string message) : Exception(message);

    /// <summary>
    /// Seals <paramref name="content"/> into a new file row and its chunks, inside the caller's transaction (the
    /// context's), and returns it saved. A type not accepted or a size over the limit is refused before anything of
    /// it stays: the caller's transaction rolls back.
    /// </summary>
    public static async Task<StoredFile> WriteAsync(AppDbContext db, StoredFile file, Stream content, DocumentSettings settings, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A sealed file is written inside a transaction.");
        var key = RandomNumberGenerator.GetBytes(32);
        file.DataKey = Convert.ToBase64String(key);
        file.ChunkSize = ChunkSize;
        var buffer = new byte[ChunkSize];
        var next = new byte[ChunkSize];
        var filled = await FillAsync(content, buffer, ct);
        file.ContentType = FileTypes.IsZip(buffer.AsSpan(0, filled)) ? "application/zip" : FileTypes.FromHead(buffer.AsSpan(0, Math.Min(filled, FileTypes.HeadBytes))) ?? "";
        if (file.ContentType.Length == 0 || (file.ContentType != "application/zip" && !settings.Types.Contains(file.ContentType))) throw Unaccepted(settings);
        db.StoredFiles.Add(file);
        await db.SaveChangesAsync(ct);

        using var aes = new AesGcm(key, TagSize);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        long size = 0;
        var index = 0;
        await using (var copy = await connection.BeginBinaryImportAsync("copy stored_file_chunks (file_id, index, data) from stdin (format binary)", ct))
        {
            while (true)
            {
                // Reading one chunk ahead tells whether this one is the last, which its associated data says.
                var nextFilled = filled == ChunkSize ? await FillAsync(content, next, ct) : 0;
                var last = nextFilled == 0;
                size += filled;
                if (size > settings.MaxFileBytes) throw new Refused($"The file is larger than {settings.MaxFileBytes / (1024 * 1024)} MB, the limit set by Documents__MaxFileBytes.");
                sha.AppendData(buffer, 0, filled);
                var sealedChunk = Seal(aes, buffer, filled, file.Id, index, last);
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(file.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(index, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(sealedChunk, NpgsqlDbType.Bytea, ct);
                if (last)
                {
                    if (file.ContentType == "application/zip") file.ContentType = ZipType(buffer.AsSpan(0, filled), next, settings);
                    break;
                }
                (buffer, next) = (next, buffer);
                filled = nextFilled;
                index++;
            }
            await copy.CompleteAsync(ct);
        }
        file.Size = size;
        file.Sha256 = Convert.ToHexStringLower(sha.GetHashAndReset());
        await db.SaveChangesAsync(ct);
        return file;

        // The directory that names an Office document's parts is at the end, perhaps split over the last two chunks.
        string ZipType(ReadOnlySpan<byte> lastChunk, byte[] previous, DocumentSettings accepted)
        {
            var tail = index > 0 ? [.. previous, .. lastChunk] : lastChunk.ToArray();
            return FileTypes.FromZipTail(tail) is { } type && accepted.Types.Contains(type) ? type : throw Unaccepted(accepted);
        }
    }

    /// <summary>
    /// Writes the file's content to <paramref name="destination"/>, a chunk at a time. A chunk that was changed, moved
    /// or left out, or content whose SHA-256 is not the one recorded, stops the copy with a CryptographicException.
    /// </summary>
    public static async Task CopyToAsync(AppDbContext db, StoredFile file, Stream destination, CancellationToken ct)
    {
        var key = Convert.FromBase64String(file.DataKey);
        using var aes = new AesGcm(key, TagSize);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunks = (int)Math.Max(1, (file.Size + file.ChunkSize - 1) / file.ChunkSize);
        var plain = new byte[file.ChunkSize];
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("select index, data from stored_file_chunks where file_id = $1 order by index", connection)
            {
                Parameters = { new() { Value = file.Id } },
                Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
            };
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            var expected = 0;
            while (await reader.ReadAsync(ct))
            {
                var index = reader.GetInt32(0);
                var data = await reader.GetFieldValueAsync<byte[]>(1, ct);
                if (index != expected || index >= chunks || data.Length < TagSize) throw new CryptographicException("A chunk of the file is missing or out of place.");
                var length = data.Length - TagSize;
                aes.Decrypt(Nonce(index), data.AsSpan(0, length), data.AsSpan(length), plain.AsSpan(0, length), AssociatedData(file.Id, index, index == chunks - 1));
                sha.AppendData(plain, 0, length);
                await destination.WriteAsync(plain.AsMemory(0, length), ct);
                expected++;
            }
            if (expected != chunks) throw new CryptographicException("The file ends early: chunks are missing.");
            if (!string.Equals(Convert.ToHexStringLower(sha.GetHashAndReset()), file.Sha256, StringComparison.Ordinal))
            {
                throw new CryptographicException("The file's content does not match its recorded SHA-256.");
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    /// <summary>
    /// Crypto-shredding: for every file deleted more than <see cref="RestoreDays"/> ago, in every organisation, the key
    /// is overwritten and the chunks deleted, so nothing of it can be read again, from the database or any backup made
    /// after the key ring forgets nothing of it. The row stays, for the audit trail. Returns how many were shredded.
    /// </summary>
    public static async Task<int> ShredDeletedAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var before = now.AddDays(-RestoreDays);
        var ids = await db.StoredFiles.IgnoreQueryFilters().Where(f => f.DeletedAt != null && f.DeletedAt < before && f.ShreddedAt == null)
            .Select(f => f.Id).ToListAsync(ct);
        if (ids.Count == 0) return 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.StoredFileChunks.Where(c => ids.Contains(c.FileId)).ExecuteDeleteAsync(ct);
        await db.StoredFiles.IgnoreQueryFilters().Where(f => ids.Contains(f.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(f => f.DataKey, "shredded").SetProperty(f => f.Sha256, "").SetProperty(f => f.ShreddedAt, now), ct);
        await transaction.CommitAsync(ct);
        return ids.Count;
    }

    private static byte[] Seal(AesGcm aes, byte[] plain, int length, Guid fileId, int index, bool last)
    {
        var output = new byte[length + TagSize];
        aes.Encrypt(Nonce(index), plain.AsSpan(0, length), output.AsSpan(0, length), output.AsSpan(length), AssociatedData(fileId, index, last));
        return output;
    }

    private static Refused Unaccepted(DocumentSettings settings) =>
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
