using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Cli;

internal static class RotateKeysCommand
{
    public static Command Create(IServiceProvider services)
    {
        var command = new Command("rotate-keys",
            T("Re-encrypt every protected field with the current key (FieldEncryption__CurrentKeyId) and recompute every blind index with the current index key (FieldEncryption__IndexKey), in batches; values still unencrypted are encrypted too."));
        command.SetAction((parse, ct) => RunAsync(services, parse.InvocationConfiguration.Output, ct));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        db.Database.SetCommandTimeout(AppDbContext.BatchCommandTimeoutSeconds);
        var total = await FieldSealing.SealAsync(db, output, ct);
        output.WriteLine(T("Rotated {0} row(s) to key {1}.", total, FieldKeys.Current!.CurrentKeyId));
        return 0;
    }
}
