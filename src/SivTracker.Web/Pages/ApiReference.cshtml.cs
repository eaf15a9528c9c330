using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages;

/// <summary>
/// The API's reference at /api/docs, read from the same generated OpenAPI document a client downloads: every operation
/// with its scope, parameters, body and answers, and every schema. Rendered here, in the app's own page (its languages,
/// its Content-Security-Policy), rather than by a script bundle.
/// </summary>
[Authorize(Policy = ApiAuth.DocumentReaderPolicy)]
public class ApiReferenceModel([FromKeyedServices("v1")] IOpenApiDocumentProvider documents) : PageModel
{
    public sealed record Parameter(string Name, string In, bool Required, string Type, string? Description);

    public sealed record Answer(string Status, string Description, string? Type);

    public sealed record Operation(string Method, string Path, string? Summary, IReadOnlyList<string> Scopes, IReadOnlyList<Parameter> Parameters, string? Body,
        IReadOnlyList<Answer> Answers)
    {
        public string Anchor => $"{Method}-{Path}".ToLowerInvariant().Replace('/', '-').Replace("{", "").Replace("}", "");
    }

    public sealed record Property(string Name, string Type, bool Required);

    public sealed record Schema(string Name, IReadOnlyList<Property> Properties, IReadOnlyList<string> Values);

    public IReadOnlyList<IGrouping<string, Operation>> Groups { get; private set; } = [];
    public IReadOnlyList<Schema> Schemas { get; private set; } = [];

    [NotAudited("The API's description: routes, scopes and schemas, no data of any organisation.")]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var document = await documents.GetOpenApiDocumentAsync(ct);
        var root = JsonDocument.Parse(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, ct)).RootElement;
        var operations = new List<Operation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var o = operation.Value;
                var scopes = o.TryGetProperty("security", out var security)
                    ? security.EnumerateArray().SelectMany(s => s.EnumerateObject()).SelectMany(s => s.Value.EnumerateArray()).Select(s => s.GetString()!).ToList()
                    : [];
                var parameters = o.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Select(p => new Parameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                        p.TryGetProperty("required", out var r) && r.GetBoolean(), p.TryGetProperty("schema", out var s) ? TypeOf(s) : "",
                        p.TryGetProperty("description", out var d) ? d.GetString() : null)).ToList()
                    : [];
                string? body = o.TryGetProperty("requestBody", out var rb) && rb.TryGetProperty("content", out var content)
                    ? content.EnumerateObject().Select(c => c.Value.TryGetProperty("schema", out var s) ? TypeOf(s) : c.Name).FirstOrDefault()
                    : null;
                var answers = o.TryGetProperty("responses", out var responses)
                    ? responses.EnumerateObject().Select(r => new Answer(r.Name, r.Value.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "",
                        r.Value.TryGetProperty("content", out var c) ? c.EnumerateObject().Select(x => x.Value.TryGetProperty("schema", out var s) ? TypeOf(s) : x.Name).FirstOrDefault() : null))
                        .OrderBy(a => a.Status, StringComparer.Ordinal).ToList()
                    : [];
                operations.Add(new Operation(operation.Name.ToUpperInvariant(), path.Name, o.TryGetProperty("summary", out var summary) ? summary.GetString() : null,
                    scopes, parameters, body, answers));
            }
        }
        // Grouped by the resource the path names: /api/v1/cases/... under "cases".
        Groups = operations.OrderBy(o => o.Path, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal)
            .GroupBy(o => o.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) ?? o.Path).ToList();
        Schemas = root.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var schemas)
            ? schemas.EnumerateObject().OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => new Schema(s.Name,
                s.Value.TryGetProperty("properties", out var properties)
                    ? properties.EnumerateObject().Select(p => new Property(p.Name, TypeOf(p.Value),
                        s.Value.TryGetProperty("required", out var required) && required.EnumerateArray().Any(r => r.GetString() == p.Name))).ToList()
                    : [],
                s.Value.TryGetProperty("enum", out var values) ? values.EnumerateArray().Select(v => v.ToString()).ToList() : [])).ToList()
            : [];
    }

    /// <summary>A schema in a few words: a named schema by its name, an array by what it holds, a value by its type and format.</summary>
    private static string TypeOf(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference)) return reference.GetString()!.Split('/')[^1];
        if (schema.TryGetProperty("items", out var items)) return $"[{TypeOf(items)}]";
        if (schema.TryGetProperty("oneOf", out var oneOf) || schema.TryGetProperty("anyOf", out oneOf))
        {
            return string.Join(" | ", oneOf.EnumerateArray().Select(TypeOf).Where(t => t.Length > 0));
        }
        var type = schema.TryGetProperty("type", out var t)
            ? t.ValueKind == JsonValueKind.Array ? string.Join(" | ", t.EnumerateArray().Select(x => x.GetString())) : t.GetString() ?? ""
            : "";
        return schema.TryGetProperty("format", out var format) ? $"{type} ({format.GetString()})" : type;
    }
}
