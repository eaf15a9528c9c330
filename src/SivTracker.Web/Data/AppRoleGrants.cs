using System.Text.RegularExpressions;
using Npgsql;

namespace SivTracker.Web.Data;

/// <summary>
/// Gives the application role exactly the privileges written in AppRoleGrants.sql, the one place they are kept; the
/// same file is what scripts/restore.sh applies to a restored database.
/// </summary>
public static partial class AppRoleGrants
{
    private const string ScriptResource = "SivTracker.Web.Data.AppRoleGrants.sql";

    /// <summary>How the script marks the role name (a psql variable, quoted as a literal).</summary>
    private const string RolePlaceholder = ":'app_role'";

    /// <summary>The script refused the role (it does not exist, could act as the owner, or still could change the audit trail).</summary>
    public sealed class Refused(string message, Exception inner) : Exception(message, inner);

    /// <summary>
    /// A role name as PostgreSQL folds an unquoted one: lower-case letters, digits and underscores, not starting with a
    /// digit, at most 63 characters. Nothing that could close a quote or start another statement.
    /// </summary>
    public static bool IsValidRoleName(string? name) => name is not null && RoleName().IsMatch(name);

    /// <summary>
    /// Runs the grants for <paramref name="appRole"/> in one transaction on the owner's connection (the role that owns
    /// the schema and runs migrations). Throws <see cref="Refused"/>, with the script's own message, when the role is
    /// unsafe to run the app as; nothing is changed then.
    /// </summary>
    public static async Task ApplyAsync(string ownerConnectionString, string appRole, CancellationToken ct = default)
    {
        if (!IsValidRoleName(appRole))
        {
            throw new ArgumentException($"'{appRole}' is not a plain lower-case PostgreSQL role name.", nameof(appRole));
        }
        // The name is validated above, so as a literal it cannot break out of its quotes.
        var sql = Script().Replace(RolePlaceholder, $"'{appRole}'", StringComparison.Ordinal).Trim();
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.RaiseException)
        {
            throw new Refused(exception.MessageText, exception);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>The script as shipped, embedded in the assembly.</summary>
    public static string Script()
    {
        using var stream = typeof(AppRoleGrants).Assembly.GetManifestResourceStream(ScriptResource)
            ?? throw new InvalidOperationException($"{ScriptResource} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_]{0,62}\z")]
    private static partial Regex RoleName();
}
