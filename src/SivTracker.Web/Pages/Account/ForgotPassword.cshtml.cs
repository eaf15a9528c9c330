using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

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
            RuleFor(c => c.Email).NotEmpty().WithMessage(T("Enter your email address.")).EmailAddress().WithMessage(T("Enter a valid email address.")).PlainText(256);
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
            // The mail is in the account's saved language, else in the language of the page it was asked from.
            string subject, body;
            var asked = CultureInfo.CurrentUICulture;
            if (Find(user.Language) is { } saved) CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(saved.Code);
            try
            {
                subject = T("Reset your SivTracker password");
                body = string.Join("\n\n", T("Someone asked to reset your SivTracker password. If it was you, open this link within a day:"), link,
                    T("If it was not you, ignore this message."));
            }
            finally
            {
                CultureInfo.CurrentUICulture = asked;
            }
            try
            {
                await email.SendAsync(user.Email!, subject, body, ct);
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
