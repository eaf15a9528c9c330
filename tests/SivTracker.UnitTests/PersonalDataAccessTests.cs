using System.Security.Claims;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.UnitTests;

public class PersonalDataAccessTests
{
    private static ClaimsPrincipal UserIn(params string[] roles) =>
        new(new ClaimsIdentity(roles.Select(role => new Claim(ClaimTypes.Role, role)), authenticationType: "test"));

    [Theory]
    [InlineData(Roles.Caseworker)]
    [InlineData(Roles.Admin)]
    public void CaseworkersAndAdmins_SeeIdentifiersAndWhereabouts(string role) =>
        Assert.Equal(new PersonalDataAccess(Identifiers: true, Whereabouts: true), PersonalDataAccess.For(UserIn(role)));

    [Fact]
    public void Reviewers_SeeNeitherIdentifiersNorWhereabouts() =>
        Assert.Equal(new PersonalDataAccess(Identifiers: false, Whereabouts: false), PersonalDataAccess.For(UserIn(Roles.Reviewer)));

    [Fact]
    public void AReviewerWhoIsAlsoACaseworker_SeesWhatACaseworkerSees() =>
        Assert.Equal(PersonalDataAccess.Everything, PersonalDataAccess.For(UserIn(Roles.Reviewer, Roles.Caseworker)));

    [Fact]
    public void AnyOtherRole_SeesTheLeast() =>
        Assert.Equal(PersonalDataAccess.DelaysOnly, PersonalDataAccess.For(UserIn(Roles.SystemAdmin)));
}
