using System.Net;
using System.Reflection;
using System.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;

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
    /// Every page handler × every kind of user. A new page joins with one line. "{user-a}" stands for the id of a
    /// user of organisation A and "{person-a}" for a person of A, so AdminB asking for them is another organisation's
    /// record: 404, like a missing one.
    /// POSTs send an empty form: an allowed user gets the page back with validation messages, or 404 where the form
    /// must name a record (a document, an event, a note, an import) and names none.
    /// </summary>
    public static readonly (string Method, string Path, Expect Anonymous, Expect CaseworkerA, Expect ReviewerA, Expect AdminA, Expect System, Expect AdminB)[] Matrix =
    [
        ("GET", "/", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Error", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        // The language picker, on every page and before sign-in.
        ("GET", "/Language", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Language", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Language?handler=Display", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        // The applicant portal: its own sign-in (PortalAuth), so no staff session opens it; the open door asks for a code and shows nobody.
        ("GET", "/Portal", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("GET", "/Portal/Open?t=00000000000000000000000000000000", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Portal/Open?t=00000000000000000000000000000000", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Portal/SignedOut", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Portal/SignIn", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Portal/SignIn", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Portal/Details", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("POST", "/Portal/Details", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("GET", "/Portal/Messages", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("POST", "/Portal/Messages", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("GET", "/Portal/Passphrase", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("POST", "/Portal/Passphrase", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        // The public intake form: anyone, for an organisation that opened it (none is open here).
        ("GET", "/Portal/Intake?o=ngo-a", Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound),
        ("POST", "/Portal/Intake?o=ngo-a", Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound),
        ("GET", "/Portal/IntakeFiles?o=ngo-a", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Portal/IntakeFiles?o=ngo-a", Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound),
        ("GET", "/Portal/Upload", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("POST", "/Portal/Upload?itemId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("GET", "/Portal/Leave", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Applicants/Consent?personId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Consent?personId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Consent?personId={person-a}&handler=Withdraw&consentId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Applicants/Invite?personId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Invite?personId={person-a}&handler=Create", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Invite?personId={person-a}&handler=Revoke&invitationId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Invite?personId={person-a}&handler=RemovePassphrase", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        // What applicants send from the portal: caseworkers and admins of the person's organisation decide and answer.
        ("GET", "/Applicants/Changes", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Applicants/Changes?changeId=00000000-0000-0000-0000-000000000000&accept=true", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Applicants/Intake", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Applicants/Intake?handler=Register&id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Applicants/Intake?handler=Attach&id=00000000-0000-0000-0000-000000000000&personId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Applicants/Intake?handler=Reject&id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/ApiAccess", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/ApiAccess?handler=Create", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/ApiAccess?handler=Revoke&tokenId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        // The API's reference: any signed-in member of an organisation (or a token); nobody without one.
        ("GET", "/api/docs", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Webhooks", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Webhooks?id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Admin/Webhooks?handler=Subscribe", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Webhooks?handler=Pause&id=00000000-0000-0000-0000-000000000000&paused=true", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Admin/Webhooks?handler=Remove&id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Admin/Intake", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Intake?open=false", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Applicants/Messages?personId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Messages?personId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Error", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Account/Login", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/Login", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/Login?handler=PasskeyOptions", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/Login?handler=Passkey", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        // Without the password step first there is no pending two-factor sign-in, so these send everyone back to sign in.
        ("GET", "/Account/LoginWith2fa", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("POST", "/Account/LoginWith2fa", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("POST", "/Account/LoginWith2fa?handler=PasskeyOptions", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("POST", "/Account/LoginWith2fa?handler=Passkey", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("GET", "/Account/LoginWithRecoveryCode", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("POST", "/Account/LoginWithRecoveryCode", Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn, Expect.SignIn),
        ("GET", "/Account/Logout", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Account/ForgotPassword", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/ForgotPassword", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Account/ResetPassword", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/ResetPassword", Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Account/ChangePassword", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/ChangePassword", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Account/TwoFactor", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/TwoFactor?handler=Enable", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/TwoFactor?handler=RecoveryCodes", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/TwoFactor?handler=Disable", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/TwoFactor?handler=PasskeyOptions", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/TwoFactor?handler=AddPasskey", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/TwoFactor?handler=RemovePasskey", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("GET", "/Admin/Audit", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Users", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Users/Create", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Users/Create", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Users/Edit?id={user-a}", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Admin/Users/Edit?id={user-a}&handler=Roles", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Admin/Users/Edit?id={user-a}&handler=Disable", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Admin/Users/Edit?id={user-a}&handler=Enable", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Admin/Users/Edit?id={user-a}&handler=OneTimePassword", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Applicants", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Applicants?handler=Search", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Applicants/Create", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Applicants/Create", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Applicants/Create?principalId={person-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Applicants/Details?id={person-a}", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Details?id={person-a}&handler=DeleteFile&fileId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Applicants/Details?id={person-a}&handler=RestoreFile&fileId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
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
        ("POST", "/Cases/Details?id={case-a}&handler=EditNote", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/ChangeStage?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/ChangeStage?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/ChangeStage?id={case-a}&handler=Void", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/Documents?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Documents?id={case-a}", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Documents?id={case-a}&handler=DeleteFile&fileId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Documents?id={case-a}&handler=RestoreFile&fileId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Files?id={case-a}&itemId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/Files?id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/Files?handler=Zip&id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Files?handler=Person&personId=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/Refer?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        // Evidence of delay: everyone in the organisation reads it; letters are written by those who change the case.
        ("GET", "/Cases/Evidence?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/Evidence?handler=Packet&id={case-a}", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Evidence?handler=Letter&id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Reports/Evidence?handler=Brief", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Reports/Evidence?handler=Packets", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Letters", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Letters", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Letters?handler=Restore", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Account/Calendar", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        ("POST", "/Account/Calendar?handler=Issue", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Account/Calendar?handler=Revoke", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Ok),
        // A calendar service sends no sign-in: the secret is the whole key, and a wrong one is a page that never was.
        ("GET", "/calendar/{secret}.ics", Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound, Expect.NotFound),
        ("POST", "/Cases/Refer?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        // Referrals in and out: an empty id names no referral of the user's organisation.
        ("GET", "/Referrals", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Referrals?handler=Accept&id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Referrals?handler=Decline&id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Referrals?handler=Cancel&id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.NotFound, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Cases/Settings?id={case-a}", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Settings?id={case-a}&handler=Number", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Settings?id={case-a}&handler=Assign", Expect.SignIn, Expect.Ok, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Cases/Settings?id={case-a}&handler=HighRisk", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Notifications", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Notifications?handler=MarkAllRead", Expect.SignIn, Expect.Ok, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Review", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Review/Act?caseId={case-a}", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Review/Act?caseId={case-a}&handler=Acknowledge", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Review/Act?caseId={case-a}&handler=NextReview", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Review/Act?caseId={case-a}&handler=Escalate", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Review/Act?caseId={case-a}&handler=Snooze", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Reports", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Reports?Query.Name=backlog", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Reports?Query.Name=cases", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Reports/Export?Query.Name=aging&Format=Csv", Expect.SignIn, Expect.Forbidden, Expect.Ok, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Reports/Export?Query.Name=overdue&Format=Xlsx", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Import", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Import?handler=Check", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Import?handler=Confirm", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("POST", "/Admin/Import?handler=Map", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Import?handler=Preview", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Import?handler=Problems&id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden, Expect.NotFound),
        ("GET", "/Admin/Import?handler=Template&format=csv", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/Admin/Retention", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("POST", "/Admin/Retention", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden, Expect.Ok),
        ("GET", "/System/Directory", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden),
        ("POST", "/System/Directory?id=00000000-0000-0000-0000-000000000000", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden),
        ("GET", "/System/Stages", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden),
        ("POST", "/System/Stages", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.NotFound, Expect.Forbidden),
        ("GET", "/System", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden),
        ("POST", "/System", Expect.SignIn, Expect.Forbidden, Expect.Forbidden, Expect.Forbidden, Expect.Ok, Expect.Forbidden),
    ];

    [Fact]
    public async Task EveryPageHandler_AnswersEachKindOfUserAsTheMatrixSays()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        // The user the admin rows act on is none of the signed-in columns: disabling a user or issuing them a one-time
        // password ends their sessions at once.
        var userA = await TestUsers.UserAsync(Fixture, "subject@a.test", users.OrganisationA.Id, Roles.Caseworker);
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
                var path = template.Replace("{user-a}", userA.Id.ToString()).Replace("{person-a}", personA.Id.ToString())
                    .Replace("{case-a}", caseA.Id.ToString());
                foreach (var (who, expected) in new[] { (Who.Anonymous, anonymous), (Who.CaseworkerA, caseworkerA), (Who.ReviewerA, reviewerA), (Who.AdminA, adminA), (Who.System, system), (Who.AdminB, adminB) })
                {
                    var client = clients[who];
                    var response = method == "GET"
                        ? await client.GetAsync(path)
                        // Any page this user may open yields a token valid for the whole session.
                        // The portal's door reads only the portal's sign-in, so its form gives the token that door accepts (the
                        // intake form, closed here, has none of its own to give).
                        : await client.PostFormAsync(path, [], tokenSource: path.StartsWith("/Portal/Intake") ? "/Portal/SignIn"
                            : path.StartsWith("/Portal/") ? path : who == Who.Anonymous ? "/Account/Login" : "/Account/ChangePassword");
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

    /// <summary>
    /// Every API endpoint, read from the app's own routes so a new one joins by itself: 401 without a token and for a
    /// signed-in browser (the API takes tokens only), 403 for a token of its organisation without the endpoint's scope,
    /// and past authorization (anything but 401 and 403) with it.
    /// </summary>
    [Fact]
    public async Task EveryApiEndpoint_NeedsATokenWithItsScope_AndNothingElseOpensIt()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var endpoints = Fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Endpoint: e)))
            .ToList();
        Assert.True(endpoints.Count >= 20, $"{endpoints.Count} API endpoints");
        using var anonymous = ApiClients.Client(Fixture.Factory, null);
        using var browser = new AppClient(Fixture.Factory);
        await browser.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        var tokens = new Dictionary<string, string>();
        foreach (var scope in SivTracker.Web.Domain.ApiTokens.Scopes)
        {
            tokens[scope] = await ApiClients.TokenAsync(Fixture, "ngo-a", scope, $"only {scope}");
        }

        var mismatches = new List<string>();
        foreach (var (method, endpoint) in endpoints)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!, @"\{(\w+)(:guid)?\}", m => m.Groups[2].Success ? Guid.Empty.ToString() : "overdue");
            var scope = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Single(p => p!.StartsWith("api:", StringComparison.Ordinal))![4..];
            HttpRequestMessage Request() => ApiClients.Request(new HttpMethod(method), path, method is "GET" or "DELETE" ? null : new { }, ifMatch: "\"1\"");
            using (var request = Request())
            {
                if ((await anonymous.SendAsync(request)).StatusCode != HttpStatusCode.Unauthorized) mismatches.Add($"{method} {path} without a token: not 401");
            }
            using (var request = Request())
            {
                if ((await browser.SendAsync(request)).StatusCode != HttpStatusCode.Unauthorized) mismatches.Add($"{method} {path} with a staff cookie: not 401");
            }
            foreach (var (tokenScope, token) in tokens)
            {
                using var client = ApiClients.Client(Fixture.Factory, token);
                using var request = Request();
                var status = (await client.SendAsync(request)).StatusCode;
                var allowed = tokenScope == scope;
                if (allowed ? status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden : status != HttpStatusCode.Forbidden)
                {
                    mismatches.Add($"{method} {path} (needs {scope}) with {tokenScope}: {(int)status}");
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Fact]
    public void EveryEndpoint_HasAuthorizationMetadataOrIsOnTheAnonymousAllowList()
    {
        // Written out here, independently of the app's own list, so adding an anonymous page is a deliberate act.
        string[] allowList = ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/ForgotPassword", "/Account/ResetPassword", "/Error", "/Language", "/Portal/Open", "/Portal/SignIn", "/Portal/SignedOut", "/Portal/Leave", "/Portal/Intake", "/Portal/IntakeFiles", "/calendar/{secret}.ics", "/health/live", "/health/ready"];
        var endpoints = Fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);

        var unprotected = endpoints.Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => e.RoutePattern.RawText).ToList();
        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Distinct().ToList();

        Assert.Empty(unprotected);
        Assert.Empty(anonymous.Except(allowList, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void EveryPageHandler_IsInTheMatrix()
    {
        // Handlers that cannot run in the matrix, each with the reason; every other handler needs a row deciding who may use it.
        var exempt = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            // Signing out ends the session every later row runs in, and its answer (a redirect to the sign-in page) would
            // read as SignIn for everyone, allowed or not.
            "POST /Account/Logout",
        };
        var inMatrix = Matrix.Select(row => HandlerOfRow(row.Method, row.Path)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var pathsByModel = PagePathsByModel();
        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var problems = PageModels().Where(model => !pathsByModel.Contains(model))
            .Select(model => $"{model.FullName}: no page renders it, so it has no route").ToList();

        foreach (var (model, method, described) in PageHandlers())
        {
            found.Add(described);
            if (!inMatrix.Contains(described) && !exempt.Contains(described))
            {
                problems.Add($"{described} ({model.Name}.{method.Name}) is not in the matrix");
            }
        }
        // A stale exemption would silently cover whatever handler later takes its name.
        problems.AddRange(exempt.Where(e => !found.Contains(e) || inMatrix.Contains(e)).Select(e => $"{e} is exempt, but {(found.Contains(e) ? "also in the matrix" : "no such handler exists")}"));

        Assert.True(problems.Count == 0, "Every page handler needs a matrix row (or a reasoned exemption):" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    private const string PagesNamespace = "SivTracker.Web.Pages";

    /// <summary>Every page model of the app: each is a page, or a page without a route, which the test above reports.</summary>
    private static IEnumerable<Type> PageModels() =>
        typeof(Program).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(PageModel)) && !t.IsAbstract
            && t.Namespace is { } ns && (ns == PagesNamespace || ns.StartsWith(PagesNamespace + ".", StringComparison.Ordinal)));

    /// <summary>
    /// Every page handler as a request reaches it, "GET /Cases/Details" or "POST /Cases/Details?handler=Note", with its
    /// page model and method: for tests that hold each handler to a rule, as the matrix does here.
    /// </summary>
    internal static IEnumerable<(Type Model, MethodInfo Method, string Handler)> PageHandlers()
    {
        var pathsByModel = PagePathsByModel();
        foreach (var model in PageModels())
        {
            foreach (var path in pathsByModel[model])
            {
                foreach (var method in model.GetMethods(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (HandlerOf(method) is { } handler) yield return (model, method, Describe(handler.Method, path, handler.Name));
                }
            }
        }
    }

    /// <summary>
    /// Each page model's route, read from the compiled page that renders it rather than from the model's namespace, because
    /// the two part ways: Pages/System/ is namespace Pages.Instance, and Admin/Audit.cshtml's model is AuditLog.
    /// </summary>
    private static ILookup<Type, string> PagePathsByModel() =>
        typeof(Program).Assembly.GetCustomAttributes<RazorCompiledItemAttribute>()
            .Where(item => item.Kind == "mvc.1.0.razor-page")
            .Select(item => (Model: item.Type.GetProperty("Model", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)?.PropertyType,
                // A page that names its own absolute route (@page "/api/docs") answers there instead.
                Path: item.Type.GetCustomAttributes<RazorCompiledItemMetadataAttribute>().FirstOrDefault(m => m.Key == "RouteTemplate")?.Value is { } own && own.StartsWith('/')
                    ? own : RouteOf(item.Identifier)))
            .Where(page => page.Model is not null)
            .ToLookup(page => page.Model!, page => page.Path);

    /// <summary>"/Pages/Cases/ChangeStage.cshtml" answers at /Cases/ChangeStage; an Index page answers at its folder.</summary>
    private static string RouteOf(string file)
    {
        var route = file["/Pages".Length..^".cshtml".Length];
        if (route.EndsWith("/Index", StringComparison.Ordinal)) route = route[..^"/Index".Length];
        return route.Length == 0 ? "/" : route;
    }

    /// <summary>
    /// The HTTP method and handler name Razor Pages gives a public page model method, by its naming rule
    /// On{Method}[{Handler}][Async]: OnGetAsync is GET with no handler name, OnPostEditNoteAsync is POST with "EditNote".
    /// </summary>
    private static (string Method, string Name)? HandlerOf(MethodInfo method)
    {
        var name = method.Name;
        // What PageModel itself declares (OnPageHandlerExecuting and the like) is never a handler, overridden or not.
        if (method.IsSpecialName || method.IsGenericMethod || method.GetBaseDefinition().DeclaringType is not { } origin || origin.IsAssignableFrom(typeof(PageModel))
            || method.IsDefined(typeof(NonHandlerAttribute)) || name.Length < 3 || !name.StartsWith("On", StringComparison.Ordinal) || !char.IsUpper(name[2]))
        {
            return null;
        }
        var end = name.EndsWith("Async", StringComparison.Ordinal) ? name.Length - "Async".Length : name.Length;
        var methodEnd = 3;
        while (methodEnd < end && !char.IsUpper(name[methodEnd])) methodEnd++;
        return (name[2..methodEnd].ToUpperInvariant(), name[methodEnd..end]);
    }

    /// <summary>A matrix row as the handler it reaches: the path without its query, and the handler the query names, if any.</summary>
    private static string HandlerOfRow(string method, string template)
    {
        var query = template.IndexOf('?');
        return query < 0
            ? Describe(method, template, "")
            : Describe(method, template[..query], HttpUtility.ParseQueryString(template[query..])["handler"] ?? "");
    }

    private static string Describe(string method, string path, string handler) =>
        handler.Length == 0 ? $"{method} {path}" : $"{method} {path}?handler={handler}";

    private static Expect Classify(HttpResponseMessage response) => response.StatusCode switch
    {
        HttpStatusCode.Forbidden => Expect.Forbidden,
        HttpStatusCode.NotFound => Expect.NotFound,
        HttpStatusCode.Redirect or HttpStatusCode.Found when response.Headers.Location?.ToString() is { } to && (to.Contains("/Account/Login") || to.Contains("/Portal/SignedOut")) => Expect.SignIn,
        var code when (int)code < 400 => Expect.Ok,
        var code => throw new InvalidOperationException($"Unexpected status {(int)code}"),
    };
}
