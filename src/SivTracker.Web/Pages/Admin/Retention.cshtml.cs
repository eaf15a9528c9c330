using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Admin;

/// <summary>Lists the closed cases past the retention period and anonymises the ones the admin confirms.</summary>
public class Retention(Data.Retention retention, OrganisationCalendar calendar, ILogger<Retention> logger) : PageModel
{
    public const int Limit = 500;

    public IReadOnlyList<Data.Retention.Candidate> Candidates { get; private set; } = [];
    public int Years => retention.Years;
    public DateOnly Cutoff { get; private set; }
    public string? Error { get; private set; }

    [BindProperty]
    public List<Guid> Selected { get; set; } = [];

    [BindProperty]
    public bool Confirmed { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = await calendar.TodayAsync(ct);
        Cutoff = retention.Cutoff(today);
        Candidates = await retention.CandidatesAsync(today, Limit, ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Selected.Count == 0 || !Confirmed)
        {
            await OnGetAsync(ct);
            Error = Selected.Count == 0 ? "Choose at least one case." : "Tick the box to confirm that this cannot be undone.";
            return Page();
        }
        var done = await retention.AnonymiseAsync(Selected, await calendar.TodayAsync(ct), ct);
        logger.LogInformation("Retention: {Count} cases anonymised by {UserId}", done, User.UserId());
        TempData["Flash"] = done == Selected.Count
            ? $"{done} case(s) anonymised. Their stage history and clock figures remain in the reports."
            : $"{done} of {Selected.Count} case(s) anonymised; the others are no longer eligible.";
        return RedirectToPage();
    }
}
