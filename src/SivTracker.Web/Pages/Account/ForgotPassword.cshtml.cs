using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Account;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimits.SignIn)]
public class ForgotPassword(UserManager<AppUser> users, UserAccounts accounts, PublicLinks links, IEmailSender email, Audit audit, ILogger<ForgotPassword> logger) : PageModel
{
    public sealed record Command
    {
        public string Email { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Email).NotEmpty().WithMessage("Enter your email address.").EmailAddress().WithMessage("Enter a valid email address.").PlainText(256);
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public bool EmailAvailable => email.IsConfigured;
    public bool Sent { get; private set; }

    [NotAudited("The empty form.")]
    public void OnGet()
    {
    }

    [Audited(AuditActions.PasswordResetRequested)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!email.IsConfigured || !ModelState.Validate(new Validator(), Input))
        {
            return Page();
        }
        var user = await users.FindByEmailAsync(Input.Email.Trim());
        if (user is { IsDisabled: false })
        {
            var link = links.PasswordReset(user.Id, await accounts.ResetCodeAsync(user));
            try
            {
                await email.SendAsync(user.Email!, "Reset your SivTracker password",
                    $"Someone asked to reset your SivTracker password. If it was you, open this link within a day:\n\n{link}\n\nIf it was not you, ignore this message.", ct);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning("Password reset mail for user {UserId} failed: {Error}", user.Id, exception.GetType().Name);
            }
            // Against the account asked about; nobody is signed in, and the typed address is not kept.
            await audit.RecordNowAsync(AuditActions.PasswordResetRequested, "user", user.Id, organisationId: user.OrganisationId, userId: user.Id, ct: ct);
        }
        // The same answer whether or not the account exists.
        Sent = true;
        return Page();
    }
}
