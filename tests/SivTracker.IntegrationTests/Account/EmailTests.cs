using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailKit.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Account;

/// <summary>Mail through a real SMTP conversation with an in-process server.</summary>
public class EmailTests(DatabaseFixture fixture) : DatabaseTest(fixture), IDisposable
{
    private readonly SimpleSmtpServer _smtp = SimpleSmtpServer.Start(PostgresServer.FreePort());

    private WebApplicationFactory<Program> WithSmtp(params (string Key, string Value)[] more) => Fixture.Factory.WithWebHostBuilder(builder =>
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = _smtp.Configuration.Port.ToString(),
            ["Smtp:Security"] = "None",
            ["Smtp:From"] = "sivtracker@test.local",
        }.Concat(more.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value))))));

    /// <summary>A forgot-password form posted as if to <paramref name="host"/>: the Host header an attacker chooses freely.</summary>
    private static async Task<HttpResponseMessage> ForgotPasswordAsync(AppClient client, string email, string host)
    {
        var token = await client.AntiforgeryTokenAsync("/Account/ForgotPassword");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/ForgotPassword")
        {
            Content = new FormUrlEncodedContent([new("Input.Email", email), new("__RequestVerificationToken", token!)]),
        };
        request.Headers.Host = host;
        return await client.SendAsync(request);
    }

    private static string LinkIn(SmtpMessage mail) => Regex.Match(mail.MessageParts[0].BodyData, @"https?://\S+").Value;

    [Fact]
    public async Task ForgottenPassword_MailsALinkThatSetsANewPassword_WithoutNamingTheAccountInTheUrl()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        await using var factory = WithSmtp();
        using var client = new AppClient(factory);

        var sent = await client.PostFormAsync("/Account/ForgotPassword", [new("Input.Email", users.CaseworkerA.Email!)]);
        var unknown = await client.PostFormAsync("/Account/ForgotPassword", [new("Input.Email", "nobody@nowhere.test")]);

        Assert.Contains("If an account uses that address", await sent.Content.ReadAsStringAsync());
        Assert.Contains("If an account uses that address", await unknown.Content.ReadAsStringAsync());
        var mail = Assert.Single(_smtp.ReceivedEmail);
        Assert.Equal(users.CaseworkerA.Email, mail.ToAddresses.Single().Address);
        var link = Regex.Match(mail.MessageParts[0].BodyData, @"https?://\S+").Value;
        Assert.DoesNotContain("@", link);
        var path = new Uri(link).PathAndQuery;
        var reset = await client.PostFormAsync(path, [new("Input.NewPassword", "a fresh long password"), new("Input.ConfirmPassword", "a fresh long password")]);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        using var fresh = new AppClient(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.SignInAsync(users.CaseworkerA.Email!, "a fresh long password")).StatusCode);
        // The link works once.
        var again = await client.PostFormAsync(path, [new("Input.NewPassword", "another long password"), new("Input.ConfirmPassword", "another long password")]);
        Assert.Contains("This link is not valid any more", await again.Content.ReadAsStringAsync());
        // Each step is on record against the account; the typed address is not.
        await using var scope = Fixture.Scope();
        var audit = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking()
            .Where(a => a.UserId == users.CaseworkerA.Id).ToListAsync();
        Assert.Contains(audit, a => a.Action == AuditActions.PasswordResetRequested);
        Assert.Contains(audit, a => a.Action == AuditActions.PasswordReset);
        Assert.Contains(audit, a => a.Action == AuditActions.PasswordResetRefused);
        Assert.DoesNotContain(audit, a => (a.Details ?? "").Contains('@'));
    }

    [Fact]
    public async Task ForgotPasswordForAnotherHost_IsRefusedBeforeAnyMail_AndResetLinksStartWithThePublicUrl()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        await using var factory = WithSmtp();
        using var client = new AppClient(factory);

        var forged = await ForgotPasswordAsync(client, users.AdminA.Email!, "attacker.example");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(0, _smtp.ReceivedEmailCount);

        var genuine = await ForgotPasswordAsync(client, users.AdminA.Email!, "localhost");
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        var mail = Assert.Single(_smtp.ReceivedEmail);
        Assert.StartsWith($"{DatabaseFixture.PublicUrl}/Account/ResetPassword?userId=", LinkIn(mail));
        Assert.DoesNotContain("attacker.example", mail.MessageParts[0].BodyData);
    }

    [Fact]
    public async Task ForgotPasswordForAnotherHost_WithHostFilteringTurnedOff_StillMailsALinkToThePublicUrl()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        // An operator who sets AllowedHosts to "*" loses the first defence; the link must not depend on it.
        await using var factory = WithSmtp(("AllowedHosts", "*"));
        using var client = new AppClient(factory);

        var forged = await ForgotPasswordAsync(client, users.AdminA.Email!, "attacker.example");

        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        var mail = Assert.Single(_smtp.ReceivedEmail);
        Assert.StartsWith($"{DatabaseFixture.PublicUrl}/Account/ResetPassword?userId=", LinkIn(mail));
        Assert.DoesNotContain("attacker.example", mail.MessageParts[0].BodyData);
    }

    [Fact]
    public async Task SmtpWithoutASecuritySetting_InsistsOnTls_AndSendsNothingToAServerWithout()
    {
        await using var factory = Fixture.Factory.WithWebHostBuilder(builder =>
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Smtp:Host"] = "127.0.0.1",
                ["Smtp:Port"] = _smtp.Configuration.Port.ToString(),
                ["Smtp:From"] = "sivtracker@test.local",
            })));

        Assert.Equal(SecureSocketOptions.StartTls, factory.Services.GetRequiredService<SmtpSettings>().Security);
        // The in-process server offers no STARTTLS, like a server whose offer an attacker on the path has stripped.
        await Assert.ThrowsAsync<NotSupportedException>(() =>
            factory.Services.GetRequiredService<IEmailSender>().SendAsync("someone@a.test", "Not in clear", "Nothing here may cross the network unencrypted."));
        Assert.Equal(0, _smtp.ReceivedEmailCount);
    }

    [Fact]
    public async Task InvitedUser_GetsAnEmailInsteadOfAOneTimePassword()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        await using var factory = WithSmtp();
        using var admin = new AppClient(factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);

        var response = await admin.PostFormAsync("/Admin/Users/Create",
            [new("Input.Email", "invitee@a.test"), new("Input.DisplayName", "Invitee"), new("Input.Roles", "Caseworker")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var mail = Assert.Single(_smtp.ReceivedEmail);
        Assert.Equal("invitee@a.test", mail.ToAddresses.Single().Address);
        Assert.StartsWith($"{DatabaseFixture.PublicUrl}/Account/ResetPassword?userId=", LinkIn(mail));
    }

    public void Dispose() => _smtp.Dispose();

}
