using System.Globalization;
using SivTracker.Web.Backlog;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Evidence;

/// <summary>
/// The organisation's backlog on a few pages for funders, congressional staff and the press: the dashboard's figures
/// (the same cached computation, <see cref="BacklogFigures"/>), no person in them.
/// </summary>
public sealed class BacklogBrief(BacklogFiguresCache figures, OrganisationCalendar calendar, TimeProvider time)
{
    public async Task WriteAsync(Guid organisationId, string organisationName, Stream output, CancellationToken ct)
    {
        var today = await calendar.TodayAsync(ct);
        var f = await figures.GetAsync(organisationId, today, ct);
        var generated = time.GetUtcNow();
        using var pdf = new PdfComposer(output, T("Backlog brief: {0}", organisationName), Current.RightToLeft,
            T("SivTracker backlog brief · {0} · generated {1}", organisationName, generated.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)), generated);
        pdf.Title(T("Backlog brief"), T("{0} · figures as of {1}", organisationName, PdfComposer.Day(today)));
        pdf.Paragraph(T("Special Immigrant Visa cases this organisation tracks. The law says the government's steps should be completed within nine months of a complete application; these figures show how far that is from true. No applicant is named."));

        pdf.Heading(T("In numbers"));
        pdf.Facts(f.Programs.Select(p => (T("{0}: open cases", p.Program), Number(p.OpenCases)))
            .Append((T("Open cases past the statutory limit"), Number(f.PastStatutoryLimit)))
            .Append((T("Family members in open cases"), Number(f.ByStage.Sum(s => s.FamilyMembers)))));

        pdf.Heading(T("Open cases by stage"));
        pdf.Bars(f.ByStage.Where(s => s.OpenCases > 0).Select(s => (T(s.Name), s.OpenCases)), PdfComposer.Government);
        pdf.Table([T("Stage"), T("Open cases"), T("Family members")],
            f.ByStage.Select(s => (IReadOnlyList<string>)[T(s.Name), Number(s.OpenCases), Number(s.FamilyMembers)]), [0.6f, 0.2f, 0.2f]);

        pdf.Heading(T("Aging: government days of open cases"));
        var buckets = f.Aging.Select(a => a.Bucket).Distinct().ToList();
        pdf.Table([T("Program"), .. buckets],
            f.Aging.GroupBy(a => a.Program).Select(g => (IReadOnlyList<string>)[g.Key.ToString(), .. buckets.Select(b => Number(g.Where(a => a.Bucket == b).Sum(a => a.Cases)))]),
            [0.19f, .. buckets.Select(_ => 0.81f / buckets.Count)]);

        pdf.Heading(T("Cases past the limit at each month's end"));
        pdf.Bars(f.PastLimitByMonth.Select(m => (PdfComposer.Day(m.MonthEnd), m.Overdue)), PdfComposer.Alarm);

        pdf.Heading(T("Days per stage"));
        pdf.Paragraph(T("Government days spent in each stage by cases that have left it."), 9, PdfComposer.Muted);
        pdf.Table([T("Stage"), T("Cases that left it"), T("Median days"), T("Mean days")],
            f.DaysInStage.Select(s => (IReadOnlyList<string>)[T(s.Name), Number(s.Exits), Days(s.MedianDays), Days(s.MeanDays)]), [0.46f, 0.18f, 0.18f, 0.18f]);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Days(double? value) => value is { } days ? days.ToString("0", CultureInfo.InvariantCulture) : "—";
}
