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
    Task AddAsync(byte[] sealedChunk, CancellationToken ct);

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
    public IAsyncEnumerable<Guid> ListS3Async(CancellationToken ct) => (s3 ?? (S3ChunkStore)For(FileStore.S3)).ListAsync(ct);

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

        public async Task AddAsync(byte[] sealedChunk, CancellationToken ct)
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
/// Chunks as one object per file, named by the file's id, written in multipart parts of a few megabytes so memory stays
/// flat whatever the file's size. The bucket holds ciphertext only; the keys are in PostgreSQL.
/// </summary>
internal sealed class S3ChunkStore : IChunkStore, IDisposable
{
    private const string Prefix = "files/";

    /// <summary>Above S3's 5 MB minimum for every part but the last.</summary>
    private const int PartBytes = 8 * 1024 * 1024;

    private const int TagSize = 16;

    private readonly AmazonS3Client client;
    private readonly string bucket;

    public S3ChunkStore(S3Settings settings)
    {
        bucket = settings.Bucket;
        var config = new AmazonS3Config
        {
            // Servers other than AWS answer at one address for every bucket; they also rarely know AWS's newer
            // trailing checksums, which SHA-256 and AES-GCM make redundant here anyway.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (settings.ServiceUrl.Length > 0)
        {
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

    private static string Key(Guid fileId) => Prefix + fileId.ToString("N");

    public Task<IChunkWriter> WriteAsync(AppDbContext db, StoredFile file, CancellationToken ct) => Task.FromResult<IChunkWriter>(new Writer(client, bucket, Key(file.Id)));

    public async IAsyncEnumerable<ArraySegment<byte>> ReadAsync(AppDbContext db, StoredFile file, [EnumeratorCancellation] CancellationToken ct)
    {
        GetObjectResponse response;
        try
        {
            response = await client.GetObjectAsync(bucket, Key(file.Id), ct);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new CryptographicException("The file's content is missing from the S3 store.");
        }
        using (response)
        {
            var chunks = (int)Math.Max(1, (file.Size + file.ChunkSize - 1) / file.ChunkSize);
            var buffer = new byte[file.ChunkSize + TagSize];
            var body = response.ResponseStream;
            for (var index = 0; index < chunks; index++)
            {
                var length = (int)(index < chunks - 1 ? file.ChunkSize : file.Size - (long)(chunks - 1) * file.ChunkSize) + TagSize;
                if (await ReadAsync(body, buffer.AsMemory(0, length), ct) < length) throw new CryptographicException("The file ends early: chunks are missing.");
                yield return new ArraySegment<byte>(buffer, 0, length);
            }
            if (await ReadAsync(body, buffer.AsMemory(0, 1), ct) > 0) throw new CryptographicException("The stored file is longer than recorded.");
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
        foreach (var id in fileIds) await client.DeleteObjectAsync(bucket, Key(id), ct);
    }

    public async IAsyncEnumerable<Guid> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = Prefix };
        do
        {
            var page = await client.ListObjectsV2Async(request, ct);
            foreach (var item in page.S3Objects ?? [])
            {
                if (Guid.TryParseExact(item.Key[Prefix.Length..], "N", out var id)) yield return id;
            }
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    public void Dispose() => client.Dispose();

    private sealed class Writer(AmazonS3Client client, string bucket, string key) : IChunkWriter
    {
        private readonly byte[] part = new byte[PartBytes + SealedFiles.ChunkSize + TagSize];
        private readonly List<PartETag> parts = [];
        private int filled;
        private string? uploadId;
        private bool completed;

        public async Task AddAsync(byte[] sealedChunk, CancellationToken ct)
        {
            sealedChunk.CopyTo(part, filled);
            filled += sealedChunk.Length;
            if (filled >= PartBytes) await SendPartAsync(ct);
        }

        private async Task SendPartAsync(CancellationToken ct)
        {
            uploadId ??= (await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, ct)).UploadId;
            var number = parts.Count + 1;
            var sent = await client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = number, InputStream = new MemoryStream(part, 0, filled, writable: false), PartSize = filled,
                UseChunkEncoding = false,
            }, ct);
            parts.Add(new PartETag(number, sent.ETag));
            filled = 0;
        }

        public async Task CompleteAsync(CancellationToken ct)
        {
            if (uploadId is null)
            {
                // A file smaller than one part goes in a single request.
                await client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket, Key = key, InputStream = new MemoryStream(part, 0, filled, writable: false), UseChunkEncoding = false,
                }, ct);
            }
            else
            {
                if (filled > 0) await SendPartAsync(ct);
                await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts }, ct);
            }
            completed = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (completed || uploadId is null) return;
            // A refused or interrupted upload leaves no parts behind to be billed. Best effort: the parts are sealed under
            // a key that is never stored, and a failure here must not hide why the upload stopped.
            try
            {
                await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId });
            }
            catch (AmazonServiceException)
            {
            }
            catch (HttpRequestException)
            {
            }
        }
    }
}
