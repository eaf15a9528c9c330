using Microsoft.Extensions.DependencyInjection;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>Two organisations with a user per role, plus a system administrator, all with one known password.</summary>
public sealed record TestUsers(Organisation OrganisationA, Organisation OrganisationB, AppUser CaseworkerA, AppUser ReviewerA, AppUser AdminA, AppUser AdminB, AppUser CaseworkerB, AppUser System)
{
    public const string Password = "correct horse battery staple";

    public static async Task<TestUsers> CreateAsync(DatabaseFixture fixture)
    {
        var a = await TestData.OrganisationAsync(fixture, "ngo-a");
        var b = await TestData.OrganisationAsync(fixture, "ngo-b");
        return new TestUsers(a, b,
            await UserAsync(fixture, "caseworker@a.test", a.Id, Roles.Caseworker),
            await UserAsync(fixture, "reviewer@a.test", a.Id, Roles.Reviewer),
            await UserAsync(fixture, "admin@a.test", a.Id, Roles.Admin),
            await UserAsync(fixture, "admin@b.test", b.Id, Roles.Admin),
            await UserAsync(fixture, "caseworker@b.test", b.Id, Roles.Caseworker),
            await UserAsync(fixture, "system@test.local", null, Roles.SystemAdmin));
    }

    public static async Task<AppUser> UserAsync(DatabaseFixture fixture, string email, Guid? organisationId, params string[] roles)
    {
        await using var scope = fixture.Scope();
        var created = await scope.ServiceProvider.GetRequiredService<UserAccounts>()
            .CreateAsync(email, email.Split('@')[0], organisationId, roles, Password);
        return created.User ?? throw new InvalidOperationException(string.Join(" ", created.Result.Errors.Select(e => e.Description)));
    }
}
