using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Referrals;

/// <summary>
/// A case crossing from one organisation to another: only under the applicant's consent, seen by the receiver only as
/// a summary until it accepts, its own copy afterwards, and nothing left behind by a decline or a withdrawn consent.
/// </summary>
public class ReferralTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private TestUsers _users = null!;
    private Person _principal = null!;
    private Case _case = null!;
    private AppClient _a = null!;
    private AppClient _b = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _users = await TestUsers.CreateAsync(Fixture);
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            await db.Organisations.Where(o => o.Id == _users.OrganisationB.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.ListedInDirectory, true).SetProperty(o => o.AcceptsReferrals, true).SetProperty(o => o.DirectoryDescription, "Resettlement"));
        }
        _principal = await TestData.PersonAsync(Fixture, _users.OrganisationA.Id, "Qudratullah", "Safi", new DateOnly(1984, 3, 1));
        _case = await CaseBuilder.CaseAsync(Fixture, _users.OrganisationA.Id, DateOnly.FromDateTime(Fixture.Time.GetUtcNow().UtcDateTime), ("COM_SUBMITTED", "2024-02-01"), ("COM_REVIEW", "2024-03-15"));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            // The built case's principal becomes the named person, with the checklist items that were theirs.
            await db.Cases.Where(c => c.Id == _case.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.PrincipalId, _principal.Id));
            await db.DocumentItems.Where(d => d.CaseId == _case.Id && d.PersonId == _case.PrincipalId).ExecuteUpdateAsync(s => s.SetProperty(d => d.PersonId, _principal.Id));
            db.ServiceRecords.Add(new ServiceRecord
            {
                OrganisationId = _users.OrganisationA.Id, PersonId = _principal.Id, Employer = "Task Force Paladin", EmployerType = EmployerType.UsMilitary,
                Role = ServiceRole.Interpreter, StartDate = new DateOnly(2008, 1, 1), EndDate = new DateOnly(2011, 1, 1),
            });
            db.CaseNotes.Add(new CaseNote { OrganisationId = _users.OrganisationA.Id, CaseId = _case.Id, Body = "Applicant in Peshawar since March." });
            await db.SaveChangesAsync();
        }
        _a = new AppClient(Fixture.Factory);
        await _a.SignInAsync(_users.CaseworkerA.Email!, TestUsers.Password);
        _b = new AppClient(Fixture.Factory);
        await _b.SignInAsync(_users.CaseworkerB.Email!, TestUsers.Password);
    }

    public override Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        return base.DisposeAsync();
    }

    private Task<HttpResponseMessage> ConsentAsync(string kind = "ShareWithOrganisation") =>
        _a.PostFormAsync($"/Applicants/Consent?personId={_principal.Id}", AppClient.Form(("Input.Kind", kind), ("Input.RecipientOrganisationId", _users.OrganisationB.Id.ToString()),
            ("Input.Method", "Verbal"), ("Input.GivenOn", "2026-11-20")), tokenSource: $"/Applicants/Consent?personId={_principal.Id}");

    private Task<HttpResponseMessage> ReferAsync(string mode = "Refer", bool notes = true, bool linked = false, params Guid[] files)
    {
        // Each referral a minute after the last, so "the latest" is one of them.
        Fixture.Time.Advance(TimeSpan.FromMinutes(1));
        return _a.PostFormAsync($"/Cases/Refer?id={_case.Id}", AppClient.Form(("Input.ToOrganisationId", _users.OrganisationB.Id.ToString()), ("Input.Mode", mode),
            ("Input.IncludeNotes", notes ? "true" : "false"), ("Input.Linked", linked ? "true" : "false"), ("Input.Message", "Visa issued; please take over resettlement.")).Concat(files.Select(f => KeyValuePair.Create("Input.FileIds", f.ToString()))).ToList(),
            tokenSource: $"/Cases/Refer?id={_case.Id}");
    }

    private async Task<Referral> ReferralAsync()
    {
        await using var scope = Fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Referrals.AsNoTracking().OrderByDescending(r => r.SentAt).FirstAsync();
    }

    private async Task<T> InAsync<T>(Guid organisationId, Func<AppDbContext, Task<T>> read)
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = organisationId;
        return await read(db);
    }

    [Fact]
    public async Task NoConsent_NoReferral_AndTheReceiverSeesOnlyTheSummaryUntilItAcceptsItsOwnCopy()
    {
        var refused = await ReferAsync();
        Assert.Contains("No consent on record", Html.FieldError(await refused.Content.ReadAsStringAsync(), "Input_ToOrganisationId"));

        Assert.Equal(HttpStatusCode.Redirect, (await ConsentAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ReferAsync()).StatusCode);
        var referral = await ReferralAsync();

        // Before deciding, B reads the summary and the message, and nothing else: not the name, not the case.
        var incoming = Html.Text(await _b.GetHtmlAsync("/Referrals"));
        Assert.Contains("Visa issued; please take over resettlement.", incoming);
        Assert.Contains("AF602B", incoming);
        Assert.DoesNotContain("Qudratullah", incoming);
        Assert.Equal(HttpStatusCode.NotFound, (await _b.GetAsync($"/Cases/Details?id={_case.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _b.GetAsync($"/Applicants/Details?id={_principal.Id}")).StatusCode);
        Assert.DoesNotContain("Qudratullah", await _b.GetHtmlAsync("/Applicants"));

        // Each side acts only as itself: the sender cannot accept, the receiver cannot cancel, the sender's consent page is not B's.
        Assert.Equal(HttpStatusCode.NotFound, (await _a.PostFormAsync($"/Referrals?handler=Accept&id={referral.Id}", [], tokenSource: "/Referrals")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _b.PostFormAsync($"/Referrals?handler=Cancel&id={referral.Id}", [], tokenSource: "/Referrals")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _b.GetAsync($"/Applicants/Consent?personId={_principal.Id}")).StatusCode);
        var accepted = await _b.PostFormAsync($"/Referrals?handler=Accept&id={referral.Id}", [], tokenSource: "/Referrals");
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var done = await ReferralAsync();
        Assert.Equal(ReferralStatus.Accepted, done.Status);
        Assert.Null(done.Packet);
        var received = Html.Text(await _b.GetHtmlAsync($"/Cases/Details?id={done.ReceivedCaseId}"));
        Assert.Contains("Qudratullah", received);
        Assert.Contains("Applicant in Peshawar since March.", received);
        Assert.Contains("Received from", received);
        var copy = await InAsync(_users.OrganisationB.Id, db => db.Cases.AsNoTracking().Include(c => c.StageEvents).SingleAsync(c => c.Id == done.ReceivedCaseId));
        Assert.Equal("COM_REVIEW", copy.CurrentStageCode);
        Assert.Equal(new DateOnly(2024, 2, 1), copy.ClockStartedOn);
        Assert.Equal("Task Force Paladin", await InAsync(_users.OrganisationB.Id, db => db.ServiceRecords.Where(r => r.PersonId == done.ReceivedPersonId).Select(r => r.Employer).SingleAsync()));
        // A referral keeps the sender's case open, and the sender's timeline says where it went.
        var original = Html.Text(await _a.GetHtmlAsync($"/Cases/Details?id={_case.Id}"));
        Assert.Contains("Referral accepted by", original);
        Assert.Equal("COM_REVIEW", await InAsync(_users.OrganisationA.Id, db => db.Cases.Where(c => c.Id == _case.Id).Select(c => c.CurrentStageCode).SingleAsync()));

        // The referrals report counts them on each side, by month.
        using (var apiA = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-a", "reports:read")))
        using (var apiB = ApiClients.Client(Fixture.Factory, await ApiClients.TokenAsync(Fixture, "ngo-b", "reports:read")))
        {
            var outward = System.Text.Json.JsonDocument.Parse(await apiA.GetStringAsync("/api/v1/reports/referrals")).RootElement.EnumerateArray().Single();
            var inward = System.Text.Json.JsonDocument.Parse(await apiB.GetStringAsync("/api/v1/reports/referrals")).RootElement.EnumerateArray().Single();
            Assert.Equal((1, 1, 0), (outward.GetProperty("sent_out").GetInt32(), outward.GetProperty("accepted_by_receivers").GetInt32(), outward.GetProperty("received").GetInt32()));
            Assert.Equal((0, 1, 1), (inward.GetProperty("sent_out").GetInt32(), inward.GetProperty("received").GetInt32(), inward.GetProperty("accepted_here").GetInt32()));
        }

        // Each organisation's log tells its side.
        await using var scope = Fixture.Scope();
        var audit = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().AuditEvents.AsNoTracking()
            .Where(e => e.EntityId == referral.Id.ToString()).Select(e => new { e.Action, e.OrganisationId }).ToListAsync();
        Assert.Contains(audit, e => e.Action == AuditActions.ReferralSent && e.OrganisationId == _users.OrganisationA.Id);
        Assert.Contains(audit, e => e.Action == AuditActions.ReferralSent && e.OrganisationId == _users.OrganisationB.Id);
        Assert.Contains(audit, e => e.Action == AuditActions.ReferralAccepted && e.OrganisationId == _users.OrganisationA.Id);
    }

    [Fact]
    public async Task ATransfer_ClosesTheSendersCase_AndADeclineLeavesNothingWithTheReceiver()
    {
        await ConsentAsync("ShareWithPartners");
        await ReferAsync("Transfer");
        var declined = await _b.PostFormAsync($"/Referrals?handler=Decline&id={(await ReferralAsync()).Id}", AppClient.Form(("reason", "We do not work in Peshawar.")), tokenSource: "/Referrals");
        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        var no = await ReferralAsync();
        Assert.Equal((ReferralStatus.Declined, (string?)null), (no.Status, no.Packet));
        Assert.Equal(0, await InAsync(_users.OrganisationB.Id, db => db.Persons.CountAsync()));
        Assert.Contains("We do not work in Peshawar.", Html.Text(await _a.GetHtmlAsync($"/Cases/Details?id={_case.Id}")));

        await ReferAsync("Transfer");
        Assert.Equal(HttpStatusCode.Redirect, (await _b.PostFormAsync($"/Referrals?handler=Accept&id={(await ReferralAsync()).Id}", [], tokenSource: "/Referrals")).StatusCode);
        Assert.Equal(StageCatalog.Closed, await InAsync(_users.OrganisationA.Id, db => db.Cases.Where(c => c.Id == _case.Id).Select(c => c.CurrentStageCode).SingleAsync()));
    }

    [Fact]
    public async Task AWithdrawnConsent_StopsTheReferralWaiting_BlocksTheNext_AndIsShownToTheReceiver()
    {
        await ConsentAsync();
        await ReferAsync();
        var waiting = await ReferralAsync();
        var consentId = await InAsync(_users.OrganisationA.Id, db => db.Consents.Select(c => c.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await _a.PostFormAsync($"/Applicants/Consent?personId={_principal.Id}&handler=Withdraw&consentId={consentId}", [],
            tokenSource: $"/Applicants/Consent?personId={_principal.Id}")).StatusCode);
        var stopped = await ReferralAsync();
        Assert.Equal((ReferralStatus.Cancelled, (string?)null), (stopped.Status, stopped.Packet));
        Assert.Equal(HttpStatusCode.NotFound, (await _b.PostFormAsync($"/Referrals?handler=Accept&id={waiting.Id}", [], tokenSource: "/Referrals")).StatusCode);
        Assert.Contains("No consent on record", Html.FieldError(await (await ReferAsync()).Content.ReadAsStringAsync(), "Input_ToOrganisationId"));

        // Consent given again, the case accepted, then withdrawn: the receiver is told, on the referral and on its case.
        await ConsentAsync();
        await ReferAsync();
        await _b.PostFormAsync($"/Referrals?handler=Accept&id={(await ReferralAsync()).Id}", [], tokenSource: "/Referrals");
        var accepted = await ReferralAsync();
        var second = await InAsync(_users.OrganisationA.Id, db => db.Consents.Where(c => c.WithdrawnAt == null).Select(c => c.Id).SingleAsync());
        await _a.PostFormAsync($"/Applicants/Consent?personId={_principal.Id}&handler=Withdraw&consentId={second}", [], tokenSource: $"/Applicants/Consent?personId={_principal.Id}");
        Assert.Contains("withdrew their consent", Html.Text(await _b.GetHtmlAsync("/Referrals")));
        Assert.Contains("withdrew their consent", Html.Text(await _b.GetHtmlAsync($"/Cases/Details?id={accepted.ReceivedCaseId}")));
    }

    [Fact]
    public async Task APersonTheReceiverKnows_IsOfferedAsTheMatch_AndTheCaseAttachesToThem()
    {
        var known = await TestData.PersonAsync(Fixture, _users.OrganisationB.Id, "Qudratullah", "Safi", new DateOnly(1984, 3, 1));
        await ConsentAsync();
        await ReferAsync();
        var referral = await ReferralAsync();
        var offered = await _b.PostFormAsync($"/Referrals?handler=Accept&id={referral.Id}", [], tokenSource: "/Referrals");
        var page = Html.Parse(await offered.Content.ReadAsStringAsync());
        Assert.NotNull(page.QuerySelector($"input[name=attachTo][value='{known.Id}']"));
        Assert.Equal(ReferralStatus.Pending, (await ReferralAsync()).Status);

        Assert.Equal(HttpStatusCode.Redirect, (await _b.PostFormAsync($"/Referrals?handler=Accept&id={referral.Id}", AppClient.Form(("attachTo", known.Id.ToString())),
            tokenSource: "/Referrals")).StatusCode);
        var done = await ReferralAsync();
        Assert.Equal(known.Id, done.ReceivedPersonId);
        Assert.Equal(1, await InAsync(_users.OrganisationB.Id, db => db.Persons.CountAsync()));
        Assert.Equal(known.Id, await InAsync(_users.OrganisationB.Id, db => db.Cases.Where(c => c.Id == done.ReceivedCaseId).Select(c => c.PrincipalId).SingleAsync()));
    }

    [Fact]
    public async Task ALinkedReferral_CarriesTheSendersNextStageToTheReceiver_AndNothingBack()
    {
        await ConsentAsync();
        await ReferAsync(linked: true);
        await _b.PostFormAsync($"/Referrals?handler=Accept&id={(await ReferralAsync()).Id}", [], tokenSource: "/Referrals");
        var copyId = (await ReferralAsync()).ReceivedCaseId!.Value;

        async Task RecordAsync(AppClient client, Guid caseId, string stage, string on)
        {
            var form = Html.Parse(await client.GetHtmlAsync($"/Cases/ChangeStage?id={caseId}"));
            var recorded = await client.PostFormAsync($"/Cases/ChangeStage?id={caseId}", AppClient.Form(("Input.To", stage), ("Input.EffectiveOn", on),
                ("Input.IdempotencyKey", Html.HiddenValue(form, "Input.IdempotencyKey")), ("Input.Version", Html.HiddenValue(form, "Input.Version"))),
                tokenSource: $"/Cases/ChangeStage?id={caseId}");
            Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        }

        await RecordAsync(_a, _case.Id, "COM_APPROVED", "2026-11-20");
        var copy = await InAsync(_users.OrganisationB.Id, db => db.Cases.AsNoTracking().SingleAsync(c => c.Id == copyId));
        Assert.Equal("COM_APPROVED", copy.CurrentStageCode);
        Assert.Contains("(linked referral)", Html.Text(await _b.GetHtmlAsync($"/Cases/Details?id={copyId}")));

        // The receiver's own step stays with the receiver.
        await RecordAsync(_b, copyId, "DS260_PREP", "2026-11-25");
        Assert.Equal("COM_APPROVED", await InAsync(_users.OrganisationA.Id, db => db.Cases.Where(c => c.Id == _case.Id).Select(c => c.CurrentStageCode).SingleAsync()));

        // Once the applicant withdraws consent, nothing more flows.
        var consentId = await InAsync(_users.OrganisationA.Id, db => db.Consents.Select(c => c.Id).SingleAsync());
        await _a.PostFormAsync($"/Applicants/Consent?personId={_principal.Id}&handler=Withdraw&consentId={consentId}", [], tokenSource: $"/Applicants/Consent?personId={_principal.Id}");
        await RecordAsync(_a, _case.Id, "DS260_PREP", "2026-11-26");
        Assert.Equal("DS260_PREP", await InAsync(_users.OrganisationB.Id, db => db.Cases.Where(c => c.Id == copyId).Select(c => c.CurrentStageCode).SingleAsync()));
        Assert.Equal(1, await InAsync(_users.OrganisationB.Id, db => db.StageEvents.CountAsync(e => e.CaseId == copyId && e.ToStageCode == "DS260_PREP")));

        // A transfer closes the sender's case, so it is never kept linked.
        await ConsentAsync();
        var both = await ReferAsync("Transfer", linked: true);
        Assert.Contains("nothing to keep linked", Html.FieldError(await both.Content.ReadAsStringAsync(), "Input_Mode"));
    }

    [Fact]
    public async Task ChosenFiles_GoToTheReceiversChecklist_SealedUnderItsOwnKeys()
    {
        var letter = System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\nHR letter of the 82nd Airborne\n%%EOF\n");
        // The built case has no checklist of its own: one item of the case's COM package, as opening a case would make it.
        var itemId = await InAsync(_users.OrganisationA.Id, async db =>
        {
            var item = new DocumentItem { OrganisationId = _users.OrganisationA.Id, CaseId = _case.Id, Kind = DocumentKind.HrLetter };
            db.DocumentItems.Add(item);
            await db.SaveChangesAsync();
            return item.Id;
        });
        var token = await _a.AntiforgeryTokenAsync($"/Cases/Documents?id={_case.Id}");
        using (var upload = new MultipartFormDataContent())
        {
            upload.Add(new StringContent(token!), "__RequestVerificationToken");
            upload.Add(new ByteArrayContent(letter) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream") } }, "file", "hr-letter-wali.pdf");
            Assert.Equal(HttpStatusCode.Redirect, (await _a.PostAsync($"/Cases/Files?id={_case.Id}&itemId={itemId}", upload)).StatusCode);
        }
        var fileId = await InAsync(_users.OrganisationA.Id, db => db.StoredFiles.Select(f => f.Id).SingleAsync());
        await ConsentAsync();
        // The sender chooses by kind, size and date: the file's name stays sealed.
        var form = await _a.GetHtmlAsync($"/Cases/Refer?id={_case.Id}");
        Assert.NotNull(Html.Parse(form).QuerySelector($"input[name='Input.FileIds'][value='{fileId}']"));
        Assert.DoesNotContain("hr-letter-wali", form);
        Assert.Equal(HttpStatusCode.Redirect, (await ReferAsync(files: fileId)).StatusCode);
        await _b.PostFormAsync($"/Referrals?handler=Accept&id={(await ReferralAsync()).Id}", [], tokenSource: "/Referrals");
        var referral = await ReferralAsync();
        Assert.Equal((ReferralStatus.Accepted, 1), (referral.Status, referral.Files));

        await using var check = Fixture.Scope();
        var dbB = check.ServiceProvider.GetRequiredService<AppDbContext>();
        dbB.OrganisationId = _users.OrganisationB.Id;
        var copy = await dbB.StoredFiles.SingleAsync();
        var onItem = await dbB.DocumentItems.SingleAsync(d => d.Id == copy.DocumentItemId);
        Assert.Equal((referral.ReceivedCaseId, DocumentKind.HrLetter, "hr-letter-wali.pdf"), (copy.CaseId, onItem.Kind, copy.FileName));
        using var read = new MemoryStream();
        await check.ServiceProvider.GetRequiredService<SealedFiles>().CopyToAsync(copy, read, CancellationToken.None);
        Assert.Equal(letter, read.ToArray());
        var original = await InAsync(_users.OrganisationA.Id, db => db.StoredFiles.AsNoTracking().SingleAsync(f => f.Id == fileId));
        Assert.NotEqual(original.DataKey, copy.DataKey);
    }
}
