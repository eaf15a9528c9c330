using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Portal;

/// <summary>The applicant portal's door: invitations, their code and year of birth, single use, expiry, revocation, lockout, and what lies behind it.</summary>
public class PortalTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
    }

    private Task<AppClient> CaseworkerAsync() => CaseworkerAsync(Fixture, _users);

    /// <summary>Organisation A's caseworker, signed in.</summary>
    internal static async Task<AppClient> CaseworkerAsync(DatabaseFixture fixture, TestUsers users)
    {
        var client = new AppClient(fixture.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);
        return client;
    }

    /// <summary>Makes an invitation as a caseworker would, and reads the link's path and the code off the page shown once.</summary>
    internal static async Task<(string Path, string Code)> InviteAsync(AppClient caseworker, Guid personId)
    {
        var page = await caseworker.PostFormAsync($"/Applicants/Invite?personId={personId}&handler=Create", [], tokenSource: $"/Applicants/Invite?personId={personId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var codes = Html.Parse(await page.Content.ReadAsStringAsync()).QuerySelectorAll("#new-invitation ~ p code").Select(c => c.TextContent).ToList();
        Assert.Equal(2, codes.Count);
        return (new Uri(codes[0]).PathAndQuery, codes[1]);
    }

    internal static Task<HttpResponseMessage> AnswerAsync(AppClient applicant, string path, string code, string year) =>
        applicant.PostFormAsync(path, AppClient.Form(("Input.Code", code), ("Input.BirthYear", year)));

    [Fact]
    public async Task AnInvitedApplicant_OpensTheirCaseOnce_WithTheCodeAndTheirSolarHijriBirthYear()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Najibullah", "Ahmadzai", new DateOnly(1991, 5, 12));
        var @case = await TestData.CaseAsync(Fixture, _users.OrganisationA.Id, person.Id);
        using var caseworker = await CaseworkerAsync();
        var (path, code) = await InviteAsync(caseworker, person.Id);
        Assert.Matches("^/Portal/Open\\?t=[0-9a-f]{32}$", path);
        Assert.Matches("^[0-9]{8}$", code);

        using var applicant = new AppClient(Fixture.Factory);
        var form = await applicant.GetHtmlAsync(path);
        // Nothing about the applicant before the code is right.
        Assert.DoesNotContain("Najibullah", form);
        Assert.DoesNotContain("Najibullah", await (await AnswerAsync(applicant, path, code, "1980")).Content.ReadAsStringAsync());

        // 12 May 1991 is 22 Sawr 1370: the tazkira's year, in Persian digits, opens it too.
        var opened = await AnswerAsync(applicant, path, code, "۱۳۷۰");
        Assert.Equal(("/Portal", HttpStatusCode.Redirect), (opened.Headers.Location?.ToString(), opened.StatusCode));
        var status = Html.Text(await applicant.GetHtmlAsync("/Portal"));
        Assert.Contains("Collecting the COM package", status);
        Assert.Contains("Your NGO is preparing your application with you.", status);

        // In Pashto, with nothing left in English.
        await applicant.PostFormAsync("/Language", AppClient.Form(("Code", "ps-AF"), ("ReturnUrl", "/Portal")), tokenSource: "/Portal");
        var pashto = await applicant.GetHtmlAsync("/Portal");
        Assert.Equal("ps-AF", Html.Parse(pashto).DocumentElement.GetAttribute("lang"));
        Assert.Empty(Account.LanguageTests.EnglishLeft(pashto, "ps-AF"));
        // Nothing personal in the title, and no copy kept by the browser.
        Assert.Equal("SivTracker", Html.Parse(pashto).Title);
        Assert.Equal("no-store", (await applicant.GetAsync("/Portal")).Headers.CacheControl?.ToString());

        // Revoked after use, the invitation ends the session it opened.
        var invitations = Html.Parse(await caseworker.GetHtmlAsync($"/Applicants/Invite?personId={person.Id}"));
        var revoke = invitations.QuerySelectorAll("form[action*='handler=Revoke']").Select(f => f.GetAttribute("action")!).Single();
        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync(revoke, [], tokenSource: $"/Applicants/Invite?personId={person.Id}")).StatusCode);
        Assert.EndsWith("/Portal/SignedOut", (await applicant.GetAsync("/Portal")).Headers.Location!.AbsolutePath);

        // Single use: the same link and code again open nothing.
        using var again = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(again, path, code, "1991")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await again.GetAsync("/Portal")).StatusCode);
        Assert.EndsWith("/Portal/SignedOut", (await again.GetAsync("/Portal")).Headers.Location!.AbsolutePath);

        await using var scope = Fixture.Scope();
        var actions = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.IgnoreQueryFilters()
            .Where(a => a.EntityId == person.Id.ToString() || a.EntityType == "portal-invitation").Select(a => a.Action).ToListAsync();
        Assert.Contains(AuditActions.PortalInvitationCreated, actions);
        Assert.Contains(AuditActions.PortalSignInFailed, actions);
        Assert.Contains(AuditActions.PortalSignedIn, actions);
        Assert.Contains(AuditActions.PortalStatusViewed, actions);
        Assert.NotNull(@case);
    }

    [Fact]
    public async Task WrongAnswers_LockTheInvitation_AndExpiredOrRevokedOnesOpenNothing()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani", new DateOnly(1985, 1, 1));
        using var caseworker = await CaseworkerAsync();

        var (locked, lockedCode) = await InviteAsync(caseworker, person.Id);
        using var guesser = new AppClient(Fixture.Factory);
        for (var i = 0; i < PortalInvitations.MaxAttempts; i++) Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(guesser, locked, "00000000", "1985")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(guesser, locked, lockedCode, "1985")).StatusCode);

        var (revoked, revokedCode) = await InviteAsync(caseworker, person.Id);
        var invitations = Html.Parse(await caseworker.GetHtmlAsync($"/Applicants/Invite?personId={person.Id}"));
        var revoke = invitations.QuerySelectorAll("form[action*='handler=Revoke']").Select(f => f.GetAttribute("action")!).Single();
        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.PostFormAsync(revoke, [], tokenSource: $"/Applicants/Invite?personId={person.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(guesser, revoked, revokedCode, "1985")).StatusCode);

        var (expired, expiredCode) = await InviteAsync(caseworker, person.Id);
        Fixture.Time.Advance(PortalInvitations.Lifetime + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(guesser, expired, expiredCode, "1985")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await guesser.GetAsync("/Portal")).StatusCode);

        // A week later the caseworker signs in again.
        using var nextWeek = await CaseworkerAsync();
        var states = Html.Text(await nextWeek.GetHtmlAsync($"/Applicants/Invite?personId={person.Id}"));
        Assert.Contains("Locked after wrong codes", states);
        Assert.Contains("Revoked", states);
        Assert.Contains("Expired", states);
    }

    [Fact]
    public async Task ThePortalAndTheStaffPages_AreSeparateDoors()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani");
        var child = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Little", "Sultani", new DateOnly(2020, 1, 1));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            var stored = await db.Persons.SingleAsync(p => p.Id == child.Id);
            (stored.Relationship, stored.PrincipalId) = (Relationship.Child, person.Id);
            await db.SaveChangesAsync();
        }
        using var caseworker = await CaseworkerAsync();
        // A staff session does not open the portal.
        Assert.EndsWith("/Portal/SignedOut", (await caseworker.GetAsync("/Portal")).Headers.Location!.AbsolutePath);
        // Children are not invited.
        Assert.Empty(Html.Parse(await caseworker.GetHtmlAsync($"/Applicants/Invite?personId={child.Id}")).QuerySelectorAll("form[action*='handler=Create']"));

        var (path, code) = await InviteAsync(caseworker, person.Id);
        using var applicant = new AppClient(Fixture.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await AnswerAsync(applicant, path, code, "")).StatusCode);
        // A portal session opens no staff page.
        foreach (var staffPage in new[] { "/", "/Applicants", $"/Applicants/Details?id={person.Id}", $"/Applicants/Invite?personId={person.Id}", "/Cases" })
        {
            var response = await applicant.GetAsync(staffPage);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/Account/Login"), $"{staffPage}: {(int)response.StatusCode}");
        }
        // Another organisation's caseworker cannot see or make this person's invitations.
        using var other = new AppClient(Fixture.Factory);
        await other.SignInAsync(_users.CaseworkerB.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/Applicants/Invite?personId={person.Id}")).StatusCode);

        // Leaving quickly ends the session and leaves a blank page.
        var left = await applicant.GetAsync("/Portal/Leave");
        Assert.Equal("New tab", Html.Parse(await left.Content.ReadAsStringAsync()).Title);
        Assert.Equal(HttpStatusCode.Redirect, (await applicant.GetAsync("/Portal")).StatusCode);
    }

    [Fact]
    public async Task OnAHostOfItsOwn_ThePortalServesOnlyItself_AndTheStaffHostNoLongerServesIt()
    {
        var person = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Hamid", "Sultani", new DateOnly(1985, 1, 1));
        await using var factory = Fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Portal:PublicUrl", "https://portal.localhost"));
        using var caseworker = new AppClient(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await caseworker.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);
        var created = await caseworker.PostFormAsync($"/Applicants/Invite?personId={person.Id}&handler=Create", [], tokenSource: $"/Applicants/Invite?personId={person.Id}");
        var secrets = Html.Parse(await created.Content.ReadAsStringAsync()).QuerySelectorAll("#new-invitation ~ p code").Select(c => c.TextContent).ToList();
        // The link names the portal's host, where the applicant goes; the staff host does not answer it.
        var link = new Uri(secrets[0]);
        Assert.Equal("portal.localhost", link.Host);
        var (path, code) = (link.PathAndQuery, secrets[1]);
        Assert.Equal(HttpStatusCode.NotFound, (await caseworker.GetAsync(path)).StatusCode);

        using var applicant = new AppClient(factory, "https://portal.localhost");
        Assert.Equal(HttpStatusCode.Redirect, (await AnswerAsync(applicant, path, code, "1985")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await applicant.GetAsync("/Portal")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await applicant.GetAsync("/css/site.css")).StatusCode);
        // No staff page answers on the portal's host, not even its sign-in.
        foreach (var staffPage in new[] { "/", "/Account/Login", "/Applicants", $"/Applicants/Details?id={person.Id}", "/Admin/Users" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await applicant.GetAsync(staffPage)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await applicant.PostFormAsync("/Account/Login", AppClient.Form(("Input.Email", _users.CaseworkerA.Email!), ("Input.Password", TestUsers.Password)))).StatusCode);
    }
}
