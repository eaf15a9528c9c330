using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Admin.Users;

public class Create(UserAccounts accounts, Audit audit, ILogger<Create> logger) : PageModel
{
    public sealed record Command
    {
        public string Email { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public List<string> Roles { get; init; } = [];
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().WithMessage(T("Enter the user's email address."))
                .EmailAddress().WithMessage(T("Enter a valid email address.")).PlainText(256);
            RuleFor(c => c.DisplayName).NotEmpty().WithMessage(T("Enter the user's name.")).PlainText(200);
            RuleFor(c => c.Roles).NotEmpty().WithMessage(T("Choose at least one role."))
                .Must(roles => roles.All(Data.Roles.Organisation.Contains)).WithMessage(T("Choose roles from the list."));
        }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public string? OneTimePassword { get; private set; }
    public string? CreatedEmail { get; private set; }

    [NotAudited("The empty form.")]
    public void OnGet()
    {
    }

    [Audited(AuditActions.UserCreated)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.Validate(new Validator(), Input))
        {
            return Page();
        }
        var created = await accounts.CreateAsync(Input.Email, Input.DisplayName, User.OrganisationId(), Input.Roles, sendInvitation: true, ct: ct);
        if (created.User is null)
        {
            ModelState.AddIdentityErrors(created.Result, created.Result.Errors.Any(e => e.Code.Contains("Email") || e.Code.Contains("UserName")) ? "Input.Email" : string.Empty);
            return Page();
        }
        logger.LogInformation("User {UserId} created by {ActorId}", created.User.Id, User.UserId());
        await audit.RecordNowAsync(AuditActions.UserCreated, "user", created.User.Id, $"roles: {string.Join(", ", Input.Roles)}", ct: ct);
        if (created.InvitationSent)
        {
            TempData["Flash"] = T("User added. An invitation to set a password is on its way by email.");
            return RedirectToPage("./Index");
        }
        // Shown in this response only: no redirect, so the password never sits in a cookie or a URL.
        OneTimePassword = created.OneTimePassword;
        CreatedEmail = created.User.Email;
        return Page();
    }
}
