using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;

namespace SivTracker.IntegrationTests.Account;

public class SignInTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task RightPassword_SignsIn_WithAHardenedSessionCookie()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);

        var response = await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-sivtracker="));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_SoTheRightPasswordThenFailsToo()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var wrong = await client.SignInAsync(users.CaseworkerA.Email!, "not the password at all");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var right = await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("locked after too many failed attempts", await right.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task WrongPassword_SaysTheSameAsAnUnknownEmail()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);

        var wrong = await (await client.SignInAsync(users.CaseworkerA.Email!, "not the password at all")).Content.ReadAsStringAsync();
        var unknown = await (await client.SignInAsync("nobody@nowhere.test", "not the password at all")).Content.ReadAsStringAsync();

        const string message = "The email or password is not right, or the account is disabled.";
        Assert.Contains(message, wrong);
        Assert.Contains(message, unknown);
    }

    [Fact]
    public async Task TwoFactor_SetUpOnItsPage_IsThenRequiredAtSignIn()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);

        var setup = Html.Parse(await client.GetHtmlAsync("/Account/TwoFactor"));
        Assert.Contains(setup.QuerySelectorAll("img"), image => image.GetAttribute("src")?.StartsWith("data:image/png;base64,", StringComparison.Ordinal) == true);
        var key = setup.QuerySelector("code.key")?.TextContent;
        Assert.NotNull(key);
        var enabled = await client.PostFormAsync("/Account/TwoFactor?handler=Enable", [new("Input.Code", Totp.Code(key, DateTimeOffset.UtcNow))]);
        var enabledHtml = await enabled.Content.ReadAsStringAsync();
        Assert.Contains("Two-factor sign-in is on", enabledHtml);
        var recoveryCodes = Html.Texts(enabledHtml, "ul.codes li code");
        Assert.Equal(10, recoveryCodes.Count);
        var recoveryCode = recoveryCodes[0];

        using var fresh = new AppClient(Fixture.Factory);
        var password = await fresh.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);
        Assert.Contains("/Account/LoginWith2fa", password.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.GetAsync("/")).StatusCode);
        var wrongCode = await fresh.PostFormAsync("/Account/LoginWith2fa", [new("Input.Code", "000000")]);
        Assert.Contains("That code is not right", await wrongCode.Content.ReadAsStringAsync());
        var code = await fresh.PostFormAsync("/Account/LoginWith2fa", [new("Input.Code", Totp.Code(key, DateTimeOffset.UtcNow))]);
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/")).StatusCode);

        using var lostPhone = new AppClient(Fixture.Factory);
        await lostPhone.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);
        var recovered = await lostPhone.PostFormAsync("/Account/LoginWithRecoveryCode", [new("Input.Code", recoveryCode)]);
        Assert.Equal(HttpStatusCode.Redirect, recovered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lostPhone.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task ChangingTheSecondFactor_NeedsTheCurrentPassword_AndWrongGuessesCountTowardLockout()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);
        var key = Html.Parse(await client.GetHtmlAsync("/Account/TwoFactor")).QuerySelector("code.key")!.TextContent;
        await client.PostFormAsync("/Account/TwoFactor?handler=Enable", [new("Input.Code", Totp.Code(key, DateTimeOffset.UtcNow))]);

        var withoutPassword = await client.PostFormAsync("/Account/TwoFactor?handler=Disable", []);
        var newCodesWithoutPassword = await client.PostFormAsync("/Account/TwoFactor?handler=RecoveryCodes", []);

        Assert.Contains(SivTracker.Web.Pages.Account.TwoFactor.PasswordNeeded, await withoutPassword.Content.ReadAsStringAsync());
        Assert.Empty(Html.Texts(await newCodesWithoutPassword.Content.ReadAsStringAsync(), "ul.codes li code"));
        Assert.Contains("Two-factor sign-in is on", await client.GetHtmlAsync("/Account/TwoFactor"));
        for (var i = 0; i < 5; i++)
        {
            await client.PostFormAsync("/Account/TwoFactor?handler=Disable", [new("CurrentPassword", "a wrong guess at it")]);
        }
        await using (var scope = Fixture.Scope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<SivTracker.Web.Data.AppUser>>();
            Assert.True(await manager.IsLockedOutAsync((await manager.FindByIdAsync(users.ReviewerA.Id.ToString()))!));
        }
    }

    [Fact]
    public async Task Admins_MustEnrolASecondFactorBeforeAnythingElse_OtherRolesNeedNot()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        await using var strict = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Security:RequireTwoFactorForRoles", "Admin,SystemAdmin"));
        using var admin = new AppClient(strict);
        using var caseworker = new AppClient(strict);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        await caseworker.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        var blocked = await admin.GetAsync("/Admin/Users");
        Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);
        Assert.StartsWith("/Account/TwoFactor?required=", blocked.Headers.Location!.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await caseworker.GetAsync("/Cases")).StatusCode);

        var setup = Html.Parse(await admin.GetHtmlAsync("/Account/TwoFactor?required=true"));
        Assert.Contains("needs a second factor", setup.Body!.TextContent);
        var key = setup.QuerySelector("code.key")!.TextContent;
        await admin.PostFormAsync("/Account/TwoFactor?handler=Enable", [new("Input.Code", Totp.Code(key, DateTimeOffset.UtcNow))]);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/Admin/Users")).StatusCode);
        // The authenticator key and the recovery codes are sealed at rest like every other secret.
        await using var connection = new Npgsql.NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var reader = await new Npgsql.NpgsqlCommand($"select value from user_tokens where user_id = '{users.AdminA.Id}'", connection).ExecuteReaderAsync();
        var stored = new List<string>();
        while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        Assert.Equal(2, stored.Count);
        Assert.All(stored, value => Assert.StartsWith("enc:", value));
        Assert.DoesNotContain(stored, value => value.Contains(key.Replace(" ", "")));
    }

    [Fact]
    public async Task APasskey_IsASecondFactor_ThatAdminsMayEnrolInstead_AndRemovingItNeedsThePassword()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        await using var strict = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Security:RequireTwoFactorForRoles", "Admin,SystemAdmin"));
        var credentialId = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        using var signedIn = new AppClient(strict);
        await signedIn.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.GetAsync("/Admin/Users")).StatusCode);
        await using (var scope = Fixture.Scope())
        {
            // The ceremony itself runs in the browser tests against Chromium's virtual authenticator; here the stored key
            // is enough to show what having one means.
            var manager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var admin = (await manager.FindByIdAsync(users.AdminA.Id.ToString()))!;
            var passkey = new UserPasskeyInfo(credentialId, System.Security.Cryptography.RandomNumberGenerator.GetBytes(77), DateTimeOffset.UtcNow,
                0, ["internal"], isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [], clientDataJson: []) { Name = "office key" };
            Assert.True((await manager.AddOrUpdatePasskeyAsync(admin, passkey)).Succeeded);
        }
        // At the session's next check the passkey counts as the admin's second factor.
        Fixture.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/Admin/Users")).StatusCode);

        using var client = new AppClient(strict);
        var passwordStep = await client.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        Assert.StartsWith("/Account/LoginWith2fa", passwordStep.Headers.Location!.ToString(), StringComparison.OrdinalIgnoreCase);
        var secondStep = await client.GetHtmlAsync("/Account/LoginWith2fa");
        Assert.Contains("Use my passkey", secondStep);
        Assert.DoesNotContain("Authentication code", secondStep);
        // A credential that was never through the prompt does not complete the sign-in.
        await client.PostFormAsync("/Account/LoginWith2fa?handler=PasskeyOptions", []);
        var forged = await client.PostFormAsync("/Account/LoginWith2fa?handler=Passkey", [new("CredentialJson", $$"""{"id":"{{System.Buffers.Text.Base64Url.EncodeToString(credentialId)}}","type":"public-key"}""")]);
        Assert.Contains("That passkey did not verify", await forged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Admin/Users")).StatusCode);

        var id = System.Buffers.Text.Base64Url.EncodeToString(credentialId);
        var withoutPassword = await signedIn.PostFormAsync("/Account/TwoFactor?handler=RemovePasskey", [new("CredentialId", id)]);
        Assert.Contains(SivTracker.Web.Pages.Account.TwoFactor.PasswordNeeded, await withoutPassword.Content.ReadAsStringAsync());
        var added = await signedIn.PostFormAsync("/Account/TwoFactor?handler=AddPasskey", [new("PasskeyName", "stolen session key"), new("CurrentPassword", "a wrong guess at it")]);
        Assert.Contains(SivTracker.Web.Pages.Account.TwoFactor.PasswordNeeded, await added.Content.ReadAsStringAsync());
        var removed = await signedIn.PostFormAsync("/Account/TwoFactor?handler=RemovePasskey", [new("CredentialId", id), new("CurrentPassword", TestUsers.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);

        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            Assert.Empty(db.Set<IdentityUserPasskey<Guid>>().Where(p => p.UserId == users.AdminA.Id));
            Assert.Equal(1, db.AuditEvents.Count(e => e.Action == SivTracker.Web.Infrastructure.AuditActions.PasskeyRemoved && e.EntityId == users.AdminA.Id.ToString()));
            Assert.Equal(1, db.AuditEvents.Count(e => e.Action == SivTracker.Web.Infrastructure.AuditActions.TwoFactorChangeRefused && e.EntityId == users.AdminA.Id.ToString()));
        }
        // With no second factor left, the admin is sent back to enrol one.
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.GetAsync("/Admin/Users")).StatusCode);
    }

    [Fact]
    public async Task APasskeysOrigin_IsTheConfiguredAddress_NeverTheOneTheRequestsHostClaims()
    {
        var validate = Fixture.Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityPasskeyOptions>>().Value.ValidateOrigin!;
        var forged = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        forged.Request.Scheme = "https";
        forged.Request.Host = new Microsoft.AspNetCore.Http.HostString("attacker.example");
        async Task<bool> Accepts(string origin, bool crossOrigin = false) =>
            await validate(new PasskeyOriginValidationContext { HttpContext = forged, Origin = origin, CrossOrigin = crossOrigin });

        Assert.False(await Accepts("https://attacker.example"));
        Assert.True(await Accepts(DatabaseFixture.PublicUrl));
        Assert.False(await Accepts(DatabaseFixture.PublicUrl, crossOrigin: true));
        // The tests, like a developer's machine, also serve on loopback.
        Assert.True(await Accepts("https://localhost:5001"));
    }

    [Fact]
    public async Task DisabledUser_ExistingCookieIsRejectedAtOnce_AndTheyCannotSignInAgain()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        var disable = await admin.PostFormAsync($"/Admin/Users/Edit?id={users.CaseworkerA.Id}&handler=Disable", [], tokenSource: $"/Admin/Users/Edit?id={users.CaseworkerA.Id}");
        Assert.Equal(HttpStatusCode.Redirect, disable.StatusCode);

        var after = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location!.ToString());
        using var again = new AppClient(Fixture.Factory);
        var signIn = await again.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("or the account is disabled", await signIn.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RoleChange_EndsOpenSessionsAtOnce_AndTheNextSignInHasTheNewRoles()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var reviewer = new AppClient(Fixture.Factory);
        await reviewer.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/Admin/Users")).StatusCode);

        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        var editPath = $"/Admin/Users/Edit?id={users.ReviewerA.Id}";
        await admin.PostFormAsync(editPath + "&handler=Roles", [new("Input.Roles", "Reviewer"), new("Input.Roles", "Admin")], tokenSource: editPath);

        var ended = await reviewer.GetAsync("/Admin/Users");
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Contains("/Account/Login", ended.Headers.Location!.ToString());
        await reviewer.SignInAsync(users.ReviewerA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync("/Admin/Users")).StatusCode);
    }

    [Fact]
    public async Task Session_EndsAfterThirtyIdleMinutes()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        Fixture.Time.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Session_EndsAfterTwelveHoursHoweverActive()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(11.5); elapsed += TimeSpan.FromMinutes(20))
        {
            Fixture.Time.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        }
        Fixture.Time.Advance(TimeSpan.FromMinutes(40));

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task PostWithoutAntiforgeryToken_IsRejectedWith400()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        var response = await client.PostWithoutTokenAsync("/Account/ChangePassword",
            [new("Input.CurrentPassword", TestUsers.Password), new("Input.NewPassword", "a brand new password"), new("Input.ConfirmPassword", "a brand new password")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var scope = Fixture.Scope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await userManager.CheckPasswordAsync((await userManager.FindByIdAsync(users.CaseworkerA.Id.ToString()))!, TestUsers.Password));
    }

    [Fact]
    public async Task ChangePassword_RequiresTwelveCharactersAndTheCurrentPassword()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        var tooShort = await client.PostFormAsync("/Account/ChangePassword",
            [new("Input.CurrentPassword", TestUsers.Password), new("Input.NewPassword", "short pass"), new("Input.ConfirmPassword", "short pass")]);
        var wrongCurrent = await client.PostFormAsync("/Account/ChangePassword",
            [new("Input.CurrentPassword", "wrong current one"), new("Input.NewPassword", "a brand new password"), new("Input.ConfirmPassword", "a brand new password")]);
        var ok = await client.PostFormAsync("/Account/ChangePassword",
            [new("Input.CurrentPassword", TestUsers.Password), new("Input.NewPassword", "a brand new password"), new("Input.ConfirmPassword", "a brand new password")]);

        Assert.Contains("Use at least 12 characters.", await tooShort.Content.ReadAsStringAsync());
        Assert.Contains("Incorrect password", await wrongCurrent.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        using var fresh = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.SignInAsync(users.CaseworkerA.Email!, "a brand new password")).StatusCode);
    }

    [Fact]
    public async Task FiveWrongCurrentPasswords_OnChangePassword_LockTheAccountLikeFiveWrongSignIns()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);
        var answers = new List<string>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var guess = await client.PostFormAsync("/Account/ChangePassword",
                [new("Input.CurrentPassword", $"guess number {attempt}"), new("Input.NewPassword", "a brand new password"), new("Input.ConfirmPassword", "a brand new password")]);
            answers.Add(await guess.Content.ReadAsStringAsync());
        }

        var right = await client.PostFormAsync("/Account/ChangePassword",
            [new("Input.CurrentPassword", TestUsers.Password), new("Input.NewPassword", "a brand new password"), new("Input.ConfirmPassword", "a brand new password")]);

        Assert.All(answers.Take(4), answer => Assert.Contains("Incorrect password", answer));
        Assert.Contains("locked after too many failed attempts", answers[4]);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("locked after too many failed attempts", await right.Content.ReadAsStringAsync());
        using var elsewhere = new AppClient(Fixture.Factory);
        Assert.Contains("locked after too many failed attempts", await (await elsewhere.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password)).Content.ReadAsStringAsync());
        await using var scope = Fixture.Scope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await userManager.CheckPasswordAsync((await userManager.FindByIdAsync(users.CaseworkerA.Id.ToString()))!, TestUsers.Password));
    }

    [Fact]
    public async Task SigningOut_EndsTheSessionOnTheServer_SoACopyOfItsCookieStopsWorkingAtOnce()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var browser = new CookieContainer();
        using var owner = new AppClient(Fixture.Factory, browser);
        Assert.Equal(HttpStatusCode.Redirect, (await owner.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);
        // What malware or the next person at a shared computer takes: every cookie of the signed-in browser.
        var site = new Uri("https://localhost");
        var copied = new CookieContainer();
        foreach (Cookie cookie in browser.GetCookies(site))
        {
            copied.Add(site, new Cookie(cookie.Name, cookie.Value, cookie.Path));
        }
        using var thief = new AppClient(Fixture.Factory, copied);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/")).StatusCode);

        var signOut = await owner.PostFormAsync("/Account/Logout", [], tokenSource: "/");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        // No clock moves: the copy fails on its very next request, not at the next periodic check.
        var after = await thief.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location!.ToString());
    }
}
