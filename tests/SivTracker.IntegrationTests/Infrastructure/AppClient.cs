using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>A browser-like client over real HTTP semantics: cookies, no auto-redirects, forms posted with the scraped antiforgery token.</summary>
public sealed partial class AppClient : IDisposable
{
    private readonly HttpClient _client;

    public AppClient(WebApplicationFactory<Program> factory)
    {
        // https, because the session cookies are Secure and __Host- prefixed.
        _client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
    }

    /// <summary>A client whose cookies live in <paramref name="cookies"/>, so several app instances can share one browser.</summary>
    public AppClient(WebApplicationFactory<Program> factory, CookieContainer cookies)
    {
        _client = factory.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(cookies));
    }

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellation = default) => _client.GetAsync(path, cancellation);

    public async Task<string> GetHtmlAsync(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a form with the antiforgery token taken from <paramref name="tokenSource"/> (default: the same path).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string? tokenSource = null)
    {
        var token = await AntiforgeryTokenAsync(tokenSource ?? path);
        var form = fields.ToList();
        if (token is not null)
        {
            form.Add(new("__RequestVerificationToken", token));
        }
        return await _client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    public Task<HttpResponseMessage> PostAsync(string path, HttpContent content) => _client.PostAsync(path, content);

    public Task<HttpResponseMessage> PostWithoutTokenAsync(string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        _client.PostAsync(path, new FormUrlEncodedContent(fields));

    public async Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        await PostFormAsync("/Account/Login", [new("Input.Email", email), new("Input.Password", password)]);

    public async Task<string?> AntiforgeryTokenAsync(string path)
    {
        var response = await _client.GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK) return null;
        var match = TokenPattern().Match(await response.Content.ReadAsStringAsync());
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    public void Dispose() => _client.Dispose();

    public static List<KeyValuePair<string, string>> Form(params (string Key, string Value)[] fields) =>
        fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).ToList();

    /// <summary>The value of a hidden field (a row version, an idempotency key, the antiforgery token) in a page.</summary>
    public static string Hidden(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\"(?: type=\"hidden\")? value=\"([^\"]*)\"").Groups[1].Value);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

/// <summary>Pages read as a browser reads them: through a real HTML parser, not patterns over the markup.</summary>
public static class Html
{
    private static readonly AngleSharp.Html.Parser.HtmlParser Parser = new();

    public static AngleSharp.Html.Dom.IHtmlDocument Parse(string html) => Parser.ParseDocument(html);

    /// <summary>The figures of a page's stat row: each &lt;dt&gt; label with the number in its &lt;dd&gt;.</summary>
    public static IReadOnlyDictionary<string, int> Stats(string html) =>
        Parse(html).QuerySelectorAll(".stat").ToDictionary(
            s => s.QuerySelector("dt")!.TextContent.Trim(),
            s => int.Parse(s.QuerySelector("dd")!.TextContent.Trim(), System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
}
