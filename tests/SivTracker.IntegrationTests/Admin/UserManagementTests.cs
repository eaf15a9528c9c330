using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Admin;

public class UserManagementTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task AdminCreatesAUserWithoutSmtp_GetsAOneTimePasswordThatSignsIn()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);

        var response = await admin.PostFormAsync("/Admin/Users/Create",
            [new("Input.Email", "new.reviewer@a.test"), new("Input.DisplayName", "New Reviewer"), new("Input.Roles", "Reviewer")]);

        var html = await response.Content.ReadAsStringAsync();
        var password = Html.Parse(html).GetElementById("one-time-password")?.TextContent;
        Assert.NotNull(password);
        Assert.Equal(20, password.Length);
        using var newcomer = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await newcomer.SignInAsync("new.reviewer@a.test", password)).StatusCode);
        await using var scope = Fixture.Scope();
        var created = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync("new.reviewer@a.test");
        Assert.Equal(users.OrganisationA.Id, created!.OrganisationId);
        Assert.Equal(["Reviewer"], await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().GetRolesAsync(created));
    }

    [Fact]
    public async Task AdminCannotGrantSystemAdministration()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);

        var response = await admin.PostFormAsync("/Admin/Users/Create",
            [new("Input.Email", "sneaky@a.test"), new("Input.DisplayName", "Sneaky"), new("Input.Roles", "SystemAdmin")]);

        Assert.Contains("Choose roles from the list.", await response.Content.ReadAsStringAsync());
        await using var scope = Fixture.Scope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.AnyAsync(u => u.Email == "sneaky@a.test"));
    }

    [Fact]
    public async Task AdminsSeeOnlyTheirOwnOrganisationsUsers()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminB.Email!, TestUsers.Password);

        var html = await admin.GetHtmlAsync("/Admin/Users");

        Assert.Contains("admin@b.test", html);
        Assert.DoesNotContain("@a.test", html);
    }

    [Fact]
    public async Task SystemAdministrator_CreatesAnOrganisationWithItsFirstAdmin_AndSeesNoCaseData()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var system = new AppClient(Fixture.Factory);
        await system.SignInAsync(users.System.Email!, TestUsers.Password);

        var home = await system.GetAsync("/");
        var response = await system.PostFormAsync("/System",
            [new("Input.Slug", "ngo-c"), new("Input.Name", "Third NGO"), new("Input.TimeZone", "Asia/Kabul"), new("Input.AdminEmail", "admin@c.test"), new("Input.AdminName", "C Admin")]);

        Assert.Equal("/System", home.Headers.Location!.ToString());
        var password = Html.Parse(await response.Content.ReadAsStringAsync()).GetElementById("one-time-password")?.TextContent;
        Assert.NotNull(password);
        using var newAdmin = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await newAdmin.SignInAsync("admin@c.test", password)).StatusCode);
        Assert.Contains("admin@c.test", await newAdmin.GetHtmlAsync("/Admin/Users"));
        // The new organisation's log starts with who made it and its first admin.
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var organisationId = await db.Organisations.Where(o => o.Slug == "ngo-c").Select(o => o.Id).SingleAsync();
        var audit = await db.AuditEvents.AsNoTracking().Where(a => a.OrganisationId == organisationId && a.UserId == users.System.Id).ToListAsync();
        Assert.Contains(audit, a => a.Action == AuditActions.OrganisationCreated && a.EntityId == organisationId.ToString());
        Assert.Contains(audit, a => a.Action == AuditActions.UserCreated);
    }

    [Fact]
    public async Task OrganisationWithAnUnusableAdmin_IsNotCreatedHalfway()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var system = new AppClient(Fixture.Factory);
        await system.SignInAsync(users.System.Email!, TestUsers.Password);

        // The email belongs to an existing user, so the admin cannot be created.
        var response = await system.PostFormAsync("/System",
            [new("Input.Slug", "ngo-d"), new("Input.Name", "Fourth NGO"), new("Input.TimeZone", "UTC"), new("Input.AdminEmail", users.AdminA.Email!), new("Input.AdminName", "Dup")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var scope = Fixture.Scope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AppDbContext>().Organisations.AnyAsync(o => o.Slug == "ngo-d"));
    }
}
