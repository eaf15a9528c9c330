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
        var rows = await people.OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.Id).Take(PageSize + 1)
            .Select(p => new Row(p.Id, p.GivenNames, p.FamilyName, p.NativeName,
                p.ServiceRecords.Where(s => s.Role == ServiceRole.Interpreter).OrderBy(s => s.StartDate)
                    .Select(s => new Service(s.Employer, s.StartDate, s.EndDate, s.SupervisorName, s.HrLetterObtained, s.RecommendationLetterObtained)).ToList(),
                db.CasesLatestFirst.Where(c => c.PrincipalId == p.Id)
                    .Select(c => new LatestCase(c.Reference, db.Stages.Where(s => s.Code == c.CurrentStageCode).Select(s => s.Name).First(), c.ClockState,
                        CaseClock.GovernmentDaysOn(c.ClockState, c.GovernmentDays, c.ClockComputedFor, today), c.LimitDays, CaseClock.DaysOverOn(c.ClockState, c.GovernmentDays, c.LimitDays, c.ClockComputedFor, today)))
                    .FirstOrDefault()))
            .ToListAsync(ct);
        HasMore = rows.Count > PageSize;
        Rows = rows.Take(PageSize).ToList();
        await audit.RecordNowAsync(AuditActions.InterpreterListViewed, details: Audit.ListDetails(Rows.Count, ("after", after)), ct: ct);
    }

    public int Months(Row row) => ServiceHistory.QualifyingMonths(row.Service.Select(s => (s.StartDate, s.EndDate)), Today);
}
