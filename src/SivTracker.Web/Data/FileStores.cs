using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Npgsql;
using NpgsqlTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data;

/// <summary>An S3-compatible bucket for sealed chunks: Documents__S3__Bucket and the rest.</summary>
public sealed record S3Settings
{
    public string Bucket { get; init; } = "";

    /// <summary>Blank for AWS itself; the address of MinIO, Ceph, Garage or another S3-compatible server otherwise.</summary>
    public string ServiceUrl { get; init; } = "";

    public string Region { get; init; } = "us-east-1";

    /// <summary>Blank to use the machine's own AWS credentials (environment, profile or instance role).</summary>
    public string AccessKey { get; init; } = "";

    public string SecretKey { get; init; } = "";
}

/// <summary>
/// Keeps the sealed chunks of files, already encrypted: a store never sees a key or a clear byte. Chunks go in and come
/// out in order; a writer disposed before it completes leaves nothing behind.
/// </summary>
public interface IChunkStore
{
    FileStore Kind { get; }

    /// <summary>Starts writing a file's chunks; for PostgreSQL, inside the context's current transaction.</summary>
    Task<IChunkWriter> WriteAsync(AppDbContext db, StoredFile file, CancellationToken ct);

    /// <summary>The file's sealed chunks in order. Each array is valid until the next is read.</summary>
    IAsyncEnumerable<ArraySegment<byte>> ReadAsync(AppDbContext db, StoredFile file, CancellationToken ct);

    Task DeleteAsync(AppDbContext db, IReadOnlyCollection<Guid> fileIds, CancellationToken ct);
}

public interface IChunkWriter : IAsyncDisposable
{
    /// <summary>Adds the next chunk; the memory is the caller's again once this returns.</summary>
    Task AddAsync(ReadOnlyMemory<byte> sealedChunk, CancellationToken ct);

    Task CompleteAsync(CancellationToken ct);
}

/// <summary>The stores this installation has: PostgreSQL always, S3 when a bucket is set.</summary>
public sealed class FileStores(DocumentSettings settings) : IDisposable
{
    private readonly S3ChunkStore? s3 = settings.S3.Bucket.Length > 0 ? new S3ChunkStore(settings.S3) : null;

    public IChunkStore Postgres { get; } = new PostgresChunkStore();

    /// <summary>Where new files go: Documents__Store.</summary>
    public IChunkStore Current => For(settings.Store);

    public IChunkStore For(FileStore store) => store switch
    {
        FileStore.S3 => s3 ?? throw new InvalidOperationException("Files are in the S3 store, but no bucket is set: set Documents__S3__Bucket (and its address and keys)."),
        _ => Postgres,
    };

    /// <summary>The object names in the bucket, for finding what an interrupted move left behind.</summary>
    public IAsyncEnumerable<Guid> ListS3Async(CancellationToken ct) => ((S3ChunkStore)For(FileStore.S3)).ListAsync(ct);

    public void Dispose() => s3?.Dispose();
}

/// <summary>Chunks as rows of stored_file_chunks, written by binary COPY: one backup holds everything.</summary>
internal sealed class PostgresChunkStore : IChunkStore
{
    public FileStore Kind => FileStore.Postgres;

    public async Task<IChunkWriter> WriteAsync(AppDbContext db, StoredFile file, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        return new Writer(await connection.BeginBinaryImportAsync("copy stored_file_chunks (file_id, index, data) from stdin (format binary)", ct), file.Id);
    }

