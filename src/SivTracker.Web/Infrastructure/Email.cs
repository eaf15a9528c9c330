using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace SivTracker.Web.Infrastructure;

public sealed record SmtpSettings
{
    public string? Host { get; init; }
    public int Port { get; init; } = 587;
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string From { get; init; } = "sivtracker@localhost";

    /// <summary>
    /// StartTls (port 587) or SslOnConnect (465): either fails rather than sending in clear when the server offers no TLS,
    /// as StartTlsWhenAvailable would to anyone who strips the STARTTLS offer. None only when set, for a local sink.
    /// </summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.StartTls;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

public interface IEmailSender
{
    bool IsConfigured { get; }

    Task SendAsync(string to, string subject, string body, CancellationToken ct = default);
}

/// <summary>Plain-text mail through SMTP. Messages carry links and counts, never an applicant's personal data.</summary>
public sealed class SmtpEmailSender(Microsoft.Extensions.Options.IOptionsMonitor<SmtpSettings> options) : IEmailSender
{
    private SmtpSettings Settings => options.CurrentValue;

    public bool IsConfigured => Settings.IsConfigured;

    public async Task SendAsync(string to, string subject, string body, CancellationToken ct = default)
    {
        var settings = Settings;
        if (!settings.IsConfigured)
        {
            throw new InvalidOperationException("SMTP is not configured (Smtp:Host).");
        }
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Host!, settings.Port, settings.Security, ct);
        if (!string.IsNullOrEmpty(settings.Username))
        {
            await client.AuthenticateAsync(settings.Username, settings.Password ?? "", ct);
        }
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    public static IServiceCollection AddSivEmail(IServiceCollection services)
    {
        services.AddSingleton<IEmailSender, SmtpEmailSender>();
        return services;
    }
}
