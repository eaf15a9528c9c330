using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Data;

namespace SivTracker.Web.Infrastructure;

public sealed record SecuritySettings
{
    /// <summary>Roles that must sign in with a second factor: comma-separated; empty for none.</summary>
    public string RequireTwoFactorForRoles { get; init; } = $"{Roles.Admin},{Roles.SystemAdmin}";

    public IReadOnlyList<string> RolesRequiringTwoFactor =>
        RequireTwoFactorForRoles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// An admin's password alone opens every record of an organisation, so those roles must enrol a second factor: until
/// they have, every page but enrolment and sign-out sends them to enrol.
/// </summary>
public sealed class TwoFactorRequirement(SecuritySettings settings) : IAsyncPageFilter
{
    public const string Claim = "sivtracker:2fa";

    private static readonly string[] StillOpen = ["/Account/TwoFactor", "/Account/Logout", "/Error"];

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var user = context.HttpContext.User;
        if (user.Identity?.IsAuthenticated == true && user.FindFirstValue(Claim) != "on"
            && settings.RolesRequiringTwoFactor.Any(user.IsInRole)
            && !StillOpen.Contains(context.ActionDescriptor.ViewEnginePath, StringComparer.OrdinalIgnoreCase))
        {
            context.Result = new RedirectToPageResult("/Account/TwoFactor", new { required = true });
            return;
        }
        await next();
    }
}
