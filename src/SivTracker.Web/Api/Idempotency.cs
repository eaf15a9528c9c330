using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Api;

/// <summary>
/// Honours an Idempotency-Key (a UUID) on a POST: the key is claimed in its own statement before the request runs, so two
/// copies of one request never both run; a retry after success gets the first answer again (with Idempotent-Replayed);
/// a request refused or failed gives its key back, so the corrected retry can run. A key whose first request was cut
/// off after its change committed stays claimed: the retry is told to read the resource rather than risk a second change.
/// </summary>
public sealed class Idempotency(AppDbContext db, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider time) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    /// <summary>The request's key: null when none was sent; false when what was sent is not a UUID.</summary>
    public static bool TryRead(HttpContext http, out Guid? key)
    {
        var sent = http.Request.Headers[Header].ToString();
        key = null;
        if (sent.Length == 0) return true;
        if (!Guid.TryParse(sent, out var parsed)) return false;
        key = parsed;
        return true;
    }

    public static IResult Malformed() => Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: Text.T("Idempotency-Key is a UUID."));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!TryRead(http, out var sent)) return Malformed();
        if (sent is not { } key) return await next(context);
        var organisationId = http.User.OrganisationId()!.Value;
        var request = $"{http.Request.Method} {http.Request.Path} {BodyHash(context)}";
        var claimed = await db.Database.ExecuteSqlAsync($"""
            insert into api_idempotency_keys (organisation_id, key, request, created_at) values ({organisationId}, {key}, {request}, {time.GetUtcNow()})
            on conflict do nothing
            """, http.RequestAborted);
        if (claimed == 0) return await ReplayAsync(http, key, request);

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await ReleaseAsync(key);
            throw;
        }
        if (result is not IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } answered)
        {
            await ReleaseAsync(key);
            return result;
        }
        var body = result is IValueHttpResult { Value: { } value } ? JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions) : null;
        var location = result.GetType().GetProperty("Location")?.GetValue(result) as string;
        var stored = await db.ApiIdempotencyKeys.FirstAsync(k => k.Key == key, CancellationToken.None);
        (stored.StatusCode, stored.Body, stored.Location) = (answered.StatusCode, body, location);
        await db.SaveChangesAsync(CancellationToken.None);
        return result;
    }

    private async Task<IResult> ReplayAsync(HttpContext http, Guid key, string request)
    {
        var first = await db.ApiIdempotencyKeys.AsNoTracking().FirstAsync(k => k.Key == key, http.RequestAborted);
        if (first.Request != request)
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                detail: Text.T("This Idempotency-Key was used with another request. Send a new key for a new request."));
        }
        if (first.StatusCode is not { } status)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict,
                detail: Text.T("A request with this Idempotency-Key is running, or was cut off. Read the resource to see whether it took effect before trying again with a new key."));
        }
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (first.Location is { } location) http.Response.Headers.Location = location;
        return first.Body is null ? Results.StatusCode(status) : Results.Content(first.Body, "application/json", statusCode: status);
    }

    /// <summary>
    /// What the request asked for, as a hash of its bound body: the same key sent with another body is another request.
    /// </summary>
    private string BodyHash(EndpointFilterInvocationContext context)
    {
        var bodies = context.Arguments.Where(a => a?.GetType() is { } type && type.Namespace?.StartsWith("SivTracker.Web", StringComparison.Ordinal) == true
            && (type.Name.EndsWith("Request", StringComparison.Ordinal) || type.Name.EndsWith("Command", StringComparison.Ordinal)));
        var serialized = JsonSerializer.Serialize(bodies.ToList(), json.Value.SerializerOptions);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(serialized)));
    }

    private Task ReleaseAsync(Guid key) => db.ApiIdempotencyKeys.Where(k => k.Key == key).ExecuteDeleteAsync(CancellationToken.None);
}
