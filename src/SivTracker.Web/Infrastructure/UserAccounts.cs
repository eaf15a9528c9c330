using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;

namespace SivTracker.Web.Infrastructure;

/// <summary>Creating accounts and issuing first passwords, shared by the admin pages, the CLI and the demo seed.</summary>
public sealed class UserAccounts(UserManager<AppUser> users, IEmailSender email, PublicLinks links, TimeProvider time)
{
    public sealed record Created(AppUser? User, IdentityResult Result, string? OneTimePassword, bool InvitationSent);

    /// <summary>
    /// Creates a user. With a password, that is the password; without one, an invitation link is mailed when asked for
    /// and SMTP is configured, else a one-time password is generated for the caller to show once.
    /// </summary>
    public async Task<Created> CreateAsync(string emailAddress, string displayName, Guid? organisationId, IEnumerable<string> roles,
        string? password = null, bool sendInvitation = false, CancellationToken ct = default)
    {
        var user = new AppUser
        {
            UserName = emailAddress.Trim(),
            Email = emailAddress.Trim(),
            EmailConfirmed = true,
            DisplayName = displayName.Trim(),
            OrganisationId = organisationId,
            CreatedAt = time.GetUtcNow(),
        };
        var invite = password is null && email.IsConfigured && sendInvitation;
        var oneTime = password is null && !invite ? GeneratePassword() : null;
        var result = await users.CreateAsync(user, password ?? oneTime ?? GeneratePassword());
        if (!result.Succeeded)
        {
            return new Created(null, result, null, false);
        }
        result = await users.AddToRolesAsync(user, roles);
        if (!result.Succeeded)
        {
            return new Created(null, result, null, false);
        }
        if (invite)
        {
            var link = links.PasswordReset(user.Id, await ResetCodeAsync(user));
            await email.SendAsync(user.Email!, "Your SivTracker account",
                $"An account on SivTracker was made for you. Set your password within a day with this link:\n\n{link}\n", ct);
        }
        return new Created(user, result, oneTime, invite);
    }

    public async Task<string> IssueOneTimePasswordAsync(AppUser user)
    {
        var password = GeneratePassword();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, password);
        return result.Succeeded ? password : throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    public async Task<string> ResetCodeAsync(AppUser user) =>
        WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));

    /// <summary>Users of one organisation only; loading by id checks the organisation, so another's user is "not found".</summary>
    public Task<AppUser?> FindInOrganisationAsync(Guid id, Guid organisationId) =>
        users.Users.FirstOrDefaultAsync(u => u.Id == id && u.OrganisationId == organisationId);

    /// <summary>20 characters from an alphabet without look-alikes (0/O, 1/l/I), about 100 bits.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }
}
