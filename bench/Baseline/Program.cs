using System.Text.Encodings.Web;
using System.Text.Json;
using Npgsql;

// The floor for the benchmark: for each captured page, run exactly the SQL the app ran for it (same statements, same
// parameters) with raw Npgsql and write every row as an HTML table. No EF Core, no Razor, no authentication.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
if (builder.Configuration["ClearCopy"] is not null)
{
    await ClearSearch.CopyAsync(builder.Configuration);
    return;
}
var dataSource = new NpgsqlDataSourceBuilder(builder.Configuration["ConnectionString"]).Build();
var captures = Directory.GetFiles(builder.Configuration["Captures"]!, "*.json")
    .ToDictionary(path => Path.GetFileNameWithoutExtension(path), path => JsonSerializer.Deserialize<List<Statement>>(File.ReadAllText(path))!);

var clear = builder.Configuration["ClearConnectionString"] is { } clearConnection ? NpgsqlDataSource.Create(clearConnection) : null;

var app = builder.Build();
// The clear-text name search, on the copy ClearSearch.CopyAsync made: /clear-search?organisation=ID&q=NAME
app.MapGet("/clear-search", async (Guid organisation, string q, HttpContext context) =>
{
    if (clear is null) return Results.NotFound();
    context.Response.ContentType = "text/html; charset=utf-8";
    await using var writer = new StreamWriter(context.Response.Body);
    await writer.WriteAsync("<!DOCTYPE html><html><head><title>baseline</title></head><body><main>");
    await ClearSearch.SearchAsync(clear, organisation, q, writer);
    await writer.WriteAsync("</main></body></html>");
    return Results.Empty;
});
app.MapGet("/{name}", async (string name, HttpContext context) =>
{
    if (!captures.TryGetValue(name, out var statements)) return Results.NotFound();
    var html = HtmlEncoder.Default;
    context.Response.ContentType = "text/html; charset=utf-8";
    await using var writer = new StreamWriter(context.Response.Body);
    await writer.WriteAsync("<!DOCTYPE html><html><head><title>baseline</title></head><body><main>");
    await using var connection = await dataSource.OpenConnectionAsync();
    foreach (var statement in statements)
    {
        await using var command = new NpgsqlCommand(statement.Sql, connection);
        for (var i = 0; i < statement.Params.Count; i++) command.Parameters.Add(Parameter(statement.Params[i], statement.Types[i]));
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            await writer.WriteAsync("<table>");
            while (await reader.ReadAsync())
            {
                await writer.WriteAsync("<tr>");
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    await writer.WriteAsync("<td>");
                    await writer.WriteAsync(html.Encode(reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                    await writer.WriteAsync("</td>");
                }
                await writer.WriteAsync("</tr>");
            }
            await writer.WriteAsync("</table>");
        } while (await reader.NextResultAsync());
    }
    await writer.WriteAsync("</main></body></html>");
    return Results.Empty;
});
app.Run();

// The types bench/capture.py recovered from the values; the rest go untyped and PostgreSQL infers them, as it would.
static NpgsqlParameter Parameter(string? value, string? type) => value is null
    ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown }
    : type switch
    {
        "date" => new NpgsqlParameter { Value = DateOnly.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
        "timestamptz" => new NpgsqlParameter { Value = DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime },
        "integer" => new NpgsqlParameter { Value = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
        "bigint" => new NpgsqlParameter { Value = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
        // The key of a row the page inserts (its audit row): new every time, as the app makes it.
        "fresh-uuid" => new NpgsqlParameter { Value = Guid.CreateVersion7() },
        _ => new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown },
    };

internal sealed record Statement(
    [property: System.Text.Json.Serialization.JsonPropertyName("sql")] string Sql,
    [property: System.Text.Json.Serialization.JsonPropertyName("params")] List<string?> Params,
    [property: System.Text.Json.Serialization.JsonPropertyName("types")] List<string?> Types);
