using System.IO.Compression;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Exports;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Evidence;

/// <summary>
/// A case's evidence of delay, for an expedite request, a congressional inquiry or litigation counsel: the law, the clock
/// stage by stage, the checklist and what the organisation has done. The figures come from <see cref="StatutoryClock"/>
/// over the same history and the same day as the case page, so the packet and the page never disagree.
/// </summary>
public sealed class DelayEvidence(AppDbContext db, OrganisationCalendar calendar, ClockSettings settings, TimeProvider time, ReportExporter exporter)
{
    public sealed record StageRow(string Code, string Name, DateOnly EnteredOn, int GovernmentDays, int ApplicantDays);

    public sealed record ChecklistRow(string Item, string Whose, string Status, DateOnly? On);

    public sealed record ActionRow(DateOnly On, string What, string? Note);

    public sealed record Identity(string Name, string? NativeName, IReadOnlyList<(CaseNumberKind Kind, string Number, bool Current)> Numbers);

    public sealed record Packet(Guid CaseId, string Reference, SivProgram Program, string OrganisationName, DateOnly Today, ClockStatus Clock,
        string StageName, ClockOwner HeldBy, string? Caseworker, IReadOnlyList<StageRow> Stages, IReadOnlyList<ChecklistRow> Checklist,
        IReadOnlyList<ActionRow> Actions, Identity? Identity);

    /// <summary>The packet's facts; names, case numbers and free text only with <paramref name="includeIdentity"/>.</summary>
    public async Task<Packet?> LoadAsync(Guid caseId, bool includeIdentity, CancellationToken ct)
    {
        var header = await db.Cases.AsNoTracking().Where(c => c.Id == caseId && c.AnonymisedOn == null)
            .Select(c => new
            {
                c.Id, c.Reference, c.Program, c.StepModel, c.HighRisk, c.CurrentStageCode, c.PrincipalId,
                Caseworker = db.Users.Where(u => u.Id == c.CaseworkerId).Select(u => u.DisplayName).FirstOrDefault(),
                Organisation = db.Organisations.Where(o => o.Id == c.OrganisationId).Select(o => o.Name).First(),
            })
            .FirstOrDefaultAsync(ct);
        if (header is null) return null;
        var today = await calendar.TodayAsync(ct);
        var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
        var events = StatutoryClock.InOrder(await db.StageEvents.AsNoTracking().Where(e => e.CaseId == caseId).ToListAsync(ct), catalog);
        var clock = StatutoryClock.Compute(StatutoryClock.ClockEvents(events), catalog, header.Program, header.StepModel, header.HighRisk, today, settings);
        string StageName(string code) => catalog.TryGetValue(code, out var stage) ? T(stage.Name) : code;

        // One row per stage in the order the case first entered it; a stage entered twice sums both stays.
        var stages = clock.Segments.Where(s => s.Owner != ClockOwner.Stopped).GroupBy(s => s.StageCode)
            .Select(g => new StageRow(g.Key, StageName(g.Key), g.Min(s => s.From), g.Sum(s => s.GovernmentDays), g.Sum(s => s.ApplicantDays)))
            .OrderBy(r => r.EnteredOn).ToList();

        var family = await db.Persons.AsNoTracking().Where(p => (p.Id == header.PrincipalId || p.PrincipalId == header.PrincipalId) && p.MergedIntoId == null)
            .Select(p => new { p.Id, p.Relationship, p.GivenNames, p.FamilyName, p.NativeName }).ToListAsync(ct);
        var children = 0;
        var whose = family.OrderBy(p => p.Relationship).ToDictionary(p => p.Id, p => includeIdentity ? Person.FormatName(p.GivenNames, p.FamilyName)
            : p.Relationship == Relationship.Child ? T("Child {0}", ++children) : T(p.Relationship.ToString()));
        var checklist = (await db.DocumentItems.AsNoTracking().Where(d => d.CaseId == caseId).OrderBy(d => d.PersonId).ThenBy(d => d.Kind).ToListAsync(ct))
            .Select(d => new ChecklistRow(Checklist.Label(d.Kind), d.PersonId is { } p && whose.TryGetValue(p, out var who) ? who : T("Principal"),
                T(d.Status.ToString()), d.StatusOn))
            .ToList();

        var actions = (await db.ReviewActions.AsNoTracking().Where(a => a.CaseId == caseId).OrderBy(a => a.At).ToListAsync(ct))
            .Select(a => new ActionRow(DateOnly.FromDateTime(a.At.UtcDateTime),
                Labels.Describe(a.Kind, PdfComposer.Day(a.Date ?? today), Labels.For(a.Reason), assignee: null), includeIdentity ? a.Note : null))
            .ToList();

        Identity? identity = null;
        if (includeIdentity)
        {
            var principal = family.First(p => p.Id == header.PrincipalId);
            var numbers = await db.CaseNumbers.AsNoTracking().Where(n => n.CaseId == caseId).OrderByDescending(n => n.IsCurrent).ThenByDescending(n => n.AssignedOn)
                .Select(n => new { n.Kind, n.Number, n.IsCurrent }).ToListAsync(ct);
            identity = new Identity(Person.FormatName(principal.GivenNames, principal.FamilyName), principal.NativeName,
                numbers.Select(n => (n.Kind, n.Number, n.IsCurrent)).ToList());
        }
        var owner = catalog.TryGetValue(header.CurrentStageCode, out var current) ? current.ClockOwner : ClockOwner.None;
        return new Packet(header.Id, header.Reference, header.Program, header.Organisation, today, clock, StageName(header.CurrentStageCode), owner,
            header.Caseworker, stages, checklist, actions, identity);
    }

