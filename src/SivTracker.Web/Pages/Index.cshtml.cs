using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages;

public class IndexModel(AppDbContext db) : PageModel
{
    public sealed record ProgramRow(SivProgram Program, int Cases, int OpenCases);

    public sealed record TotalsRow(int Principals, int FamilyMembers, int OpenCases, int Overdue);

    public IReadOnlyList<ProgramRow> Programs { get; private set; } = [];
    public TotalsRow Totals { get; private set; } = new(0, 0, 0, 0);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (User.OrganisationId() is null)
        {
            // System administrators belong to no organisation and see no case data.
            return RedirectToPage("/System/Index");
        }
        Programs = await db.Cases.AsNoTracking()
            .GroupBy(c => c.Program)
            .OrderBy(g => g.Key)
            .Select(g => new ProgramRow(
                g.Key,
                g.Count(),
                g.Sum(c => c.ClockState != ClockState.Stopped ? 1 : 0)))
            .ToListAsync(ct);
        var people = await db.Persons.AsNoTracking()
            .GroupBy(p => p.Relationship == Relationship.Principal)
            .Select(g => new { IsPrincipal = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        Totals = new TotalsRow(
            people.Where(p => p.IsPrincipal).Sum(p => p.Count),
            people.Where(p => !p.IsPrincipal).Sum(p => p.Count),
            Programs.Sum(p => p.OpenCases),
            await db.Cases.CountAsync(c => (c.ClockState == ClockState.Running || c.ClockState == ClockState.Paused) && c.DaysOver > 0 && !c.HighRisk, ct));
        return Page();
    }
}
