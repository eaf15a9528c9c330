using System.Security.Cryptography;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
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

    private async Task<StoredFile> StoreAsync(byte[] content, DocumentSettings? settings = null)
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, org.Id, "Hamid");
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = org.Id;
        await using var transaction = await db.Database.BeginTransactionAsync();
        var file = await SealedFiles.WriteAsync(db, new StoredFile { OrganisationId = org.Id, PersonId = person.Id, FileName = "scan", ContentType = "", DataKey = "" },
            new MemoryStream(content), settings ?? Defaults, CancellationToken.None);
        await transaction.CommitAsync();
        return file;
    }

    private async Task<byte[]> ReadAsync(Guid fileId)
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var file = await db.StoredFiles.AsNoTracking().SingleAsync(f => f.Id == fileId);
        var output = new MemoryStream();
        await SealedFiles.CopyToAsync(db, file, output, CancellationToken.None);
        return output.ToArray();
    }

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

    public static TheoryData<string, string> AcceptedTypes => new()
    {
        { "pdf", FileTypes.Pdf }, { "jpeg", FileTypes.Jpeg }, { "png", FileTypes.Png }, { "heic", FileTypes.Heic }, { "webp", FileTypes.WebP },
        { "docx", FileTypes.Docx }, { "xlsx", FileTypes.Xlsx },
    };

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
    public async Task EveryAcceptedType_RoundTrips_WithTheSameSha256_TypedByItsContent(string kind, string contentType)
    {
        var content = Sample(kind);

        var stored = await StoreAsync(content);

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

    private async Task<string> ChunksAsync()
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        return (string)(await new NpgsqlCommand("select md5(string_agg(data, '' order by index)) from stored_file_chunks", connection).ExecuteScalarAsync())!;
    }
}
