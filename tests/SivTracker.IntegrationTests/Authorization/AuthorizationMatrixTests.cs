using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;

namespace SivTracker.IntegrationTests.Authorization;

public class AuthorizationMatrixTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    public enum Expect
    {
        /// <summary>2xx, or a redirect that is not to the sign-in page.</summary>
        Ok,
        SignIn,
        Forbidden,
        NotFound,
    }

    public enum Who { Anonymous, CaseworkerA, ReviewerA, AdminA, System, AdminB }

    /// <summary>
    /// Every page handler × every kind of user. A new page joins with one line. "{caseworker-a}" stands for the id of a
    /// user of organisation A and "{person-a}" for a person of A, so AdminB asking for them is another organisation's
    /// record: 404, like a missing one.
    /// POSTs send an empty form: an allowed user gets the page back with validation messages.
    /// </summary>
    public static readonly (string Method, string Path, Expect Anonymous, Expect CaseworkerA, Expect ReviewerA, Expect AdminA, Expect System, Expect AdminB)[] Matrix =
    [
        ("GET", "/", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Account/Login", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Account/ForgotPassword", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Account/ChangePassword", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/ChangePassword", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Account/TwoFactor", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/TwoFactor?handler=Enable", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Admin/Users", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Users/Create", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Users/Create", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Users/Edit?id={caseworker-a}", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Admin/Users/Edit?id={caseworker-a}&handler=Roles", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Admin/Users/Edit?id={caseworker-a}&handler=Enable", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Applicants", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Applicants?handler=Search", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Applicants/Create", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Applicants/Create", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Applicants/Create?principalId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Applicants/Details?id={person-a}", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Applicants/Edit?id={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Edit?id={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Applicants/ServiceRecord?personId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/ServiceRecord?personId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Applicants/Merge?id={person-a}", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Merge?id={person-a}", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Interpreters", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Cases", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Cases/Open?principalId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Open?principalId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/Details?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Details?id={case-a}&handler=Note", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/ChangeStage?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/ChangeStage?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/ChangeStage?id={case-a}&handler=Void", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/Documents?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Documents?id={case-a}", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/Settings?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Settings?id={case-a}&handler=Number", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Settings?id={case-a}&handler=HighRisk", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Notifications", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Notifications?handler=MarkAllRead", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Review", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Review/Act?caseId={case-a}", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Review/Act?caseId={case-a}&handler=Acknowledge", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Review/Act?caseId={case-a}&handler=Escalate", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Review/Act?caseId={case-a}&handler=Snooze", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Reports", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Reports?Query.Name=backlog", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Reports?Query.Name=cases", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Reports/Export?Query.Name=aging&Format=Csv", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Reports/Export?Query.Name=overdue&Format=Xlsx", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Import", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Import?handler=Check", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Import?handler=Template&format=csv", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Retention", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Retention", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/System/Stages", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden),
        ("POST", "/System/Stages", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden),
        ("GET", "/System", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden),
        ("POST", "/System", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden),
    ];

    [Fact]
    public async Task EveryPageHandler_AnswersEachKindOfUserAsTheMatrixSays()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var personA = await TestData.PersonAsync(Fixture, users.OrganisationA.Id, "Hamid");
        var caseA = await TestData.CaseAsync(Fixture, users.OrganisationA.Id, personA.Id);
        var clients = new Dictionary<Who, AppClient>();
        try
        {
            foreach (var who in Enum.GetValues<Who>())
            {
                var client = new AppClient(Fixture.Factory);
                clients[who] = client;
                var email = who switch
                {
                    Who.CaseworkerA => users.CaseworkerA.Email, Who.ReviewerA => users.ReviewerA.Email, Who.AdminA => users.AdminA.Email,
                    Who.System => users.System.Email, Who.AdminB => users.AdminB.Email, _ => null,
                };
                if (email is not null)
                {
                    var signIn = await client.SignInAsync(email, TestUsers.Password);
                    Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
                }
            }

            var mismatches = new List<string>();
            foreach (var (method, template, anonymous, caseworkerA, reviewerA, adminA, system, adminB) in Matrix)
            {
                var path = template.Replace("{caseworker-a}", users.CaseworkerA.Id.ToString()).Replace("{person-a}", personA.Id.ToString())
                    .Replace("{case-a}", caseA.Id.ToString());
                foreach (var (who, expected) in new[] { (Who.Anonymous, anonymous), (Who.CaseworkerA, caseworkerA), (Who.ReviewerA, reviewerA), (Who.AdminA, adminA), (Who.System, system), (Who.AdminB, adminB) })
                {
                    var client = clients[who];
                    var response = method == "GET"
                        ? await client.GetAsync(path)
                        // Any page this user may open yields a token valid for the whole session.
                        : await client.PostFormAsync(path, [], tokenSource: who == Who.Anonymous ? "/Account/Login" : "/Account/ChangePassword");
                    var actual = Classify(response);
                    if (actual != expected)
                    {
                        mismatches.Add($"{method} {template} as {who}: expected {expected}, got {actual} ({(int)response.StatusCode} {response.Headers.Location})");
                    }
                }
            }

            Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
        }
        finally
        {
            foreach (var client in clients.Values) client.Dispose();
        }
    }

    [Fact]
    public void EveryEndpoint_HasAuthorizationMetadataOrIsOnTheAnonymousAllowList()
    {
        // Written out here, independently of the app's own list, so adding an anonymous page is a deliberate act.
        string[] allowList = ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/ForgotPassword", "/Account/ResetPassword", "/Error", "/health/live", "/health/ready"];
        var endpoints = Fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);

        var unprotected = endpoints.Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => e.RoutePattern.RawText).ToList();
        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Distinct().ToList();

        Assert.Empty(unprotected);
        Assert.Empty(anonymous.Except(allowList, StringComparer.OrdinalIgnoreCase));
    }

    private static Expect Classify(HttpResponseMessage response) => response.StatusCode switch
    {
        HttpStatusCode.Forbidden => Expect.Forbidden,
        HttpStatusCode.NotFound => Expect.NotFound,
        HttpStatusCode.Redirect or HttpStatusCode.Found when response.Headers.Location?.ToString().Contains("/Account/Login") == true => Expect.SignIn,
        var code when (int)code < 400 => Expect.Ok,
        var code => throw new InvalidOperationException($"Unexpected status {(int)code}"),
    };
}