    /// <summary>
    /// One packet per case of the overdue report under <paramref name="filter"/>, in its order, as a ZIP written as it
    /// goes; audited as an export of that report. A packet is made in memory (a few hundred kilobytes), never the archive.
    /// </summary>
    public Task<int> WriteOverdueZipAsync(ReportFilter filter, Guid organisationId, bool includeIdentity, Stream output, Guid? userId, CancellationToken ct) =>
        exporter.AuditedAsync(OverdueReport.Name, filter, organisationId, includeIdentity ? "evidence-packets-with-identity" : "evidence-packets", userId, async sent =>
        {
            var (rows, _) = await exporter.PreviewAsync(OverdueReport, filter, organisationId, int.MaxValue, ct);
            var references = rows.Select(r => (string)r[0]!).ToList();
            var ids = await db.Cases.AsNoTracking().Where(c => references.Contains(c.Reference)).ToDictionaryAsync(c => c.Reference, c => c.Id, ct);
            await using var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
            foreach (var reference in references)
            {
                if (await LoadAsync(ids[reference], includeIdentity, ct) is not { } packet) continue;
                using var pdf = new MemoryStream();
                Write(packet, pdf);
                pdf.Position = 0;
                // A PDF's streams are compressed already.
                var entry = zip.CreateEntry($"{PathSafe(reference)}-evidence.pdf", CompressionLevel.NoCompression);
                await using (var content = await entry.OpenAsync(ct))
                {
                    await pdf.CopyToAsync(content, ct);
                }
                sent.Rows++;
            }
            return sent.Rows;
        }, ct);

    private static Report OverdueReport => Report.Find("overdue") ?? throw new InvalidOperationException("The overdue report is not defined.");

    private static string PathSafe(string reference) => new(reference.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());

    /// <summary>The packet as a PDF in the reader's language, right to left in Dari and Pashto.</summary>
    public void Write(Packet packet, Stream output)
    {
        var generated = time.GetUtcNow();
        var clock = packet.Clock;
        using var pdf = new PdfComposer(output, T("Evidence of delay: {0}", packet.Reference), Current.RightToLeft,
            T("SivTracker {0} · {1} · generated {2}", packet.Reference, packet.OrganisationName, generated.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)),
            generated);
        pdf.Title(T("Evidence of delay"), $"{packet.Reference} · {packet.Program} · {packet.OrganisationName}");

        var (citation, words) = StatutoryClock.Statute(packet.Program);
        pdf.Heading(T("The law"));
        pdf.Paragraph(citation);
        if (words is not null) pdf.Paragraph(words);
        pdf.Paragraph(clock.IsStatutory
            ? T("The limit is nine calendar months from the day the complete application was submitted, counting only the days the government holds the case.")
            : T("This program has no statutory limit; SivTracker measures the case against the organisation's internal target."));