    public async IAsyncEnumerable<ArraySegment<byte>> ReadAsync(AppDbContext db, StoredFile file, [EnumeratorCancellation] CancellationToken ct)
    {
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
                if (reader.GetInt32(0) != expected++) throw new CryptographicException("A chunk of the file is missing or out of place.");
                yield return await reader.GetFieldValueAsync<byte[]>(1, ct);
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    public Task DeleteAsync(AppDbContext db, IReadOnlyCollection<Guid> fileIds, CancellationToken ct) =>
        db.StoredFileChunks.Where(c => fileIds.Contains(c.FileId)).ExecuteDeleteAsync(ct);

    private sealed class Writer(NpgsqlBinaryImporter copy, Guid fileId) : IChunkWriter
    {
        private int index;

        public async Task AddAsync(ReadOnlyMemory<byte> sealedChunk, CancellationToken ct)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(fileId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(index++, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(sealedChunk, NpgsqlDbType.Bytea, ct);
        }

        public async Task CompleteAsync(CancellationToken ct) => await copy.CompleteAsync(ct);

        // Disposed before completing, the COPY is cancelled and the caller's transaction rolls back.
        public ValueTask DisposeAsync() => copy.DisposeAsync();
    }
}

/// <summary>
/// Chunks as objects of sixteen chunks (4 MB) each, <c>files/&lt;id&gt;/00000</c> on, each sent while the next fills,
/// so memory stays flat whatever the file's size and the upload keeps pace with the request. Plain PUTs and GETs: no
/// multipart upload to complete or abort, which every S3-compatible server does alike. The bucket holds ciphertext
/// only; the keys are in PostgreSQL.
/// </summary>
internal sealed class S3ChunkStore : IChunkStore, IDisposable
{
    private const string Prefix = "files/";

    private const int ChunksPerSegment = 16;

    private const int TagSize = 16;

    private readonly AmazonS3Client client;
    private readonly string bucket;

    public S3ChunkStore(S3Settings settings)
    {
        bucket = settings.Bucket;
        var config = new AmazonS3Config
        {
            // Servers other than AWS rarely know AWS's newer trailing checksums, which SHA-256 and AES-GCM make
            // redundant here anyway.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (settings.ServiceUrl.Length > 0)
        {
            // Servers other than AWS answer at one address for every bucket.
            config.ServiceURL = settings.ServiceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = settings.Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        }
        client = settings.AccessKey.Length > 0 ? new AmazonS3Client(new BasicAWSCredentials(settings.AccessKey, settings.SecretKey), config) : new AmazonS3Client(config);
    }

    public FileStore Kind => FileStore.S3;

    private static string FolderOf(Guid fileId) => $"{Prefix}{fileId:N}/";

    private static string Key(Guid fileId, int segment) => $"{FolderOf(fileId)}{segment:D5}";

    public Task<IChunkWriter> WriteAsync(AppDbContext db, StoredFile file, CancellationToken ct) => Task.FromResult<IChunkWriter>(new Writer(this, file.Id));

    public async IAsyncEnumerable<ArraySegment<byte>> ReadAsync(AppDbContext db, StoredFile file, [EnumeratorCancellation] CancellationToken ct)
    {
        var chunks = (int)Math.Max(1, (file.Size + file.ChunkSize - 1) / file.ChunkSize);
        var segments = (chunks + ChunksPerSegment - 1) / ChunksPerSegment;
        var buffer = new byte[file.ChunkSize + TagSize];
        // The next segment is asked for while this one is read, so the server is never waiting on the reader.
        Task<GetObjectResponse>? next = OpenAsync(file, 0, chunks, ct);
        try
        {
            for (var segment = 0; segment < segments; segment++)
            {
                using var response = await next!;
                next = segment + 1 < segments ? OpenAsync(file, segment + 1, chunks, ct) : null;
                var body = response.ResponseStream;
                for (var index = segment * ChunksPerSegment; index < Math.Min(chunks, (segment + 1) * ChunksPerSegment); index++)
                {
                    var length = (int)(index < chunks - 1 ? file.ChunkSize : file.Size - (long)(chunks - 1) * file.ChunkSize) + TagSize;
                    if (await ReadAsync(body, buffer.AsMemory(0, length), ct) < length) throw new CryptographicException("The file ends early: chunks are missing.");
                    yield return new ArraySegment<byte>(buffer, 0, length);
                }
            }
        }
        finally
        {
            // A reader that stops early (a failed check, a closed download) releases the connection asked for ahead.
            _ = next?.ContinueWith(opened => opened.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// A segment, asked for by its exact range: the recorded size says how long it is, and with a range the client
    /// leaves out its MD5 pass over the body, which AES-GCM's tags and the file's SHA-256 already cover.
    /// </summary>
    private async Task<GetObjectResponse> OpenAsync(StoredFile file, int segment, int chunks, CancellationToken ct)
    {
        var first = segment * ChunksPerSegment;
        var last = Math.Min(chunks, first + ChunksPerSegment) - 1;
        var lastPlain = last < chunks - 1 ? file.ChunkSize : file.Size - (long)(chunks - 1) * file.ChunkSize;
        var length = (long)(last - first) * (file.ChunkSize + TagSize) + lastPlain + TagSize;
        try
        {
            return await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = Key(file.Id, segment), ByteRange = new ByteRange(0, length - 1) }, ct);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            throw new CryptographicException("The file's content is missing from the S3 store.");
        }
    }

    /// <summary>
    /// Reads until <paramref name="buffer"/> is full or the object ends. The client's own check of the body against
    /// the object's checksum is a changed file too, reported as such.
    /// </summary>
    private static async Task<int> ReadAsync(Stream body, Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            return await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        }
        catch (AmazonClientException changed)
        {
            throw new CryptographicException($"The stored file was changed: {changed.Message}");
        }
    }

    public async Task DeleteAsync(AppDbContext db, IReadOnlyCollection<Guid> fileIds, CancellationToken ct)
    {
        foreach (var id in fileIds)
        {
            await foreach (var key in KeysAsync(FolderOf(id), ct)) await client.DeleteObjectAsync(bucket, key, ct);
        }
    }

    public async IAsyncEnumerable<Guid> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        Guid? last = null;
        await foreach (var key in KeysAsync(Prefix, ct))
        {
            if (Guid.TryParseExact(key.AsSpan(Prefix.Length, 32), "N", out var id) && id != last) yield return id;
            last = id;
        }
    }

    private async IAsyncEnumerable<string> KeysAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        do
        {
            var page = await client.ListObjectsV2Async(request, ct);
            foreach (var item in page.S3Objects ?? []) yield return item.Key;
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    public void Dispose() => client.Dispose();

    private sealed class Writer(S3ChunkStore store, Guid fileId) : IChunkWriter
    {
        private const int SegmentBytes = ChunksPerSegment * (SealedFiles.ChunkSize + TagSize);

        /// <summary>Segments on their way while the next fills: enough to keep a server busy, few enough for flat memory.</summary>
        private const int InFlight = 2;

        private readonly Queue<(Task Sent, byte[] Buffer)> sending = new();
        private readonly Stack<byte[]> free = new();
        private byte[] filling = new byte[SegmentBytes];
        private int filled;
        private int chunksFilled;
        private int segments;
        private bool completed;

        public async Task AddAsync(ReadOnlyMemory<byte> sealedChunk, CancellationToken ct)
        {
            sealedChunk.CopyTo(filling.AsMemory(filled));
            filled += sealedChunk.Length;
            if (++chunksFilled == ChunksPerSegment) await SendAsync(ct);
        }

        private async Task SendAsync(CancellationToken ct)
        {
            if (sending.Count == InFlight)
            {
                var (sent, buffer) = sending.Dequeue();
                await sent;
                free.Push(buffer);
            }
            var request = new PutObjectRequest
            {
                BucketName = store.bucket, Key = Key(fileId, segments++), InputStream = new MemoryStream(filling, 0, filled, writable: false), UseChunkEncoding = false,
                // The chunks carry AES-GCM tags and the file a SHA-256, checked on every read. The client's MD5 pass
                // over every byte would add nothing but time, and so would hashing the body into the signature: the
                // request's headers are signed, its body is sealed, and a changed byte fails the read either way.
                DisableDefaultChecksumValidation = true,
            };
            request.Headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
            sending.Enqueue((store.client.PutObjectAsync(request, ct), filling));
            filling = free.Count > 0 ? free.Pop() : new byte[SegmentBytes];
            filled = 0;
            chunksFilled = 0;
        }

        public async Task CompleteAsync(CancellationToken ct)
        {
            if (chunksFilled > 0) await SendAsync(ct);
            while (sending.Count > 0) await sending.Dequeue().Sent;
            completed = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (completed) return;
            // A refused or interrupted upload leaves nothing behind. Best effort: what was sent is sealed under a key
            // that is never stored, and a failure here must not hide why the upload stopped.
            while (sending.Count > 0)
            {
                try
                {
                    await sending.Dequeue().Sent;
                }
                catch (Exception failed) when (failed is AmazonServiceException or HttpRequestException or OperationCanceledException)
                {
                }
            }
            for (var segment = 0; segment < segments; segment++)
            {
                try
                {
                    await store.client.DeleteObjectAsync(store.bucket, Key(fileId, segment));
                }
                catch (Exception failed) when (failed is AmazonServiceException or HttpRequestException)
                {
                }
            }
        }
    }
}
