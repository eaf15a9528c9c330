using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Pages.Interpreters;

/// <summary>Everyone with an interpreter or translator service record: they face the worst threat and have the S1059 route.</summary>
public class Index(AppDbContext db, OrganisationCalendar calendar, Audit audit) : PageModel
{
    public const int PageSize = 50;

    public sealed record Service(string Employer, DateOnly StartDate, DateOnly? EndDate, string? SupervisorName, bool HrLetterObtained, bool RecommendationLetterObtained);

    /// <summary>The person's latest case, read in one piece so every column describes the same case.</summary>
    public sealed record LatestCase(string Reference, string Stage, ClockState ClockState, int GovernmentDays, int? LimitDays, int? DaysOver);

    public sealed record Row(Guid Id, string GivenNames, string? FamilyName, string? NativeName, IReadOnlyList<Service> Service, LatestCase? Case)
    {
        public string Name => Person.FormatName(GivenNames, FamilyName);
    }

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public bool HasMore { get; private set; }
    public Guid? After { get; private set; }

    [Audited(AuditActions.InterpreterListViewed)]
    public async Task OnGetAsync(Guid? after, CancellationToken ct)
    {
        var today = Today = await calendar.TodayAsync(ct);
        After = after;
        var people = db.Persons.AsNoTracking()
            .Where(p => p.MergedIntoId == null && p.ServiceRecords.Any(s => s.Role == ServiceRole.Interpreter));
        // Most recently updated first: names are sealed, so the database cannot order by them.
        if (after is { } id && await db.Persons.Where(p => p.Id == id).Select(p => new { p.UpdatedAt, p.Id }).FirstOrDefaultAsync(ct) is { } cursor)
        {
            people = people.Where(p => EF.Functions.LessThan(ValueTuple.Create(p.UpdatedAt, p.Id), ValueTuple.Create(cursor.UpdatedAt, cursor.Id)));
        }
        var page = await people.OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.Id).Take(PageSize + 1)
            .Select(p => new
            {
                p.Id, p.GivenNames, p.FamilyName, p.NativeName,
                Service = p.ServiceRecords.Where(s => s.Role == ServiceRole.Interpreter).OrderBy(s => s.StartDate)
                    .Select(s => new Service(s.Employer, s.StartDate, s.EndDate, s.SupervisorName, s.HrLetterObtained, s.RecommendationLetterObtained)).ToList(),
                // The latest case's id only, as on the applicants list: its columns come in a second statement.
                LatestCaseId = db.CasesLatestFirst.Where(c => c.PrincipalId == p.Id).Select(c => (Guid?)c.Id).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var caseIds = page.Take(PageSize).Where(p => p.LatestCaseId != null).Select(p => p.LatestCaseId!.Value).ToList();
        var cases = await db.Cases.Where(c => caseIds.Contains(c.Id))
            .Select(c => new
            {
                c.Id,
                Case = new LatestCase(c.Reference, db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.Name).First(), c.ClockState,
                    CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today), c.LimitDays,
                    CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today)),
            })
            .ToDictionaryAsync(c => c.Id, c => c.Case, ct);
        HasMore = page.Count > PageSize;
        Rows = page.Take(PageSize).Select(p => new Row(p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.Service,
            p.LatestCaseId is { } caseId ? cases.GetValueOrDefault(caseId) : null)).ToList();
        await audit.RecordNowAsync(AuditActions.InterpreterListViewed, details: Audit.ListDetails(Rows.Count, ("after", after)), ct: ct);
    }

    public int Months(Row row) => ServiceHistory.QualifyingMonths(row.Service.Select(s => (s.StartDate, s.EndDate)), Today);
}
