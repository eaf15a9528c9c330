using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using netDumbster.smtp;
using SivTracker.IntegrationTests.Infrastructure;

namespace SivTracker.IntegrationTests.Account;

/// <summary>Mail through a real SMTP conversation with an in-process server.</summary>
public class EmailTests(DatabaseFixture fixture) : DatabaseTest(fixture), IDisposable
{
    private readonly SimpleSmtpServer _smtp = SimpleSmtpServer.Start(PostgresServer.FreePort());

    private WebApplicationFactory<Program> WithSmtp() => Fixture.Factory.WithWebHostBuilder(builder =>
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = _smtp.Configuration.Port.ToString(),
            ["Smtp:Security"] = "None",
            ["Smtp:From"] = "sivtracker@test.local",
        })));

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
        Assert.Contains("/Account/ResetPassword?userId=", mail.MessageParts[0].BodyData);
    }

    public void Dispose() => _smtp.Dispose();

}
