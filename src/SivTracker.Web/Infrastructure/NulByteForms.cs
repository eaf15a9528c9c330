using System.Text;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// ASP.NET Core refuses a form carrying a NUL byte with a bare 400 before any page code runs, so the person typing
/// never learns which field is wrong. This turns %00 in url-encoded forms into U+0001, another control character
/// that the page validators refuse with a message next to the field. PostgreSQL text could not hold NUL anyway.
/// </summary>
public static class NulByteForms
{
    private const long MaxRewrittenBody = 1024 * 1024;

    public static IApplicationBuilder UseNulBytesAsValidationErrors(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsPost(request.Method)
                && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
                && request.ContentLength is null or <= MaxRewrittenBody)
            {
                using var reader = new StreamReader(request.Body, Encoding.ASCII, leaveOpen: true);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                if (body.Contains("%00", StringComparison.Ordinal))
                {
                    body = body.Replace("%00", "%01", StringComparison.Ordinal);
                }
                var bytes = Encoding.ASCII.GetBytes(body);
                request.Body = new MemoryStream(bytes);
                request.ContentLength = bytes.Length;
            }
            await next();
        });
}
