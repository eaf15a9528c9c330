using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>
/// A person's portal invitations: make one (its link and code shown once, never stored readable), see which are open,
/// revoke one (unused, or used: then the applicant's session ends). Caseworkers and admins of the person's organisation.
/// </summary>
public class Invite(AppDbContext db, Audit audit, PublicLinks links, OrganisationCalendar calendar, TimeProvider time) : PageModel
{
    public sealed record NewInvitation(string Link, string Code);

    [BindProperty(SupportsGet = true)]
    public Guid PersonId { get; set; }

    public string PersonName { get; private set; } = "";
    public bool MayBeInvited { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public IReadOnlyList<PortalInvitation> Invitations { get; private set; } = [];
    public NewInvitation? Created { get; private set; }

    /// <summary>The applicant's passphrase sign-in, when they chose one and it is on.</summary>
    public PortalAccount? Account { get; private set; }

    public static string StateLabel(InvitationState state) => state switch
    {
        InvitationState.Open => T("Open"),
        InvitationState.Used => T("Used"),
        InvitationState.Expired => T("Expired"),
        InvitationState.Revoked => T("Revoked"),
        _ => T("Locked after wrong codes"),
    };

    [NotAudited("The person's invitations: dates and states; the name is on the person page, whose opening is audited.")]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) is { } person ? Page() : NotFound();

    [Audited(AuditActions.PortalInvitationCreated)]
    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is not { } person) return NotFound();
        if (!MayBeInvited) return Page();
        var (invitation, token, code) = PortalInvitations.Create(person, time.GetUtcNow(), User.UserId());
        db.PortalInvitations.Add(invitation);
        audit.Record(AuditActions.PortalInvitationCreated, "person", person.Id.ToString(), $"invitation={invitation.Id}");
        await db.SaveChangesAsync(ct);
        Created = new NewInvitation(links.PortalInvitation(token), code);
        await LoadAsync(ct);
        return Page();
    }

    [Audited(AuditActions.PortalInvitationRevoked)]
    public async Task<IActionResult> OnPostRevokeAsync(Guid invitationId, CancellationToken ct)
    {
        if (await LoadAsync(ct) is null) return NotFound();
        var revoked = await db.PortalInvitations.Where(i => i.Id == invitationId && i.PersonId == PersonId && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, time.GetUtcNow()), ct);
        if (revoked == 0) return NotFound();
        audit.Record(AuditActions.PortalInvitationRevoked, "person", PersonId.ToString(), $"invitation={invitationId}");
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = T("Invitation revoked: its link and code no longer open anything, and a portal session it opened ends.");
        return RedirectToPage(new { personId = PersonId });
    }

    [Audited(AuditActions.PortalPassphraseRemoved)]
    public async Task<IActionResult> OnPostRemovePassphraseAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is null) return NotFound();
        var removed = await db.PortalAccounts.Where(a => a.PersonId == PersonId && a.DisabledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.DisabledAt, time.GetUtcNow()), ct);
        if (removed == 0) return NotFound();
        audit.Record(AuditActions.PortalPassphraseRemoved, "person", PersonId.ToString());
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = T("Passphrase switched off: the applicant's number and passphrase no longer open anything, and a session they opened ends.");
        return RedirectToPage(new { personId = PersonId });
    }

    private async Task<Person?> LoadAsync(CancellationToken ct)
    {
        var person = await db.Persons.AsNoTracking().FirstOrDefaultAsync(p => p.Id == PersonId && p.MergedIntoId == null, ct);
        if (person is null) return null;
        PersonName = Person.FormatName(person.GivenNames, person.FamilyName);
        Now = time.GetUtcNow();
        MayBeInvited = PortalInvitations.MayBeInvited(person, await calendar.TodayAsync(ct));
        Invitations = await db.PortalInvitations.AsNoTracking().Where(i => i.PersonId == PersonId).OrderByDescending(i => i.CreatedAt).ToListAsync(ct);
        Account = await db.PortalAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.PersonId == PersonId && a.DisabledAt == null, ct);
        return person;
    }
}
