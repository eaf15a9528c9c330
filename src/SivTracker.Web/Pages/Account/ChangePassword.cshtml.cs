using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Account;

public class ChangePassword(UserManager<AppUser> users, SignInManager<AppUser> signIn, Audit audit) : PageModel
{
    public sealed record Command
    {
        public string CurrentPassword { get; init; } = "";
        public string NewPassword { get; init; } = "";
        public string ConfirmPassword { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.CurrentPassword).NotEmpty().WithMessage(T("Enter your current password."));
            RuleFor(c => c.NewPassword).NotEmpty().WithMessage(T("Enter a new password."))
                .MinimumLength(12).WithMessage(T("Use at least 12 characters.")).PlainText(256);
            RuleFor(c => c.ConfirmPassword).Equal(c => c.NewPassword).WithMessage(T("The two new passwords do not match."));
        }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    [NotAudited("The empty form.")]
    public void OnGet()
    {
    }

    [Audited(AuditActions.PasswordChanged, AuditActions.PasswordChangeFailed)]
    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.Validate(new Validator(), Input))
        {
            return Page();
        }
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }
        // Whoever holds an open session may guess at the password it was opened with; those guesses count like sign-ins.
        if (await users.IsLockedOutAsync(user))
        {
            ModelState.AddModelError(string.Empty, Login.LockedOutMessage);
            return Page();
        }
        var result = await users.ChangePasswordAsync(user, Input.CurrentPassword, Input.NewPassword);
        if (!result.Succeeded)
        {
            var wrongCurrentPassword = result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch));
            if (wrongCurrentPassword)
            {
                // Someone holding an open session, guessing at the password it was opened with.
                await audit.RecordNowAsync(AuditActions.PasswordChangeFailed, "user", user.Id);
                await users.AccessFailedAsync(user);
                if (await users.IsLockedOutAsync(user))
                {
                    ModelState.AddModelError(string.Empty, Login.LockedOutMessage);
                    return Page();
                }
            }
            ModelState.AddIdentityErrors(result, wrongCurrentPassword ? "Input.CurrentPassword" : "Input.NewPassword");
            return Page();
        }
        await users.ResetAccessFailedCountAsync(user);
        await audit.RecordNowAsync(AuditActions.PasswordChanged, "user", user.Id);
        // Changing the password renews the security stamp, which ends the user's other sessions; keep this one.
        await signIn.RefreshSignInAsync(user);
        TempData["Flash"] = T("Your password is changed.");
        return RedirectToPage("/Index");
    }
}
