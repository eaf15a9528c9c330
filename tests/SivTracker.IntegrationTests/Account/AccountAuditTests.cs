using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Account;

/// <summary>Every change to how someone signs in leaves a row against their account, with counts and never a secret.</summary>
public class AccountAuditTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private const string NewPassword = "a brand new password";

    [Fact]
    public async Task PasswordAndSecondFactorChanges_ARecoveryCodeSignIn_AndSigningOut_AreEachRecorded()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);

        await client.PostFormAsync("/Account/ChangePassword",
            [new("Input.CurrentPassword", "not the password"), new("Input.NewPassword", NewPassword), new("Input.ConfirmPassword", NewPassword)]);
        var changed = await client.PostFormAsync("/Account/ChangePassword",
            [new("Input.CurrentPassword", TestUsers.Password), new("Input.NewPassword", NewPassword), new("Input.ConfirmPassword", NewPassword)]);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        var key = Html.Parse(await client.GetHtmlAsync("/Account/TwoFactor")).QuerySelector("code.key")!.TextContent;
        await client.PostFormAsync("/Account/TwoFactor?handler=Enable", [new("Input.Code", Totp.Code(key, DateTimeOffset.UtcNow))]);
        await client.PostFormAsync("/Account/TwoFactor?handler=RecoveryCodes", [new("CurrentPassword", "a wrong guess at it")]);
        var regenerated = await client.PostFormAsync("/Account/TwoFactor?handler=RecoveryCodes", [new("CurrentPassword", NewPassword)]);
        var codes = Html.Texts(await regenerated.Content.ReadAsStringAsync(), "ul.codes li code");
        Assert.Equal(10, codes.Count);

        using (var lostPhone = new AppClient(Fixture.Factory))
        {
            await lostPhone.SignInAsync(users.ReviewerA.Email!, NewPassword);
            var recovered = await lostPhone.PostFormAsync("/Account/LoginWithRecoveryCode", [new("Input.Code", codes[0])]);
            Assert.Equal(HttpStatusCode.Redirect, recovered.StatusCode);
        }
        var disabled = await client.PostFormAsync("/Account/TwoFactor?handler=Disable", [new("CurrentPassword", NewPassword)]);
        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        await client.PostFormAsync("/Account/Logout", [], tokenSource: "/Account/ChangePassword");

        var rows = await RowsAsync(users.ReviewerA.Id);
        Assert.Contains(rows, a => a.Action == AuditActions.PasswordChangeFailed);
        Assert.Contains(rows, a => a.Action == AuditActions.PasswordChanged);
        Assert.Contains(rows, a => a.Action == AuditActions.TwoFactorAuthenticatorReset);
        Assert.Contains(rows, a => a.Action == AuditActions.TwoFactorEnabled);
        Assert.Contains(rows, a => a.Action == AuditActions.TwoFactorChangeRefused);
        Assert.Contains(rows, a => a.Action == AuditActions.TwoFactorRecoveryCodesRegenerated && a.Details == "codes=10");
        Assert.Contains(rows, a => a.Action == AuditActions.SignInWithRecoveryCode && a.Details == "recovery codes left=9");
        Assert.Contains(rows, a => a.Action == AuditActions.TwoFactorDisabled);
        Assert.Contains(rows, a => a.Action == AuditActions.SignedOut);
        Assert.All(rows, a => Assert.Equal(users.OrganisationA.Id, a.OrganisationId));
        // Neither password nor any code is ever in a row.
        Assert.DoesNotContain(rows, a => a.Details is { } details
            && (details.Contains(NewPassword) || details.Contains(TestUsers.Password) || codes.Any(details.Contains)));
    }

    private async Task<List<AuditEvent>> RowsAsync(Guid userId)
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking().Where(a => a.UserId == userId).ToListAsync();
    }
}
