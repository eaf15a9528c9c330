using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using SivTracker.IntegrationTests.Infrastructure;

namespace SivTracker.BrowserTests;

/// <summary>
/// The real app on Kestrel over HTTPS (its cookies are Secure and __Host- prefixed), a real PostgreSQL and the
/// system Chromium driven by Playwright.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public DatabaseFixture Database { get; } = new();
    public SivWebFactory App { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public TestUsers Users { get; private set; } = null!;
    private IPlaywright _playwright = null!;

    /// <summary>Screenshots of each main page, kept with the test output for people to look at.</summary>
    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        // Cookies carry real expiry dates, so the app's clock starts at the browser's now.
        Database.Time.AdjustTime(DateTimeOffset.UtcNow);
        Users = await TestUsers.CreateAsync(Database);
        var port = PostgresServer.FreePort();
        App = new SivWebFactory(Database.Time);
        App.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(SelfSignedCertificate())));
        App.StartServer();
        BaseUrl = $"https://localhost:{port}";
        Directory.CreateDirectory(ScreenshotDir);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
    }

    /// <summary>A fresh browser profile: its own cookies, as a different person on a different laptop.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, IgnoreHTTPSErrors = true, AcceptDownloads = true, ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        // Destructive actions ask first (window.confirm); the journeys say yes.
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        return page;
    }

    public async Task<IPage> SignedInAsync(string email, int width = 1280)
    {
        var page = await NewPageAsync(width);
        await SignInAsync(page, email);
        return page;
    }

    public static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(TestUsers.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    private static readonly string AxeSource = new Deque.AxeCore.Commons.BundledAxeScriptProvider().GetScript();

    private sealed record AxeFinding(string Id, string Impact, string Help, string[] Targets);

    private sealed record AxeOutcome(int Passes, AxeFinding[] Serious);

    /// <summary>
    /// Saves a full-page screenshot (unless told not to) and fails on any serious or critical axe-core violation. axe-core
    /// is loaded into the page once and asked for violations alone: the packaged runner re-sends the whole script and
    /// every pass with its nodes on each call, seconds a page, where the rules themselves take a few dozen milliseconds.
    /// </summary>
    public static async Task CheckPageAsync(IPage page, string name, bool screenshot = true)
    {
        if (screenshot) await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, $"{name}.png"), FullPage = true });
        // Evaluated through the browser's debugging channel, which the page's Content-Security-Policy does not govern.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'")) await page.EvaluateAsync(AxeSource);
        var json = await page.EvaluateAsync<string>("""
            async () => {
                const results = await axe.run(document, { resultTypes: ['violations'] });
                return JSON.stringify({
                    passes: results.passes.length,
                    serious: results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })),
                });
            }
            """);
        var outcome = System.Text.Json.JsonSerializer.Deserialize<AxeOutcome>(json, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.True(outcome.Passes > 0, $"{name}: axe-core checked nothing");
        Assert.True(outcome.Serious.Length == 0, $"{name} ({page.Url}) has accessibility violations:\n"
            + string.Join("\n", outcome.Serious.Select(v => $"- {v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Targets)}")));
    }


    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        // Kestrel on Linux needs the key in an exportable, loaded form.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (App is not null) await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
