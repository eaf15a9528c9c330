using System.Security.Cryptography;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Documents;

public class SealedFileTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private static readonly DocumentSettings Defaults = new();

    /// <summary>Bytes no real file holds, to look for in everything stored.</summary>
    private static readonly byte[] Canary = Encoding.ASCII.GetBytes("CANARY-HR-LETTER-2nd-BATTALION-SUPERVISOR-7781");

    private static byte[] Content(ReadOnlySpan<byte> header, int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        header.CopyTo(bytes);
        Canary.CopyTo(bytes, header.Length + 10);
        return bytes;
    }

    private static byte[] OfficeFile(bool word)
    {
        using var stream = new MemoryStream();
        if (word)
        {
            using var document = WordprocessingDocument.Create(stream, DocumentFormat.OpenXml.WordprocessingDocumentType.Document);
            document.AddMainDocumentPart().Document = new DocumentFormat.OpenXml.Wordprocessing.Document(new DocumentFormat.OpenXml.Wordprocessing.Body());
        }
        else
        {
            using var document = SpreadsheetDocument.Create(stream, DocumentFormat.OpenXml.SpreadsheetDocumentType.Workbook);
            document.AddWorkbookPart().Workbook = new DocumentFormat.OpenXml.Spreadsheet.Workbook();
        }
        return stream.ToArray();
    }

    /// <summary>The settings for a store: with S3, the test run's s3rver bucket.</summary>
    private static async Task<DocumentSettings> SettingsAsync(FileStore store, DocumentSettings? basis = null) =>
        (basis ?? Defaults) with { Store = store, S3 = (await S3Server.GetAsync()).Settings };

    private async Task<StoredFile> StoreAsync(byte[] content, DocumentSettings? settings = null, FileStore store = FileStore.Postgres)
    {
        var org = await TestData.OrganisationAsync(Fixture, $"ngo-{Guid.NewGuid():N}"[..12]);
        var person = await TestData.PersonAsync(Fixture, org.Id, "Hamid");
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = org.Id;
        var chosen = await SettingsAsync(store, settings);
        using var stores = new FileStores(chosen);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var file = await new SealedFiles(db, chosen, stores).WriteAsync(new StoredFile { OrganisationId = org.Id, PersonId = person.Id, FileName = "scan", ContentType = "", DataKey = "" },
            new MemoryStream(content), CancellationToken.None);
        await transaction.CommitAsync();
        return file;
    }

    private async Task<byte[]> ReadAsync(Guid fileId)
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var file = await db.StoredFiles.AsNoTracking().SingleAsync(f => f.Id == fileId);
        var settings = await SettingsAsync(FileStore.Postgres);
        using var stores = new FileStores(settings);
        var output = new MemoryStream();
        await new SealedFiles(db, settings, stores).CopyToAsync(file, output, CancellationToken.None);
        return output.ToArray();
    }

    /// <summary>The object files s3rver keeps for the bucket: exactly what someone who copied the bucket would hold.</summary>
    private static async Task<List<string>> BucketFilesAsync()
    {
        var s3 = await S3Server.GetAsync();
        var bucket = Path.Combine(s3.Directory, s3.Settings.Bucket);
        return System.IO.Directory.Exists(bucket) ? System.IO.Directory.GetFiles(bucket, "*", SearchOption.AllDirectories).ToList() : [];
    }

    /// <summary>The file's one object, for files of up to sixteen chunks (4 MB); null when it has none.</summary>
    private static async Task<string?> ObjectOfAsync(Guid fileId) =>
        (await BucketFilesAsync()).SingleOrDefault(f => f.Contains(fileId.ToString("N"), StringComparison.Ordinal) && f.EndsWith("._S3rver_object", StringComparison.Ordinal));

    private static async Task<List<string>> ObjectsAsync() => (await BucketFilesAsync()).Where(f => f.EndsWith("._S3rver_object", StringComparison.Ordinal)).Order().ToList();

    private async Task<int> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        return Convert.ToInt32(await new NpgsqlCommand($"select count(*) from {table}", connection).ExecuteScalarAsync());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    public static TheoryData<string, string, FileStore> AcceptedTypes()
    {
        var data = new TheoryData<string, string, FileStore>();
        foreach (var store in Enum.GetValues<FileStore>())
        {
            foreach (var (kind, type) in new[] { ("pdf", FileTypes.Pdf), ("jpeg", FileTypes.Jpeg), ("png", FileTypes.Png), ("heic", FileTypes.Heic), ("webp", FileTypes.WebP),
                         ("docx", FileTypes.Docx), ("xlsx", FileTypes.Xlsx) })
            {
                data.Add(kind, type, store);
            }
        }
        return data;
    }

    private static byte[] Sample(string kind) => kind switch
    {
        // Sizes that span chunks, and one that ends exactly on a chunk boundary.
        "pdf" => Content("%PDF-1.7\n"u8, SealedFiles.ChunkSize * 2 + 1234),
        "jpeg" => Content([0xFF, 0xD8, 0xFF, 0xE0], SealedFiles.ChunkSize * 2),
        "png" => Content([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 5000),
        "heic" => Content([0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c'], SealedFiles.ChunkSize + 1),
        "webp" => Content("RIFF\u0010\u0000\u0000\u0000WEBPVP8 "u8, 3000),
        "docx" => OfficeFile(word: true),
        _ => OfficeFile(word: false),
    };

    [Theory]
    [MemberData(nameof(AcceptedTypes))]
    public async Task EveryAcceptedType_RoundTrips_WithTheSameSha256_TypedByItsContent(string kind, string contentType, FileStore store)
    {
        var content = Sample(kind);

        var stored = await StoreAsync(content, store: store);

        Assert.Equal(store, stored.Store);
        Assert.Equal(store == FileStore.S3, await ObjectOfAsync(stored.Id) is not null);
        Assert.Equal((contentType, content.LongLength), (stored.ContentType, stored.Size));
        var read = await ReadAsync(stored.Id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), Convert.ToHexStringLower(SHA256.HashData(read)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), stored.Sha256);
    }

    [Theory]
    [InlineData("an executable renamed .pdf")]
    [InlineData("an HTML page")]
    [InlineData("a PDF that is also an HTML page")]
    [InlineData("an SVG image")]
    [InlineData("a zip that is not an Office document")]
    [InlineData("an empty file")]
    public async Task RefusedKinds_AreRefusedWithAMessage_AndLeaveNothingBehind(string kind)
    {
        byte[] content = kind switch
        {
            "an executable renamed .pdf" => Content("MZ\u0090\u0000"u8, 4000),
            "an HTML page" => Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
            "a PDF that is also an HTML page" => Encoding.UTF8.GetBytes("%PDF-1.4\n<html><script>fetch('/Applicants')</script></html>\n%%EOF"),
            "an SVG image" => Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
            "a zip that is not an Office document" => ZipOf("notes.txt"),
            _ => [],
        };

        var refused = await Assert.ThrowsAsync<SealedFiles.Refused>(() => StoreAsync(content));

        Assert.Contains("not accepted", refused.Message);
        Assert.Equal((0, 0), (await CountAsync("stored_files"), await CountAsync("stored_file_chunks")));
    }

    private static byte[] ZipOf(string name)
    {
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(zip.CreateEntry(name).Open());
            entry.Write("hello");
        }
        return stream.ToArray();
    }

    [Fact]
    public async Task FileOverTheLimit_IsRefusedNamingTheSetting_AndLeavesNothingBehind()
    {
        var refused = await Assert.ThrowsAsync<SealedFiles.Refused>(() => StoreAsync(Sample("pdf"), new DocumentSettings { MaxFileBytes = SealedFiles.ChunkSize }));

        Assert.Contains("Documents__MaxFileBytes", refused.Message);
        Assert.Equal((0, 0), (await CountAsync("stored_files"), await CountAsync("stored_file_chunks")));
    }

    [Theory]
    [InlineData("update stored_file_chunks set data = set_byte(data, 100, get_byte(data, 100) # 1) where index = 1")]
    [InlineData("update stored_file_chunks set index = 100 where index = 0; update stored_file_chunks set index = 0 where index = 1; update stored_file_chunks set index = 1 where index = 100")]
    [InlineData("delete from stored_file_chunks where index = 2")]
    public async Task AChangedMovedOrMissingChunk_StopsTheDownload(string tampering)
    {
        var stored = await StoreAsync(Sample("pdf"));
        await ExecuteAsync(tampering);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAsync(stored.Id));
    }

    [Fact]
    public async Task ADump_HoldsNoneOfTheFilesBytes_InAnyEncoding()
    {
        await StoreAsync(Sample("pdf"));

        var dump = await TestData.PgDumpAsync(Fixture);

        Assert.Contains("COPY public.stored_file_chunks", dump);
        Assert.DoesNotContain(Encoding.ASCII.GetString(Canary), dump);
        Assert.DoesNotContain(Convert.ToHexStringLower(Canary), dump);
        Assert.DoesNotContain(Convert.ToBase64String(Canary)[..40], dump);
    }

    [Fact]
    public async Task RotatingKeys_RewrapsEachFilesKey_WithoutRewritingItsChunks()
    {
        var content = Sample("pdf");
        var stored = await StoreAsync(content);
        var chunksBefore = await ChunksAsync();
        var original = FieldKeys.Current!;
        var withSecondKey = new Dictionary<string, byte[]>(original.Keys) { ["test2"] = Enumerable.Range(50, 32).Select(i => (byte)i).ToArray() };
        try
        {
            FieldKeys.Current = new FieldKeys { Keys = withSecondKey, CurrentKeyId = "test2", IndexKey = original.IndexKey };

            var exit = await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["rotate-keys"], new StringReader(""), new StringWriter(), new StringWriter());

            Assert.Equal(0, exit);
            await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
            await connection.OpenAsync();
            Assert.StartsWith("enc:test2:", (string)(await new NpgsqlCommand("select data_key from stored_files", connection).ExecuteScalarAsync())!);
            Assert.Equal(chunksBefore, await ChunksAsync());
            Assert.Equal(content, await ReadAsync(stored.Id));
        }
        finally
        {
            FieldKeys.Current = new FieldKeys { Keys = withSecondKey, CurrentKeyId = original.CurrentKeyId, IndexKey = original.IndexKey };
            await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["rotate-keys"], new StringReader(""), new StringWriter(), new StringWriter());
            FieldKeys.Current = original;
        }
    }

    [Theory]
    [InlineData("a changed byte")]
    [InlineData("a cut end")]
    [InlineData("the object gone")]
    public async Task InTheS3Store_AChangedCutOrMissingObject_StopsTheDownload(string tampering)
    {
        var stored = await StoreAsync(Sample("pdf"), store: FileStore.S3);
        var path = (await ObjectOfAsync(stored.Id))!;
        var bytes = await File.ReadAllBytesAsync(path);
        switch (tampering)
        {
            case "a changed byte":
                bytes[SealedFiles.ChunkSize + 100] ^= 1;
                await File.WriteAllBytesAsync(path, bytes);
                break;
            case "a cut end":
                await File.WriteAllBytesAsync(path, bytes[..^1000]);
                break;
            default:
                File.Delete(path);
                break;
        }

        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAsync(stored.Id));
    }

    [Fact]
    public async Task TheBucket_HoldsNoneOfTheFilesBytes_InAnyEncoding()
    {
        var stored = await StoreAsync(Sample("pdf"), store: FileStore.S3);

        var objects = await BucketFilesAsync();
        Assert.Contains(objects, f => f.Contains(stored.Id.ToString("N"), StringComparison.Ordinal));
        var bucket = string.Concat(await Task.WhenAll(objects.Select(f => File.ReadAllTextAsync(f, Encoding.Latin1))));
        Assert.DoesNotContain(Encoding.Latin1.GetString(Canary), bucket);
        Assert.DoesNotContain(Convert.ToHexStringLower(Canary), bucket);
        Assert.DoesNotContain(Convert.ToBase64String(Canary)[..40], bucket);
        Assert.Equal(0, await CountAsync("stored_file_chunks"));
    }

    [Fact]
    public async Task AnS3UploadRefusedPartWay_LeavesNothingInTheBucket_AndNoRow()
    {
        var before = await BucketFilesAsync();
        var large = Content("%PDF-1.7\n"u8, 9 * 1024 * 1024);

        // Two 4 MB objects are in the bucket by the time the file passes the limit.
        var refused = await Assert.ThrowsAsync<SealedFiles.Refused>(() => StoreAsync(large, new DocumentSettings { MaxFileBytes = 8 * 1024 * 1024 + SealedFiles.ChunkSize }, FileStore.S3));

        Assert.Contains("Documents__MaxFileBytes", refused.Message);
        Assert.Equal(before.Order(), (await BucketFilesAsync()).Order());
        Assert.Equal(0, await CountAsync("stored_files"));
    }

    [Fact]
    public async Task ALargeFile_GoesToTheBucketIn4MBObjects_AndComesBackWhole()
    {
        var large = Content("%PDF-1.7\n"u8, 9 * 1024 * 1024 + 17);

        var stored = await StoreAsync(large, store: FileStore.S3);

        Assert.Equal(3, (await ObjectsAsync()).Count(f => f.Contains(stored.Id.ToString("N"), StringComparison.Ordinal)));
        Assert.Equal(large, await ReadAsync(stored.Id));
    }

    [Fact]
    public async Task MigrateDocuments_MovesEveryFileBothWays_AsTheyAre_AndFinishesWhatAnInterruptedRunLeft()
    {
        var contents = new[] { Sample("pdf"), Sample("png"), Sample("jpeg") };
        var files = new List<StoredFile>();
        foreach (var content in contents) files.Add(await StoreAsync(content));
        var sealedBefore = await ChunksAsync(files[0].Id);
        var s3 = await S3Server.GetAsync();
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(s3.AppSettings(storeNewFilesHere: false))));
        // An earlier run was stopped: the first file moved, the second's copy was written but its row never switched.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            await scope.ServiceProvider.GetRequiredService<SealedFiles>().MoveAsync(files[0], FileStore.S3, CancellationToken.None);
            await using var writer = await scope.ServiceProvider.GetRequiredService<FileStores>().For(FileStore.S3).WriteAsync(db, files[1], CancellationToken.None);
            await writer.AddAsync(new byte[100], CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }
        var output = new StringWriter();

        var exit = await SivTracker.Web.Cli.CommandLine.RunAsync(factory.Services, ["migrate-documents", "--to", "s3"], new StringReader(""), output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("Moved 2 file(s)", output.ToString());
        Assert.Equal(0, await CountAsync("stored_file_chunks"));
        foreach (var (file, content) in files.Zip(contents))
        {
            Assert.NotNull(await ObjectOfAsync(file.Id));
            Assert.Equal(content, await ReadAsync(file.Id));
        }
        // The sealed bytes moved as they were: nothing was decrypted on the way.
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(await File.ReadAllBytesAsync((await ObjectOfAsync(files[0].Id))!))), sealedBefore);

        exit = await SivTracker.Web.Cli.CommandLine.RunAsync(factory.Services, ["migrate-documents", "--to", "postgres"], new StringReader(""), output, new StringWriter());

        Assert.Equal(0, exit);
        foreach (var (file, content) in files.Zip(contents))
        {
            Assert.Null(await ObjectOfAsync(file.Id));
            Assert.Equal(content, await ReadAsync(file.Id));
        }
        Assert.Equal(sealedBefore, await ChunksAsync(files[0].Id));
        Assert.Equal(2, await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["migrate-documents", "--to", "elsewhere"], new StringReader(""), output, new StringWriter()));
    }

    private async Task<string> ChunksAsync(Guid? fileId = null)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        var only = fileId is null ? "" : $" where file_id = '{fileId}'";
        return (string)(await new NpgsqlCommand($"select md5(string_agg(data, '' order by index)) from stored_file_chunks{only}", connection).ExecuteScalarAsync())!;
    }
}
