using System.Text;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Account;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimits.SignIn)]
public class ResetPassword(UserManager<AppUser> users, Audit audit) : PageModel
{
    public sealed record Command
    {
        public string NewPassword { get; init; } = "";
        public string ConfirmPassword { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.NewPassword).NotEmpty().WithMessage(T("Enter a new password."))
                .MinimumLength(12).WithMessage(T("Use at least 12 characters.")).PlainText(256);
            RuleFor(c => c.ConfirmPassword).Equal(c => c.NewPassword).WithMessage(T("The two passwords do not match."));
        }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public Guid UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [NotAudited("The empty form; the link's code is checked, and the outcome recorded, when it is posted.")]
    public IActionResult OnGet() => Page();

    [Audited(AuditActions.PasswordReset, AuditActions.PasswordResetRefused)]
    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.Validate(new Validator(), Input))
        {
            return Page();
        }
        var user = await users.FindByIdAsync(UserId.ToString());
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(Code));
        }
        catch (FormatException)
        {
            token = "";
        }
        var result = user is null || user.IsDisabled
            ? IdentityResult.Failed(new IdentityError { Description = T("This link is not valid any more. Ask for a new one.") })
            : await users.ResetPasswordAsync(user, token, Input.NewPassword);
        // A refused link is recorded only for a real account: a row per made-up id would let anyone fill the log.
        // A new password too weak to accept is the user's typing, not a use of the link.
        var linkRefused = result.Errors.Any(e => e.Code == "InvalidToken") || user is { IsDisabled: true };
        if (user is not null && (result.Succeeded || linkRefused))
        {
            await audit.RecordNowAsync(result.Succeeded ? AuditActions.PasswordReset : AuditActions.PasswordResetRefused, "user", user.Id,
                organisationId: user.OrganisationId, userId: user.Id);
        }
        if (!result.Succeeded)
        {
            ModelState.AddIdentityErrors(result, result.Errors.Any(e => e.Code == "InvalidToken") ? string.Empty : "Input.NewPassword");
            if (result.Errors.Any(e => e.Code == "InvalidToken"))
            {
                ModelState.AddModelError(string.Empty, T("This link is not valid any more. Ask for a new one."));
            }
            return Page();
        }
        TempData["Flash"] = T("Your password is set. Sign in with it now.");
        return RedirectToPage("./Login");
    }
}
