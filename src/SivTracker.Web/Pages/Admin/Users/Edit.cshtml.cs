using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Admin.Users;

public class Edit(UserManager<AppUser> users, UserAccounts accounts, Audit audit, ILogger<Edit> logger) : PageModel
{
    public sealed record Command
    {
        public List<string> Roles { get; init; } = [];
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Roles).NotEmpty().WithMessage(T("Choose at least one role."))
                .Must(roles => roles.All(Data.Roles.Organisation.Contains)).WithMessage(T("Choose roles from the list."));
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public AppUser Subject { get; private set; } = null!;
    public bool IsSelf => Subject.Id == User.UserId();
    public string? OneTimePassword { get; private set; }

    [NotAudited("A colleague's account (name, email, roles), shown to their organisation's admin; each change to it is audited.")]
    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await LoadAsync(id) is { } notFound) return notFound;
        Input = new Command { Roles = (await users.GetRolesAsync(Subject)).ToList() };
        return Page();
    }

    [Audited(AuditActions.UserRolesChanged)]
    public async Task<IActionResult> OnPostRolesAsync(Guid id)
    {
        if (await LoadAsync(id) is { } notFound) return notFound;
        if (IsSelf && !Input.Roles.Contains(Data.Roles.Admin))
        {
            ModelState.AddModelError("Input.Roles", T("You cannot remove your own Admin role; ask another admin."));
        }
        if (!ModelState.Validate(new Validator(), Input))
        {
            return Page();
        }
        var current = await users.GetRolesAsync(Subject);
        await users.RemoveFromRolesAsync(Subject, current.Except(Input.Roles).Intersect(Data.Roles.Organisation));
        await users.AddToRolesAsync(Subject, Input.Roles.Except(current));
        // A new security stamp ends the user's open sessions at their next request; they sign in again with the new roles.
        await users.UpdateSecurityStampAsync(Subject);
        logger.LogInformation("Roles of user {UserId} changed by {ActorId}", Subject.Id, User.UserId());
        await audit.RecordNowAsync(AuditActions.UserRolesChanged, "user", Subject.Id, $"roles: {string.Join(", ", Input.Roles)}");
        TempData["Flash"] = T("Roles saved.");
        return RedirectToPage(new { id });
    }

    [Audited(AuditActions.UserDisabled)]
    public async Task<IActionResult> OnPostDisableAsync(Guid id) => await SetDisabledAsync(id, disabled: true);

    [Audited(AuditActions.UserEnabled)]
    public async Task<IActionResult> OnPostEnableAsync(Guid id) => await SetDisabledAsync(id, disabled: false);

    [Audited(AuditActions.UserOneTimePasswordIssued)]
    public async Task<IActionResult> OnPostOneTimePasswordAsync(Guid id)
    {
        if (await LoadAsync(id) is { } notFound) return notFound;
        OneTimePassword = await accounts.IssueOneTimePasswordAsync(Subject);
        await users.SetLockoutEndDateAsync(Subject, null);
        logger.LogInformation("One-time password issued for user {UserId} by {ActorId}", Subject.Id, User.UserId());
        await audit.RecordNowAsync(AuditActions.UserOneTimePasswordIssued, "user", Subject.Id);
        Input = new Command { Roles = (await users.GetRolesAsync(Subject)).ToList() };
        return Page();
    }

    private async Task<IActionResult> SetDisabledAsync(Guid id, bool disabled)
    {
        if (await LoadAsync(id) is { } notFound) return notFound;
        if (IsSelf && disabled)
        {
            TempData["Flash"] = T("You cannot disable your own account.");
            return RedirectToPage(new { id });
        }
        Subject.IsDisabled = disabled;
        await users.UpdateAsync(Subject);
        // Ends the user's open sessions at their next request.
        await users.UpdateSecurityStampAsync(Subject);
        logger.LogInformation("User {UserId} {Change} by {ActorId}", Subject.Id, disabled ? "disabled" : "enabled", User.UserId());
        await audit.RecordNowAsync(disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, "user", Subject.Id);
        TempData["Flash"] = disabled ? T("User disabled. Their open sessions have ended.") : T("User enabled.");
        return RedirectToPage(new { id });
    }

    private async Task<IActionResult?> LoadAsync(Guid id)
    {
        var organisationId = User.OrganisationId();
        var user = organisationId is null ? null : await accounts.FindInOrganisationAsync(id, organisationId.Value);
        if (user is null)
        {
            return NotFound();
        }
        Subject = user;
        return null;
    }
}