        pdf.Heading(T("The clock"));
        var facts = new List<(string, string)>
        {
            (T("Clock state"), Labels.For(clock.State)),
            (T("Clock started"), clock.StartedOn is { } started ? PdfComposer.Day(started) : T("not started")),
            (T("Government days"), Number(clock.GovernmentDays)),
            (T("Applicant days (clock paused)"), Number(clock.PausedDays)),
            (clock.IsStatutory ? T("Limit (days)") : T("Internal target (days)"), clock.LimitDays is { } limit ? Number(limit) : "—"),
            (T("Days past the limit"), clock.DaysOver is { } over ? Number(over) : "0"),
        };
        if (clock.PastLimitSince is { } since) facts.Add((T("Past the limit since"), PdfComposer.Day(since)));
        if (clock.DaysOver is null && clock.DaysRemaining is { } remaining && clock.IsOpen) facts.Add((T("Days remaining"), Number(remaining)));
        if (clock.ProjectedBreachOn is { } breach) facts.Add((T("Projected breach date"), PdfComposer.Day(breach)));
        if (clock.HighRisk) facts.Add((T("High risk"), T("Yes: the statute lets national-security cases take longer; not counted as a breach.")));
        facts.Add((T("Current stage"), packet.StageName));
        facts.Add((T("Held by"), Labels.For(packet.HeldBy)));
        facts.Add((T("Caseworker"), packet.Caseworker ?? T("Unassigned")));
        facts.Add((T("Figures as of"), PdfComposer.Day(packet.Today)));
        pdf.Facts(facts);

        pdf.Heading(T("Time line"));
        pdf.Timeline(clock.Segments.Where(s => s.Owner != ClockOwner.Stopped && s.Until > s.From)
                .Select(s => (s.From, s.Until, s.Owner == ClockOwner.Government)).ToList(),
            clock.PastLimitSince, T("Government holds the case"), T("Applicant's turn (clock paused)"), T("Limit passed"));

        pdf.Heading(T("Days per stage"));
        pdf.Table([T("Stage"), T("Entered"), T("Government days"), T("Applicant days")],
            packet.Stages.Select(s => (IReadOnlyList<string>)[s.Name, PdfComposer.Day(s.EnteredOn), Number(s.GovernmentDays), Number(s.ApplicantDays)])
                .Append([T("Total"), "", Number(clock.GovernmentDays), Number(clock.PausedDays)]),
            [0.46f, 0.18f, 0.18f, 0.18f]);

        pdf.Heading(T("Applicant and case numbers"));
        if (packet.Identity is { } identity)
        {
            var who = new List<(string, string)> { (T("Principal applicant"), identity.Name) };
            if (!string.IsNullOrWhiteSpace(identity.NativeName)) who.Add((T("Name in Dari or Pashto"), identity.NativeName));
            who.AddRange(identity.Numbers.Select(n => (n.Current ? Labels.For(n.Kind) : T("{0} (earlier)", Labels.For(n.Kind)), n.Number)));
            pdf.Facts(who);
        }
        else
        {
            pdf.Paragraph(T("Names, case numbers and notes are left out of this packet. Generate it with identity included once the applicant's release is signed."), 10, PdfComposer.Muted);
        }

        pdf.Heading(T("Documents"));
        pdf.Table([T("Document"), T("For"), T("Status"), T("Date")],
            packet.Checklist.Select(c => (IReadOnlyList<string>)[c.Item, c.Whose, c.Status, c.On is { } on ? PdfComposer.Day(on) : ""]),
            [0.38f, 0.24f, 0.2f, 0.18f]);

        pdf.Heading(T("What the organisation has done"));
        if (packet.Actions.Count == 0)
        {
            pdf.Paragraph(T("No review actions recorded yet."), 10, PdfComposer.Muted);
        }
        else
        {
            pdf.Table([T("Date"), T("Action"), T("Note")],
                packet.Actions.Select(a => (IReadOnlyList<string>)[PdfComposer.Day(a.On), a.What, a.Note ?? ""]), [0.18f, 0.4f, 0.42f]);
        }
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
