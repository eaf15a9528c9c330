using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Exports;

namespace SivTracker.IntegrationTests.Security;

public class RetentionTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso);

    [Fact]
    public async Task AnonymisingLongClosedCases_RemovesPersonalData_KeepsEveryReportFigure_AndIsAudited()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var a = users.OrganisationA.Id;
        var today = D("2026-11-26");
        var old = await CaseBuilder.CaseAsync(Fixture, a, today, ("COM_SUBMITTED", "2016-01-10"), ("COM_APPROVED", "2016-09-01"), ("VISA_ISSUED", "2017-03-01"), ("ARRIVED", "2018-01-15"));
        var recent = await CaseBuilder.CaseAsync(Fixture, a, today, ("COM_SUBMITTED", "2022-01-10"), ("CLOSED", "2023-05-01"));
        var open = await CaseBuilder.CaseAsync(Fixture, a, today, ("COM_SUBMITTED", "2025-01-10"), ("COM_REVIEW", "2025-02-01"));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.OrganisationId = a;
            var principal = await db.Persons.SingleAsync(p => p.Id == old.PrincipalId);
            principal.GivenNames = "Canarygul";
            principal.TazkiraNumber = "9988776655";
            principal.SafetyNotes = "Hiding in Canaryvillage";
            principal.RefreshSearchFields();
            db.Passports.Add(new Passport { OrganisationId = a, PersonId = principal.Id, Number = "P99887766", Country = "AF" });
            db.ContactChannels.Add(new ContactChannel { OrganisationId = a, PersonId = principal.Id, Kind = ContactChannelKind.Phone, Value = "+93709998877" });
            db.Persons.Add(new Person { OrganisationId = a, GivenNames = "Canaryspouse", Relationship = Relationship.Spouse, PrincipalId = principal.Id });
            db.CaseNotes.Add(new CaseNote { OrganisationId = a, CaseId = old.Id, Body = "Called Canarygul's brother" });
            db.CaseNumbers.Add(new CaseNumber { OrganisationId = a, CaseId = old.Id, Kind = CaseNumberKind.NvcCase, Number = "KBL2016123456" });
            db.Consents.Add(new Consent { OrganisationId = a, PersonId = principal.Id, Kind = ConsentKind.ShareWithPartners, GivenOn = D("2017-01-01"), Note = "Canarygul agreed by phone" });
            db.Referrals.Add(new Referral
            {
                FromOrganisationId = a, ToOrganisationId = users.OrganisationB.Id, CaseId = old.Id, PersonId = principal.Id, StageCode = "ARRIVED",
                Message = "Canarygul needs housing", Packet = "{\"canary\":\"Canarygul\"}",
            });
            await db.SaveChangesAsync();
            await db.StageEvents.Where(e => e.CaseId == old.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Note, "Canarygul phoned"));
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var caseId in new[] { old.Id, recent.Id })
            {
                await scope.ServiceProvider.GetRequiredService<SealedFiles>().WriteAsync(
                    new StoredFile { OrganisationId = a, CaseId = caseId, FileName = "tazkira scan.pdf", ContentType = "", DataKey = "" },
                    new MemoryStream("%PDF-1.4\n"u8.ToArray()), CancellationToken.None);
            }
            await transaction.CommitAsync();
        }
        var before = await AllReportsAsync(a);

        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        var listed = await admin.GetHtmlAsync("/Admin/Retention");
        Assert.Contains(old.Reference, listed);
        Assert.DoesNotContain(recent.Reference, listed);
        Assert.DoesNotContain(open.Reference, listed);

        var unconfirmed = await admin.PostFormAsync("/Admin/Retention", [new("Selected", old.Id.ToString())]);
        Assert.Contains("Tick the box to confirm", await unconfirmed.Content.ReadAsStringAsync());
        // A case still inside the period is refused even when posted by hand.
        var done = await admin.PostFormAsync("/Admin/Retention", [new("Selected", old.Id.ToString()), new("Selected", recent.Id.ToString()), new("Confirmed", "true")]);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        Assert.Equal(before, await AllReportsAsync(a));
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        // Decrypted: the stored values are ciphertext whether anonymised or not.
        var kept = await TestData.SealedValuesAsync(Fixture);
        Assert.DoesNotContain("Canary", kept);
        Assert.DoesNotContain("KBL2016123456", kept);
        Assert.Contains("Anonymised", kept);
        Assert.Equal(0L, await new NpgsqlCommand($"select count(*) from passports", connection).ExecuteScalarAsync());
        // The anonymised case's files are gone, key and chunks; the other case keeps its own.
        Assert.Equal((0L, 1L), ((long)(await new NpgsqlCommand($"select count(*) from stored_files where case_id = '{old.Id}'", connection).ExecuteScalarAsync())!,
            (long)(await new NpgsqlCommand($"select count(distinct file_id) from stored_file_chunks", connection).ExecuteScalarAsync())!));
        Assert.Equal(2L, await new NpgsqlCommand($"select count(*) from persons where principal_id = '{old.PrincipalId}' or id = '{old.PrincipalId}'", connection).ExecuteScalarAsync());

        await using var check = Fixture.Scope();
        var after = check.ServiceProvider.GetRequiredService<AppDbContext>();
        after.OrganisationId = a;
        Assert.Equal(today, (await after.Cases.SingleAsync(c => c.Id == old.Id)).AnonymisedOn);
        Assert.Null((await after.Cases.SingleAsync(c => c.Id == recent.Id)).AnonymisedOn);
        Assert.Equal(4, await after.StageEvents.CountAsync(e => e.CaseId == old.Id));
        Assert.True(await after.AuditEvents.AnyAsync(e => e.Action == "case.anonymised" && e.EntityId == old.Id.ToString() && e.UserId == users.AdminA.Id));
        Assert.False(await after.AuditEvents.AnyAsync(e => e.Action == "case.anonymised" && e.EntityId == recent.Id.ToString()));
        Assert.Contains("Anonymised on 26 Nov 2026", await admin.GetHtmlAsync($"/Cases/Details?id={old.Id}"));
        Assert.Contains("No case is past the retention period", await admin.GetHtmlAsync("/Admin/Retention"));
    }

    [Fact]
    public async Task AnonymisingAFamily_AlsoAnonymisesTheRecordsMergedIntoItsMembers()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var a = users.OrganisationA.Id;
        var today = D("2026-11-26");
        var old = await CaseBuilder.CaseAsync(Fixture, a, today, ("COM_SUBMITTED", "2016-01-10"), ("COM_APPROVED", "2016-09-01"), ("VISA_ISSUED", "2017-03-01"), ("ARRIVED", "2018-01-15"));
        var spouse = new Person { OrganisationId = a, GivenNames = "Spouse", Relationship = Relationship.Spouse, PrincipalId = old.PrincipalId };
        // The spouse was registered twice and merged; that duplicate had itself absorbed a third record earlier.
        var duplicate = new Person
        {
            OrganisationId = a, GivenNames = "Canarymerged", FatherName = "Canaryfather", TazkiraNumber = "9911223344", CurrentProvince = "Canaryprovince",
            SafetyNotes = "Canary hiding place", Aliases = [new PersonAlias { OrganisationId = a, Spelling = "Canaryalias" }],
        };
        var olderDuplicate = new Person { OrganisationId = a, GivenNames = "Canaryolder", ClanOrTribe = "Canaryclan" };
        // Merged into someone outside the family: not the retention's to touch.
        var outsider = await TestData.PersonAsync(Fixture, a, "Keptsurvivor");
        var unrelated = new Person { OrganisationId = a, GivenNames = "Keptduplicate" };
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Persons.AddRange(spouse, duplicate, olderDuplicate, unrelated);
            db.Passports.Add(new Passport { OrganisationId = a, PersonId = duplicate.Id, Number = "P11223344", Country = "AF" });
            db.ContactChannels.Add(new ContactChannel { OrganisationId = a, PersonId = olderDuplicate.Id, Kind = ContactChannelKind.Phone, Value = "+93701122334" });
            db.ServiceRecords.Add(new ServiceRecord { OrganisationId = a, PersonId = olderDuplicate.Id, Employer = "Canary Battalion", StartDate = D("2010-01-01") });
            await db.SaveChangesAsync();
            db.OrganisationId = a;
            await db.Persons.Where(p => p.Id == duplicate.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.MergedIntoId, spouse.Id));
            await db.Persons.Where(p => p.Id == olderDuplicate.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.MergedIntoId, duplicate.Id));
            await db.Persons.Where(p => p.Id == unrelated.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.MergedIntoId, outsider.Id));
        }

        using var admin = new AppClient(Fixture.Factory);
        await admin.SignInAsync(users.AdminA.Email!, TestUsers.Password);
        var done = await admin.PostFormAsync("/Admin/Retention", [new("Selected", old.Id.ToString()), new("Confirmed", "true")]);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        var kept = await TestData.SealedValuesAsync(Fixture);
        Assert.DoesNotContain("Canary", kept);
        Assert.Contains("Keptduplicate", kept);
        var mergedIds = $"'{duplicate.Id}', '{olderDuplicate.Id}'";
        Assert.Equal(0L, await new NpgsqlCommand($"select count(*) from passports where person_id in ({mergedIds})", connection).ExecuteScalarAsync());
        Assert.Equal(0L, await new NpgsqlCommand($"select count(*) from contact_channels where person_id in ({mergedIds})", connection).ExecuteScalarAsync());
        Assert.Equal(0L, await new NpgsqlCommand(
            $"select count(*) from persons where id in ({mergedIds}) and (tazkira_number is not null or current_province is not null or safety_notes is not null)",
            connection).ExecuteScalarAsync());
        // The merged records stay, for the history of the merge.
        Assert.Equal(2L, await new NpgsqlCommand($"select count(*) from persons where id in ({mergedIds})", connection).ExecuteScalarAsync());
        await using var check = Fixture.Scope();
        var audit = check.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.True(await audit.AuditEvents.AnyAsync(e => e.Action == "case.anonymised" && e.EntityId == old.Id.ToString() && e.Details == "people=4"));
    }

    private async Task<Dictionary<string, List<string>>> AllReportsAsync(Guid organisationId)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        var result = new Dictionary<string, List<string>>();
        foreach (var report in Report.All)
        {
            var rows = new List<string>();
            await foreach (var row in report.RowsAsync(connection, organisationId, StatutoryClock.Today(Fixture.Time, TimeZoneInfo.Utc), new ReportFilter()))
            {
                rows.Add(string.Join('|', row));
            }
            result[report.Name] = rows;
        }
        return result;
    }
}
