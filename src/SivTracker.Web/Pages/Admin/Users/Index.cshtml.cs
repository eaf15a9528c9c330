using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Admin.Users;

public class Index(AppDbContext db, TimeProvider time) : PageModel
{
    public sealed record Row(Guid Id, string Email, string DisplayName, string Roles, bool TwoFactor, bool Disabled, bool LockedOut);

    public IReadOnlyList<Row> Users { get; private set; } = [];

    [NotAudited("The organisation's staff accounts, for its admin: no applicant data.")]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var organisationId = User.OrganisationId();
        var now = time.GetUtcNow();
        var users = await db.Users.AsNoTracking()
            .Where(u => u.OrganisationId == organisationId)
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Email)
            .Select(u => new
            {
                u.Id, u.Email, u.DisplayName, u.TwoFactorEnabled, u.IsDisabled, u.LockoutEnd,
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToList(),
            })
            .ToListAsync(ct);
        Users = users.Select(u => new Row(u.Id, u.Email ?? "", u.DisplayName, string.Join(", ", u.Roles.Order().Select(r => r is not null && Data.Roles.Organisation.Contains(r) ? T(r) : r)), u.TwoFactorEnabled,
            u.IsDisabled, u.LockoutEnd > now)).ToList();
    }
}
