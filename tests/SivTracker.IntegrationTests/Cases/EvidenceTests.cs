using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace SivTracker.IntegrationTests.Cases;

/// <summary>
/// Evidence of delay: packets whose figures are the case page's, redacted unless asked, Dari that reads back as
/// written; packets in bulk; letters merged as text; and a calendar feed that names nobody and stops when revoked.
/// </summary>
public partial class EvidenceTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private const string NativeName = "احمد ښکلی";
    private const string NvcNumber = "KBL2017456789";
    private TestUsers _users = null!;
    private Person _principal = null!;
    private Case _case = null!;
    private AppClient _caseworker = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
        var today = DateOnly.FromDateTime(Fixture.Time.GetUtcNow().UtcDateTime);
        _principal = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Zabihullah", "Karimi", new DateOnly(1986, 5, 4));
        // A pause for more information, a wrong approval voided, a denial and its appeal.
        _case = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, today, ("PRE_COM", "2024-01-01"), ("COM_SUBMITTED", "2024-01-20"),
            ("COM_REVIEW", "2024-02-15"), ("COM_RFI", "2024-04-01"), ("COM_REVIEW", "2024-05-10"), ("COM_APPROVED", "2024-06-01"),
            ("COM_DENIED", "2024-07-01"), ("COM_APPEAL", "2024-08-15"));
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        await db.Persons.Where(p => p.Id == _principal.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.NativeName, NativeName));
        await db.Cases.Where(c => c.Id == _case.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.PrincipalId, _principal.Id).SetProperty(c => c.CaseworkerId, _users.CaseworkerA.Id));
        await db.StageEvents.Where(e => e.CaseId == _case.Id && e.ToStageCode == "COM_APPROVED")
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.VoidedAt, DateTimeOffset.UtcNow).SetProperty(e => e.VoidReason, "recorded on the wrong case"));
        db.CaseNumbers.Add(new CaseNumber { OrganisationId = _users.OrganisationA.Id, CaseId = _case.Id, Kind = CaseNumberKind.NvcCase, Number = NvcNumber, IsCurrent = true });
        db.ServiceRecords.Add(new ServiceRecord
        {
            OrganisationId = _users.OrganisationA.Id, PersonId = _principal.Id, Employer = "Task Force <Alpha> & \"Bravo\"", EmployerType = EmployerType.UsMilitary,
            Role = ServiceRole.Interpreter, StartDate = new DateOnly(2009, 3, 1), EndDate = new DateOnly(2012, 6, 30), SupervisorName = "Capt. Dana Ruiz",
        });
        db.ReviewActions.Add(new ReviewAction
        {
            OrganisationId = _users.OrganisationA.Id, CaseId = _case.Id, Kind = ReviewActionKind.Escalated, Reason = EscalationReason.CongressionalInquiry,
            At = Fixture.Time.GetUtcNow(), ById = _users.ReviewerA.Id, Note = "Spoke with Zabihullah Karimi about the release",
        });
        db.ReviewActions.Add(new ReviewAction
        {
            OrganisationId = _users.OrganisationA.Id, CaseId = _case.Id, Kind = ReviewActionKind.NextReviewSet, Date = today.AddDays(20),
            At = Fixture.Time.GetUtcNow(), ById = _users.ReviewerA.Id,
        });
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<ClockRecompute>().RecomputeAllAsync();
        await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(today);
        _caseworker = new AppClient(Fixture.Factory);
        await _caseworker.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);
    }

    public override Task DisposeAsync()
    {
        _caseworker.Dispose();
        return base.DisposeAsync();
    }

    [Fact]
    public async Task ThePacket_ShowsTheCasePagesFigures_StageByStage()
    {
        var page = Html.Parse(await _caseworker.GetHtmlAsync($"/Cases/Details?id={_case.Id}"));
        var clock = page.QuerySelector(".clock")!.TextContent;
        var government = int.Parse(page.QuerySelector(".clock-figure strong")!.TextContent);
        var paused = int.Parse(Regex.Match(clock, @"(\d+) days paused").Groups[1].Value);
        var over = int.Parse(Regex.Match(clock, @"Overdue by (\d+) days").Groups[1].Value);

        var text = Words(await PdfAsync($"/Cases/Evidence?handler=Packet&id={_case.Id}"));
        Assert.Equal(government, Figure(text, "Government days"));
        Assert.Equal(paused, Figure(text, @"Applicant days \(clock paused\)"));
        Assert.Equal(over, Figure(text, "Days past the limit"));
        Assert.Contains("2024-01-20", text);
        Assert.Contains("Afghan Allies Protection Act of 2009, §602(b)(4)", text);
        Assert.Contains("should be completed not later than 9 months", text);
        // The per-stage table adds up to the totals: its last row.
        var total = Regex.Match(text, @"Total (\d+) (\d+)");
        Assert.Equal((government, paused), (int.Parse(total.Groups[1].Value), int.Parse(total.Groups[2].Value)));
        // Worked out by hand: review 2024-01-20 → 04-01 (72), RFI → 05-10 (39 paused), review → 07-01 (52, the voided
        // approval counts for nothing), denied → 08-15 (45 paused), appeal → today 2026-11-26 (833).
        Assert.Equal(72 + 52 + 833, government);
        Assert.Equal(39 + 45, paused);
        Assert.Contains("Escalated: Congressional inquiry", text);
        Assert.Matches(@"SivTracker T-\w+ · Test ngo-a · generated 2026-11-26", text);
    }

    [Fact]
    public async Task ARedactedPacket_HoldsNoNameOrIdentifier_AndOneWithIdentity_ReadsTheDariNameBack()
    {
        var redacted = await PdfAsync($"/Cases/Evidence?handler=Packet&id={_case.Id}");
        var redactedText = Words(redacted) + string.Concat(Reversed(redacted));
        foreach (var secret in new[] { "Zabihullah", "Karimi", NvcNumber, "احمد", "Spoke with" })
        {
            Assert.DoesNotContain(secret, redactedText);
        }

        var full = await PdfAsync($"/Cases/Evidence?handler=Packet&id={_case.Id}&identity=true");
        var fullText = Words(full);
        Assert.Contains("Zabihullah Karimi", fullText);
        Assert.Contains(NvcNumber, fullText);
        Assert.Contains("Spoke with Zabihullah Karimi about the release", fullText);
        Assert.Contains(NativeName, Reversed(full));

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var rows = await db.AuditEvents.Where(a => a.Action == AuditActions.EvidencePacketDownloaded && a.EntityId == _case.Id.ToString()).Select(a => a.Details).ToListAsync();
        Assert.Equal(["redacted", "identity included"], rows.Order().Reverse());
    }

    [Fact]
    public async Task APacketInDari_IsLaidOutRightToLeft_WithTheSameFigures()
    {
        await _caseworker.PostFormAsync("/Language", AppClient.Form(("Code", "fa-AF"), ("ReturnUrl", "/")), tokenSource: "/");
        var pdf = await PdfAsync($"/Cases/Evidence?handler=Packet&id={_case.Id}");
        var previous = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fa-AF");
        var label = Text.T("Government days");
        System.Globalization.CultureInfo.CurrentUICulture = previous;
        Assert.NotEqual("Government days", label);
        Assert.Contains(Reversed(pdf), run => run.Contains(Normalise(label)));
        using var document = PdfDocument.Open(pdf);
        // The figures stay in Latin digits, and right-aligned: the first letter of the title sits on the right half.
        Assert.Contains((72 + 52 + 833).ToString(), string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text)));
        var title = document.GetPage(1).Letters.First();
        Assert.True(title.StartBaseLine.X > 595 / 2, $"title starts at x={title.StartBaseLine.X}");
    }

    [Fact]
    public async Task PacketsInBulk_AreOnePerOverdueCase_InAZipAuditedAsAnExport()
    {
        var today = DateOnly.FromDateTime(Fixture.Time.GetUtcNow().UtcDateTime);
        var second = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, today, ("COM_SUBMITTED", "2025-01-02"));
        var onTime = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, today, ("COM_SUBMITTED", "2026-10-01"));
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var response = await admin.GetAsync("/Reports/Evidence?handler=Packets&Program=AF602B");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(new[] { $"{_case.Reference}-evidence.pdf", $"{second.Reference}-evidence.pdf" }.Order(), zip.Entries.Select(e => e.Name).Order());
        Assert.DoesNotContain(zip.Entries, e => e.Name.StartsWith(onTime.Reference));
        foreach (var entry in zip.Entries)
        {
            using var content = new MemoryStream();
            await using (var stream = await entry.OpenAsync()) await stream.CopyToAsync(content);
            Assert.DoesNotContain("Zabihullah", Words(content.ToArray()));
        }

        var reviewer = new AppClient(Fixture.Factory);
        await reviewer.SignInAsync(_users.ReviewerA.Email!, TestUsers.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/Reports/Evidence?handler=Packets")).StatusCode);

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var audit = await db.AuditEvents.Where(a => a.EntityId == "overdue" && a.Details!.Contains("evidence-packets")).Select(a => new { a.Action, a.Details }).ToListAsync();
        Assert.Contains(audit, a => a.Action == AuditActions.ExportStarted);
        Assert.Contains(audit, a => a.Action == AuditActions.ExportFinished && a.Details!.EndsWith("rows=2"));
    }

    [Fact]
    public async Task TheBacklogBrief_HasTheDashboardsFigures_AndNoPerson()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var response = await admin.GetAsync("/Reports/Evidence?handler=Brief");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var text = Words(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, Figure(text, "Open cases past the statutory limit"));
        Assert.Contains("COM appeal under review", text);
        Assert.DoesNotContain("Zabihullah", text);
        Assert.DoesNotContain(_case.Reference, text);
    }

    [Fact]
    public async Task ALetter_MergesEveryField_AsText_AndIsKeptWithTheCase()
    {
        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(_users.AdminA.Email!, TestUsers.Password);
        var unknown = await admin.PostFormAsync("/Admin/Letters?Kind=ExpediteRequest", AppClient.Form(("Body", "Dear {{person.phone}}")), "/Admin/Letters?Kind=ExpediteRequest");
        Assert.Contains("Unknown merge field: {{person.phone}}", Html.FieldError(await unknown.Content.ReadAsStringAsync(), "Body"));
        var body = string.Join("\n", Letters.Fields.Select(f => $"{f}=[{{{{{f}}}}}]"));
        var saved = await admin.PostFormAsync("/Admin/Letters?Kind=ExpediteRequest", AppClient.Form(("Body", body)), "/Admin/Letters?Kind=ExpediteRequest");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var docx = await _caseworker.PostFormAsync($"/Cases/Evidence?handler=Letter&id={_case.Id}", AppClient.Form(("kind", "ExpediteRequest"), ("format", "Docx")), $"/Cases/Evidence?id={_case.Id}");
        Assert.Equal(Web.Domain.FileTypes.Docx, docx.Content.Headers.ContentType?.MediaType);
        using var word = WordprocessingDocument.Open(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()), false);
        var lines = word.MainDocumentPart!.Document!.Body!.Elements<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText).ToList();
        Assert.Equal(Letters.Fields.Count, lines.Count);
        Assert.Contains("service.employer=[Task Force <Alpha> & \"Bravo\"]", lines);
        Assert.Contains("person.native_name=[" + NativeName + "]", lines);
        Assert.Contains($"case.nvc_case_number=[{NvcNumber}]", lines);
        Assert.Contains($"case.government_days=[{72 + 52 + 833}]", lines);
        Assert.Contains("service.supervisor_name=[Capt. Dana Ruiz]", lines);
        Assert.Contains($"caseworker.email=[{_users.CaseworkerA.Email}]", lines);
        // A field the case has no value for leaves a gap to fill in.
        Assert.Contains($"case.uscis_receipt_number=[{Letters.Gap}]", lines);
        Assert.DoesNotContain(lines, l => l.Contains("{{"));

        var pdf = await _caseworker.PostFormAsync($"/Cases/Evidence?handler=Letter&id={_case.Id}", AppClient.Form(("kind", "ExpediteRequest"), ("format", "Pdf")), $"/Cases/Evidence?id={_case.Id}");
        Assert.Contains("service.employer=[Task Force <Alpha> & \"Bravo\"]", Words(await pdf.Content.ReadAsByteArrayAsync()));

        // Both letters are the case's documents, noted in its timeline and the audit log.
        var evidencePage = await _caseworker.GetHtmlAsync($"/Cases/Evidence?id={_case.Id}");
        Assert.Equal(2, Html.Parse(evidencePage).QuerySelectorAll("a[href^='/Cases/Files?id=']").Length);
        var details = await _caseworker.GetHtmlAsync($"/Cases/Details?id={_case.Id}");
        Assert.Contains("Letter generated: Expedite request (DOCX)", Html.Text(details));
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(2, await db.AuditEvents.CountAsync(a => a.Action == AuditActions.LetterGenerated && a.EntityId == _case.Id.ToString()));

        // Reviewers read the evidence; letters are written by those who change the case.
        using var reviewer = new AppClient(Fixture.Factory);
        await reviewer.SignInAsync(_users.ReviewerA.Email!, TestUsers.Password);
        var refused = await reviewer.PostFormAsync($"/Cases/Evidence?handler=Letter&id={_case.Id}", AppClient.Form(("kind", "ExpediteRequest"), ("format", "Pdf")), $"/Cases/Evidence?id={_case.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task TheCalendarFeed_ListsTheDeadlines_NamesNobody_AndStopsWhenReplacedOrTurnedOff()
    {
        var address = await IssueAsync();
        using var calendarService = new AppClient(Fixture.Factory);
        var feedResponse = await calendarService.GetAsync(new Uri(address).PathAndQuery);
        var ics = await feedResponse.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, feedResponse.StatusCode);
        Assert.Equal("text/calendar", feedResponse.Content.Headers.ContentType?.MediaType);
        var calendar = Ical.Net.Calendar.Load(ics)!;
        var events = calendar.Events.Select(e => (e.Summary, Day: DateOnly.FromDateTime(e.DtStart!.Value))).ToList();
        var today = DateOnly.FromDateTime(Fixture.Time.GetUtcNow().UtcDateTime);
        Assert.Contains(($"Next review: {_case.Reference}", today.AddDays(20)), events);
        Assert.All(calendar.Events, e => Assert.EndsWith($"/Cases/Details?id={e.Uid![..36]}", e.Description));
        foreach (var secret in new[] { "Zabihullah", "Karimi", NvcNumber, NativeName })
        {
            Assert.DoesNotContain(secret, ics);
        }

        // A running case of the user's: its projected breach and both warnings.
        var running = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, today, ("COM_SUBMITTED", "2026-06-01"));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            await db.Cases.Where(c => c.Id == running.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CaseworkerId, _users.CaseworkerA.Id));
        }
        var breach = running.ProjectedBreachOn!.Value;
        var again = Ical.Net.Calendar.Load(await (await calendarService.GetAsync(new Uri(address).PathAndQuery)).Content.ReadAsStringAsync())!;
        var days = again.Events.Where(e => e.Summary!.EndsWith(running.Reference)).Select(e => DateOnly.FromDateTime(e.DtStart!.Value)).Order().ToList();
        Assert.Equal([breach.AddDays(-90), breach.AddDays(-30), breach], days);

        var replacement = await IssueAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await calendarService.GetAsync(new Uri(address).PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await calendarService.GetAsync(new Uri(replacement).PathAndQuery)).StatusCode);
        await _caseworker.PostFormAsync("/Account/Calendar?handler=Revoke", [], "/Account/Calendar");
        Assert.Equal(HttpStatusCode.NotFound, (await calendarService.GetAsync(new Uri(replacement).PathAndQuery)).StatusCode);

        await using var audit = Fixture.Scope();
        var log = audit.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        Assert.Equal(3, await log.AuditEvents.CountAsync(a => a.Action == AuditActions.CalendarFeedRead && a.UserId == _users.CaseworkerA.Id));
        Assert.Equal(1, await log.AuditEvents.CountAsync(a => a.Action == AuditActions.CalendarFeedRevoked && a.EntityId == _users.CaseworkerA.Id.ToString()));
    }

    private async Task<string> IssueAsync()
    {
        var issued = await _caseworker.PostFormAsync("/Account/Calendar?handler=Issue", [], "/Account/Calendar");
        return Html.Parse(await issued.Content.ReadAsStringAsync()).QuerySelector("#feed-address + p code")!.TextContent;
    }

    private async Task<byte[]> PdfAsync(string path)
    {
        var response = await _caseworker.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static string Words(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
    }

    private static int Figure(string text, string label) => int.Parse(Regex.Match(text, label + @" (\d+)").Groups[1].Value);

    /// <summary>
    /// The right-to-left runs of a PDF read as the PDF standard says (14.8.2.3): a ReversedChars sequence is in visual
    /// order, so it is read from right to left, and a span's ActualText stands for the glyphs it marks.
    /// </summary>
    private static List<string> Reversed(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var runs = new List<string>();
        foreach (var page in document.GetPages())
        {
            foreach (var element in page.GetMarkedContents().SelectMany(Flatten).Where(e => e.Tag == "ReversedChars"))
            {
                var inSpans = element.Children.SelectMany(c => c.Letters).ToHashSet();
                var units = element.Children.Where(c => c.Letters.Count > 0).Select(c => (X: c.Letters.Min(l => l.StartBaseLine.X), Text: c.ActualText ?? string.Concat(c.Letters.Select(l => l.Value))))
                    .Concat(element.Letters.Where(l => !inSpans.Contains(l)).Select(l => (X: l.StartBaseLine.X, Text: l.Value)));
                runs.Add(Normalise(string.Concat(units.OrderByDescending(u => u.X).Select(u => u.Text))));
            }
        }
        return runs;

        static IEnumerable<MarkedContentElement> Flatten(MarkedContentElement element) => element.Children.SelectMany(Flatten).Prepend(element);
    }

    /// <summary>Presentation forms (the shapes a letter takes in a word) back to the letters themselves.</summary>
    private static string Normalise(string text) => text.Normalize(NormalizationForm.FormKC);
}
