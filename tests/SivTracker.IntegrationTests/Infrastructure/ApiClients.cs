using System.Net.Http.Headers;
using SivTracker.Web.Cli;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>API tokens made as an operator makes them, and clients that send them.</summary>
public static class ApiClients
{
    /// <summary>create-token as an operator runs it; the token is the last line of its output.</summary>
    public static async Task<string> TokenAsync(DatabaseFixture fixture, string slug, string scopes, string name = "donor CRM", int days = 90)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(fixture.Factory.Services, ["create-token", "--org", slug, "--name", name, "--scopes", scopes, "--expires-in-days", $"{days}"],
            new StringReader(""), output, error);
        Assert.True(exit == 0, error.ToString());
        return output.ToString().TrimEnd().Split('\n')[^1].Trim();
    }

    public static HttpClient Client(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string? token)
    {
        var client = factory.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A request with the headers the API's writes take: If-Match and Idempotency-Key.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, object? body, string? ifMatch = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = System.Net.Http.Json.JsonContent.Create(body);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }
}
