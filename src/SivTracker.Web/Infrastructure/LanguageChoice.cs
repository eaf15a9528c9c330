using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// Which language a request is in: the signed-in user's saved choice, then the language cookie (the picker's choice
/// before sign-in, and on a device after), then the browser's Accept-Language. Only the UI culture changes: the request
/// culture stays English, so dates and numbers are written and parsed the same in every language; how they are shown
/// (digits, calendar) is a choice of its own.
/// </summary>
public static class LanguageChoice
{
    public const string Claim = "sivtracker:language";

    public const string DisplayClaim = "sivtracker:display";

    public const string DisplayCookie = "sivtracker-display";

    /// <summary>The request's language, then its digits and calendar (Text.Shown): the account's choice, else the device's cookie.</summary>
    public static IApplicationBuilder UseSivLanguage(this IApplicationBuilder app) =>
        app.UseRequestLocalization(Options()).Use(async (context, next) =>
        {
            Text.Shown = Display.Parse(context.User.FindFirstValue(DisplayClaim) ?? context.Request.Cookies[DisplayCookie]);
            if (Text.Current != Text.English)
            {
                Text.Written = await StageNamesAsync(context.RequestServices, Text.Current, context.RequestAborted);
            }
            await next();
        });

    /// <summary>The stage names the system administrator wrote in one language, by English name (what pages pass to T).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> StageNamesAsync(IServiceProvider services, Language language, CancellationToken ct)
    {
        var catalog = await StageCatalogCache.GetAsync(services.GetRequiredService<IMemoryCache>(), services.GetRequiredService<Data.AppDbContext>(), ct);
        var names = new Dictionary<string, string>();
        foreach (var stage in catalog.Values)
        {
            if ((language.Code == "fa-AF" ? stage.NameDari : language.Code == "ps-AF" ? stage.NamePashto : null) is { } written) names[stage.Name] = written;
        }
        return names;
    }

    public static RequestLocalizationOptions Options()
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Text.English.Code),
            SupportedCultures = [CultureInfo.GetCultureInfo(Text.English.Code)],
            SupportedUICultures = Text.Languages.Select(l => CultureInfo.GetCultureInfo(l.Code)).ToList(),
        };
        options.RequestCultureProviders =
        [
            new SavedLanguageProvider(),
            new CookieRequestCultureProvider(),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
        return options;
    }

    /// <summary>The cookie that keeps a language before sign-in, and on this device after.</summary>
    public static void Remember(HttpResponse response, Language language) =>
        response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(Text.English.Code, language.Code)), KeptAYear(response));

    public static void Remember(HttpResponse response, Display display) => response.Cookies.Append(DisplayCookie, display.ToString(), KeptAYear(response));

    /// <summary>A choice, not a secret: kept a year on this device, sent on links from elsewhere (Lax), never read by scripts.</summary>
    private static CookieOptions KeptAYear(HttpResponse response) => new()
    {
        Expires = response.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().AddYears(1),
        IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = response.HttpContext.Request.IsHttps, Path = "/",
    };

    /// <summary>A signed-in user's saved choice, carried in their sign-in cookie, wins over the device's cookie.</summary>
    private sealed class SavedLanguageProvider : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
            Task.FromResult(Text.Find(httpContext.User.FindFirstValue(Claim)) is { } saved
                ? new ProviderCultureResult(Text.English.Code, saved.Code)
                : null);
    }
}
