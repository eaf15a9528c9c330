using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>A browser-like client over real HTTP semantics: cookies, no auto-redirects, forms posted with the scraped antiforgery token.</summary>
public sealed class AppClient : IDisposable
{
    private readonly HttpClient _client;

    public AppClient(WebApplicationFactory<Program> factory, string baseAddress = "https://localhost")
    {
        // https, because the session cookies are Secure and __Host- prefixed.
        _client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress), AllowAutoRedirect = false });
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

    /// <summary>A request made by hand, for headers a browser would not send (a forged Host, say); it carries this client's cookies.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _client.SendAsync(request);

    public Task<HttpResponseMessage> PostWithoutTokenAsync(string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        _client.PostAsync(path, new FormUrlEncodedContent(fields));

    public async Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        await PostFormAsync("/Account/Login", [new("Input.Email", email), new("Input.Password", password)]);

    public async Task<string?> AntiforgeryTokenAsync(string path)
    {
        var response = await _client.GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK) return null;
        return Html.Parse(await response.Content.ReadAsStringAsync()).QuerySelector("input[name='__RequestVerificationToken']")?.GetAttribute("value");
    }

    public void Dispose() => _client.Dispose();

    public static List<KeyValuePair<string, string>> Form(params (string Key, string Value)[] fields) =>
        fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).ToList();
}

/// <summary>Pages read as a browser reads them: through a real HTML parser, not patterns over the markup.</summary>
public static class Html
{
    private static readonly HtmlParser Parser = new();

    public static IHtmlDocument Parse(string html) => Parser.ParseDocument(html);

    /// <summary>The page's text as a reader sees it: tags gone, entities decoded.</summary>
    public static string Text(string html) => Parse(html).DocumentElement?.TextContent ?? "";

    /// <summary>The trimmed text of every element matching <paramref name="selector"/>, in page order.</summary>
    public static IReadOnlyList<string> Texts(string html, string selector) =>
        Parse(html).QuerySelectorAll(selector).Select(e => e.TextContent.Trim()).ToList();

    /// <summary>The value of a hidden field (a row version, an idempotency key, the antiforgery token) in a page.</summary>
    public static string HiddenValue(string html, string name) => HiddenValue(Parse(html), name);

    /// <summary>The value of a hidden field inside one part of a page, such as one row's form.</summary>
    public static string HiddenValue(IParentNode scope, string name) =>
        scope.QuerySelector($"input[type='hidden'][name='{name}']")?.GetAttribute("value")
        ?? throw new InvalidOperationException($"No hidden field {name} here.");

    /// <summary>The message shown under a form field, found by the field's id; null when the page has no such field.</summary>
    public static string? FieldError(string html, string fieldId) => Parse(html).GetElementById($"{fieldId}-error")?.TextContent.Trim();

    /// <summary>Where every link on the page goes, in page order.</summary>
    public static IReadOnlyList<string> Links(string html) =>
        Parse(html).QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href") ?? "").ToList();

    /// <summary>Where the link reading <paramref name="text"/> goes; null when the page has no such link.</summary>
    public static string? LinkTarget(string html, string text) =>
        Parse(html).QuerySelectorAll("a[href]").FirstOrDefault(a => a.TextContent.Trim() == text)?.GetAttribute("href");

    /// <summary>The row of a table whose row header reads <paramref name="rowHeader"/>; null when there is none.</summary>
    public static IElement? Row(IParentNode page, string table, string rowHeader) =>
        page.QuerySelectorAll($"{table} tr").FirstOrDefault(row => row.QuerySelector("th[scope='row']")?.TextContent.Trim() == rowHeader);

    /// <summary>The text of the data cells in the row headed <paramref name="rowHeader"/>, left to right; null when there is no such row.</summary>
    public static IReadOnlyList<string>? RowCells(IParentNode page, string table, string rowHeader) =>
        Row(page, table, rowHeader)?.QuerySelectorAll("td").Select(cell => cell.TextContent.Trim()).ToList();

    /// <summary>The figures of a page's stat row as shown: each &lt;dt&gt; label with the text of its &lt;dd&gt;.</summary>
    public static IReadOnlyDictionary<string, string> StatTexts(string html) =>
        Parse(html).QuerySelectorAll(".stat").ToDictionary(s => s.QuerySelector("dt")!.TextContent.Trim(), s => s.QuerySelector("dd")!.TextContent.Trim());

    /// <summary>The figures of a page's stat row: each &lt;dt&gt; label with the number in its &lt;dd&gt;.</summary>
    public static IReadOnlyDictionary<string, int> Stats(string html) =>
        StatTexts(html).ToDictionary(s => s.Key, s => int.Parse(s.Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
}
