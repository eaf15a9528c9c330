using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

internal static class MigrateDocumentsCommand
{
    public static Command Create(IServiceProvider services)
    {
        var to = new Option<FileStore>("--to")
        {
            Description = T("The store the files go to."),
            HelpName = "s3|postgres",
            Required = true,
            CustomParser = result => result.Tokens[0].Value.ToLowerInvariant() switch
            {
                "s3" => FileStore.S3,
                "postgres" => FileStore.Postgres,
                _ => CommandLine.Reject<FileStore>(result, T("--to must be s3 or postgres.")),
            },
        };
        var command = new Command("migrate-documents",
            T("Move every stored file's sealed chunks to the S3 bucket (Documents__S3__*) or back into PostgreSQL, one file at a time, as they are: nothing is decrypted. Stopped at any point, every file still reads; running it again finishes the move and deletes what an interrupted run left behind. Set Documents__Store to the same store so new files go there too."))
        {
            to,
        };
        command.SetAction((parse, ct) => RunAsync(services, parse.GetValue(to), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, FileStore target, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>().AllOrganisations();
        var files = services.GetRequiredService<SealedFiles>();
        var settings = services.GetRequiredService<DocumentSettings>();
        if (settings.S3.Bucket.Length == 0)
        {
            error.WriteLine(T("No S3 bucket is set: set Documents__S3__Bucket (and Documents__S3__ServiceUrl, AccessKey and SecretKey for a server other than AWS) first."));
            return 2;
        }
        var source = target == FileStore.S3 ? FileStore.Postgres : FileStore.S3;
        // Every organisation's files (the context above was opened for all of them), ids only: each file is read fresh
        // as it moves, so a deletion or shredding meanwhile is respected.
        var ids = await db.StoredFiles.Where(f => f.Store == source && f.ShreddedAt == null).OrderBy(f => f.Id).Select(f => f.Id).ToListAsync(ct);
        output.WriteLine(T("{0} file(s) to move to {1}.", ids.Count, target));
        long bytes = 0;
        var moved = 0;
        foreach (var id in ids)
        {
            var file = await db.StoredFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id && f.Store == source && f.ShreddedAt == null, ct);
            if (file is null) continue;
            await files.MoveAsync(file, target, ct);
            moved++;
            bytes += file.Size;
            if (moved % 100 == 0) output.WriteLine(T("Moved {0} of {1} file(s), {2} MB.", moved, ids.Count, bytes / (1024 * 1024)));
        }
        var leftovers = await files.DeleteLeftoversAsync(source, ct);
        output.WriteLine(T("Moved {0} file(s) ({1} MB) to {2}; deleted the leftovers of {3} file(s) from {4}.", moved, bytes / (1024 * 1024), target, leftovers, source)
            + (settings.Store == target ? "" : " " + T("New files still go to {0}: set Documents__Store={1}.", settings.Store, target)));
        return 0;
    }
}
