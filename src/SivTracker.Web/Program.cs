using SivTracker.Web.Api;
using SivTracker.Web.Cli;
using SivTracker.Web.Hosting;
using SivTracker.Web.Infrastructure;

var isCommand = CommandLine.IsCommand(args);
// Commands run from any folder, so they read their settings from beside the binaries.
var builder = WebApplication.CreateBuilder(isCommand
    ? new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory }
    : new WebApplicationOptions { Args = args });
builder.AddSivLogging();
// Say nothing about the server software.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddSivData(builder.Configuration);
builder.Services.AddSivHealth();
builder.Services.AddSivTelemetry(builder.Configuration);
builder.Services.AddSivAuth(builder.Configuration, builder.Environment);
SmtpEmailSender.AddSivEmail(builder.Services);
builder.Services.AddSivWeb(builder.Configuration);
builder.Services.AddSivApiDocument();

var app = builder.Build();
try
{
    Settings.ValidateNow(app.Services);
}
catch (Exception exception) when (Settings.Problem(exception) is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return 1;
}
if (isCommand)
{
    return await CommandLine.RunAsync(app.Services, args, Console.In, Console.Out, Console.Error);
}

await app.PrepareDatabaseAsync();
app.UseSivPipeline();
app.MapSivHealth();
app.MapRazorPages();
app.MapSivApi();
await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
