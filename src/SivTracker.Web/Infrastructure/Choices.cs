using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>Drop-down choices for the stored codes, labelled for people.</summary>
public static class Choices
{
    public static IEnumerable<SelectListItem> Of<TEnum>(Func<TEnum, string>? label = null) where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(v => new SelectListItem(label?.Invoke(v) ?? Text.T(v.ToString()), v.ToString()));

    public static IEnumerable<SelectListItem> SafetyStatuses => Of<SafetyStatus>(Labels.For);
    public static IEnumerable<SelectListItem> Precisions => Of<DatePrecision>(Labels.For);
    public static IEnumerable<SelectListItem> EmployerTypes => Of<EmployerType>(Labels.For);
    public static IEnumerable<SelectListItem> ServiceRoles => Of<ServiceRole>(Labels.For);
    public static IEnumerable<SelectListItem> Sexes => Of<Sex>(s => Labels.For(s));
    public static IEnumerable<SelectListItem> TazkiraTypes => Of<TazkiraType>(t => Text.T(t.ToString()));
    public static IEnumerable<SelectListItem> ContactKinds => Of<ContactChannelKind>(k => Text.T(k.ToString()));
    /// <summary>The users of one organisation, by name: caseworker filters, assignments, escalations.</summary>
    public static async Task<IEnumerable<SelectListItem>> UsersAsync(AppDbContext db, Guid? organisationId, bool activeOnly, CancellationToken ct) =>
        (await UsersQuery(db, organisationId, activeOnly).ToListAsync(ct)).Select(u => new SelectListItem(u.DisplayName, u.Id.ToString()));

    private sealed record UserChoice(Guid Id, string DisplayName);

    // Compiled once: these lists sit on the busiest pages.
    private static readonly Func<AppDbContext, Guid?, bool, IAsyncEnumerable<UserChoice>> UsersQuery = EF.CompileAsyncQuery(
        (AppDbContext db, Guid? organisationId, bool activeOnly) => db.Users.AsNoTracking()
            .Where(u => u.OrganisationId == organisationId && (!activeOnly || !u.IsDisabled)).OrderBy(u => u.DisplayName)
            .Select(u => new UserChoice(u.Id, u.DisplayName)));

    public static IEnumerable<SelectListItem> CaseNumberKinds => Of<CaseNumberKind>(Labels.For);
}
