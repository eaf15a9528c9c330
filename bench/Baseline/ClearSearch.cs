using System.Globalization;
using System.Text.Encodings.Web;
using Npgsql;
using NpgsqlTypes;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

/// <summary>
/// Name search as it was before names were sealed, for bench/run.sh to compare with: every spelling of a person folded
/// into one clear line, a pg_trgm index over it, and the statements that search ran (every typed word present, then
/// word similarity through the trigram index, then the people found). It runs on a copy of the demo data's names in
/// a database of its own, by raw Npgsql with no sign-in, audit or page, so its figure is the clear-text path's floor.
/// </summary>
internal static class ClearSearch
{
    private const int Limit = 50;

    /// <summary>
    /// Unseals every person's spellings with the bench's keys, folds them as the clear-text search did and copies them
    /// into the table bench/run.sh made in the copy's database.
    /// </summary>
    public static async Task CopyAsync(IConfiguration configuration)
    {
        FieldKeys.Current = FieldKeys.Load(configuration);
        await using var source = NpgsqlDataSource.Create(configuration["ConnectionString"]!);
        await using var target = NpgsqlDataSource.Create(configuration["ClearCopy"]!);
        await using var reading = await source.OpenConnectionAsync();
        await using var writing = await target.OpenConnectionAsync();
        await using var read = new NpgsqlCommand("""
            select p.id, p.organisation_id, p.merged_into_id, p.given_names, p.family_name, p.native_name, a.spellings
            from persons p
            left join (select person_id, array_agg(spelling) as spellings from person_aliases group by person_id) a on a.person_id = p.id
            """, reading);
        await using var rows = await read.ExecuteReaderAsync();
        await using var copy = await writing.BeginBinaryImportAsync("copy persons (id, organisation_id, merged_into_id, search_name) from stdin (format binary)");
        var copied = 0;
        while (await rows.ReadAsync())
        {
            string? Unsealed(int column) => rows.IsDBNull(column) ? null : FieldProtection.Unprotect(rows.GetString(column));
            var aliases = rows.IsDBNull(6) ? [] : rows.GetFieldValue<string[]>(6).Select(FieldProtection.Unprotect);
            var spellings = new[] { Person.FormatName(Unsealed(3)!, Unsealed(4)), Unsealed(5) }.Concat(aliases);
            await copy.StartRowAsync();
            await copy.WriteAsync(rows.GetGuid(0), NpgsqlDbType.Uuid);
            await copy.WriteAsync(rows.GetGuid(1), NpgsqlDbType.Uuid);
            if (rows.IsDBNull(2)) await copy.WriteNullAsync(); else await copy.WriteAsync(rows.GetGuid(2), NpgsqlDbType.Uuid);
            await copy.WriteAsync(NameNormaliser.SearchText(spellings), NpgsqlDbType.Text);
            copied++;
        }
        await copy.CompleteAsync();
        Console.WriteLine(copied.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>One search of organisation <paramref name="organisation"/> for <paramref name="query"/>, written as an HTML table.</summary>
    public static async Task SearchAsync(NpgsqlDataSource clear, Guid organisation, string query, TextWriter writer)
    {
        var name = NameNormaliser.Normalise(query);
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
        await using var connection = await clear.OpenConnectionAsync();
        var found = await HitsAsync(connection, $"""
            select id, word_similarity($1, search_name) as score
            from (select id, search_name from persons
                  where organisation_id = $2 and merged_into_id is null and string_to_array(search_name, ' ') @> $3
                  limit {Limit}) exact
            """, name, organisation, words);
        if (found.Count < Limit)
        {
            foreach (var (id, score) in await HitsAsync(connection, $"""
                select id, word_similarity($1, search_name) as score
                from persons
                where organisation_id = $2 and merged_into_id is null and $1 <% search_name
                order by 2 desc, id
                limit {Limit}
                """, name, organisation, null))
            {
                found[id] = Math.Max(score, found.GetValueOrDefault(id));
            }
        }
        await using var people = new NpgsqlCommand("select id, search_name from persons where id = any($1) and merged_into_id is null", connection);
        people.Parameters.Add(new NpgsqlParameter { Value = found.Keys.ToArray() });
        await using var rows = await people.ExecuteReaderAsync();
        var html = HtmlEncoder.Default;
        await writer.WriteAsync("<table>");
        while (await rows.ReadAsync())
        {
            var id = rows.GetGuid(0);
            await writer.WriteAsync($"<tr><td>{id}</td><td>{html.Encode(rows.GetString(1))}</td><td>{found[id].ToString(CultureInfo.InvariantCulture)}</td></tr>");
        }
        await writer.WriteAsync("</table>");
    }

    private static async Task<Dictionary<Guid, double>> HitsAsync(NpgsqlConnection connection, string sql, string name, Guid organisation, string[]? words)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = organisation });
        if (words is not null) command.Parameters.Add(new NpgsqlParameter { Value = words });
        await using var rows = await command.ExecuteReaderAsync();
        var hits = new Dictionary<Guid, double>();
        while (await rows.ReadAsync()) hits[rows.GetGuid(0)] = rows.GetFloat(1);
        return hits;
    }
}
