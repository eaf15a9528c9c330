using SivTracker.Web.Domain;
using System.Security.Claims;
using SivTracker.Web.Data;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// What of a person's record the signed-in user may see, decided here once for every page. Reviewers review delays,
/// not identities: they see who a case is about (names, relationship, date of birth for age-outs, the country and the
/// safety status that make a case urgent) but nothing that would identify or find the person outside SivTracker.
/// Pages load what this allows and nothing more; docs/security.md ("What reviewers see") gives the reasons.
/// </summary>
/// <param name="Identifiers">
/// Tazkira (type, number, volume, page, register), passports, father's name, clan or tribe and place of birth: what an
/// identity document holds. Also whether a search may match a tazkira or passport number.
/// </param>
/// <param name="Whereabouts">
/// Current province, contact channels, safety notes and the supervisors' emails: how to reach or find someone. Also
/// whether a search may match a phone number or an email.
/// </param>
public sealed record PersonalDataAccess(bool Identifiers, bool Whereabouts)
{
    /// <summary>Caseworkers and admins, who register, contact and protect the people themselves.</summary>
    public static readonly PersonalDataAccess Everything = new(Identifiers: true, Whereabouts: true);

    /// <summary>Reviewers, and any role that is not known to need more.</summary>
    public static readonly PersonalDataAccess DelaysOnly = new(Identifiers: false, Whereabouts: false);

    public static PersonalDataAccess For(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Caseworker) || user.IsInRole(Roles.Admin) ? Everything : DelaysOnly;

    /// <summary>The search form's label: what this user may search by.</summary>
    public string SearchLabel => Identifiers && Whereabouts
        ? Text.T("Search by any spelling of a name, native script, tazkira, passport, phone, case reference or case number")
        : Text.T("Search by any spelling of a name, native script, case reference or case number");

    public string SearchPlaceholder => Identifiers && Whereabouts ? Text.T("Search names, tazkira, passport, phone, case…") : Text.T("Search names, case…");
}
