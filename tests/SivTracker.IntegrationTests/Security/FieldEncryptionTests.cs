using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Demo;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using SivTracker.Web.Pages.Applicants;

namespace SivTracker.IntegrationTests.Security;

public class FieldEncryptionTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    private async Task<Person> PersonWithIdentifiersAsync(Guid organisationId)
    {
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var person = new Person
        {
            OrganisationId = organisationId, GivenNames = "Hamid", TazkiraNumber = "TZ-5550001", SafetyNotes = "Hiding with an uncle in Jalalabad", CurrentProvince = "Nangarhar",
            Passports = [new Passport { OrganisationId = organisationId, Number = "P5550001", Country = "AF" }],
            ContactChannels = [new ContactChannel { OrganisationId = organisationId, Kind = ContactChannelKind.Phone, Value = "+93705550001" },
                new ContactChannel { OrganisationId = organisationId, Kind = ContactChannelKind.Email, Value = "hamid5550001@example.org" }],
        };
        person.RefreshSearchFields();
        db.Persons.Add(person);
        await db.SaveChangesAsync();
        return person;
    }

    private async Task<string> RawDumpAsync()
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        var text = new System.Text.StringBuilder();
        foreach (var sql in new[] { "select persons::text from persons", "select passports::text from passports", "select contact_channels::text from contact_channels" })
        {
            await using var reader = await new NpgsqlCommand(sql, connection).ExecuteReaderAsync();
            while (await reader.ReadAsync()) text.AppendLine(reader.GetString(0));
        }
        return text.ToString();
    }

    [Fact]
    public async Task DangerousIdentifiers_AreCiphertextInTheDatabase_ReadableInTheApp_AndStillFindable()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var person = await PersonWithIdentifiersAsync(org.Id);

        var dump = await RawDumpAsync();

        foreach (var secret in new[] { "TZ-5550001", "TZ5550001", "P5550001", "+93705550001", "hamid5550001", "Jalalabad", "Nangarhar" })
        {
            Assert.DoesNotContain(secret, dump, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("enc:test1:", dump);
        Assert.Contains("hmac:", dump);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = org.Id;
        var loaded = await db.Persons.Include(p => p.Passports).Include(p => p.ContactChannels).SingleAsync(p => p.Id == person.Id);
        Assert.Equal(("TZ-5550001", "Hiding with an uncle in Jalalabad", "P5550001"), (loaded.TazkiraNumber, loaded.SafetyNotes, loaded.Passports.Single().Number));
        foreach (var query in new[] { "tz 5550001", "P5550001", "+93 70 555 0001", "hamid5550001@example.org" })
        {
            Assert.Contains(await ApplicantSearch.RunAsync(db, query, PersonalDataAccess.Everything, CancellationToken.None), h => h.Id == person.Id);
        }
    }

    private async Task<List<string>> StoredLookupsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var reader = await new NpgsqlCommand(sql, connection).ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    [Fact]
    public async Task TheSameIdentifiersInTwoOrganisations_HaveUnrelatedIndexValues_AndEachFindsItsOwn()
    {
        var a = await TestData.OrganisationAsync(Fixture, "ngo-a");
        var b = await TestData.OrganisationAsync(Fixture, "ngo-b");
        var inA = await PersonWithIdentifiersAsync(a.Id);
        var inB = await PersonWithIdentifiersAsync(b.Id);

        var passports = await StoredLookupsAsync("select lookup from passports");
        var tazkiras = await StoredLookupsAsync("select tazkira_lookup from persons");

        // A dump does not show that both NGOs hold the same passport and tazkira.
        Assert.Equal(2, passports.Distinct().Count());
        Assert.Equal(2, tazkiras.Distinct().Count());
        foreach (var (organisation, person) in new[] { (a.Id, inA.Id), (b.Id, inB.Id) })
        {
            await using var scope = Fixture.Scope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.OrganisationId = organisation;
            Assert.Equal([person], (await ApplicantSearch.RunAsync(db, "P5550001", PersonalDataAccess.Everything, CancellationToken.None)).Select(h => h.Id));
        }
    }

    [Fact]
    public async Task RotatingTheIndexKey_RemakesEveryIndexValue_AndSearchStillFinds()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var person = await PersonWithIdentifiersAsync(org.Id);
        var original = FieldKeys.Current!;
        var replacement = new FieldKeys { Keys = original.Keys, CurrentKeyId = original.CurrentKeyId, IndexKey = Enumerable.Range(200, 32).Select(i => (byte)i).ToArray() };
        try
        {
            FieldKeys.Current = replacement;

            var exit = await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["rotate-keys"], new StringReader(""), new StringWriter(), new StringWriter());

            Assert.Equal(0, exit);
            var lookups = (await StoredLookupsAsync("select tazkira_lookup from persons where tazkira_lookup is not null"))
                .Concat(await StoredLookupsAsync("select lookup from passports")).Concat(await StoredLookupsAsync("select lookup from contact_channels")).ToList();
            Assert.Equal(4, lookups.Count);
            Assert.All(lookups, value => Assert.StartsWith($"hmac:{replacement.IndexKeyId}:", value));
            Assert.NotEqual(original.IndexKeyId, replacement.IndexKeyId);
            await using var scope = Fixture.Scope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.OrganisationId = org.Id;
            foreach (var query in new[] { "tz 5550001", "P5550001", "+93 70 555 0001", "hamid5550001@example.org" })
            {
                Assert.Contains(await ApplicantSearch.RunAsync(db, query, PersonalDataAccess.Everything, CancellationToken.None), h => h.Id == person.Id);
            }
        }
        finally
        {
            FieldKeys.Current = original;
            await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["rotate-keys"], new StringReader(""), new StringWriter(), new StringWriter());
        }
    }

    [Fact]
    public async Task RotatingKeys_ReencryptsEveryValue_AndKeepsThemReadable()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var person = await PersonWithIdentifiersAsync(org.Id);
        var original = FieldKeys.Current!;
        var before = await TestData.SealedValuesAsync(Fixture);
        try
        {
            FieldKeys.Current = new FieldKeys
            {
                Keys = new Dictionary<string, byte[]>(original.Keys) { ["test2"] = Enumerable.Range(50, 32).Select(i => (byte)i).ToArray() },
                CurrentKeyId = "test2",
                IndexKey = original.IndexKey,
            };
            var output = new StringWriter();

            var exit = await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["rotate-keys"], new StringReader(""), output, new StringWriter());

            Assert.Equal(0, exit);
            // Every sealed value of every table reads back as it was.
            Assert.Equal(before, await TestData.SealedValuesAsync(Fixture));
            var dump = await RawDumpAsync();
            Assert.DoesNotContain("enc:test1:", dump);
            Assert.Contains("enc:test2:", dump);
            await using var scope = Fixture.Scope();
            var loaded = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.Include(p => p.ContactChannels).SingleAsync(p => p.Id == person.Id);
            Assert.Equal("TZ-5550001", loaded.TazkiraNumber);
            Assert.Contains(loaded.ContactChannels, c => c.Value == "+93705550001");
        }
        finally
        {
            // Back to the test key, and the data with it.
            FieldKeys.Current = new FieldKeys { Keys = new Dictionary<string, byte[]>(original.Keys) { ["test2"] = Enumerable.Range(50, 32).Select(i => (byte)i).ToArray() }, CurrentKeyId = "test1", IndexKey = original.IndexKey };
            await SivTracker.Web.Cli.CommandLine.RunAsync(Fixture.Factory.Services, ["rotate-keys"], new StringReader(""), new StringWriter(), new StringWriter());
            FieldKeys.Current = original;
        }
    }

    [Fact]
    public async Task WithoutTheKey_AValueCannotBeRead()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        await PersonWithIdentifiersAsync(org.Id);
        var original = FieldKeys.Current!;
        try
        {
            FieldKeys.Current = new FieldKeys { Keys = new Dictionary<string, byte[]> { ["other"] = new byte[32] }, CurrentKeyId = "other", IndexKey = original.IndexKey };
            await using var scope = Fixture.Scope();
            await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() =>
                scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.Where(p => p.TazkiraNumber != null).ToListAsync());
        }
        finally
        {
            FieldKeys.Current = original;
        }
    }

    [Fact]
    public async Task PgDumpOfDemoData_HoldsNoTazkiraPassportPhoneOrEmailInClearText()
    {
        List<string> identifiers;
        await using (var scope = Fixture.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataGenerator>().GenerateAsync(scale: 60);
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            identifiers = [
                .. await db.Persons.Where(p => p.TazkiraNumber != null).Select(p => p.TazkiraNumber!).ToListAsync(),
                .. await db.Passports.Select(p => p.Number).ToListAsync(),
                .. await db.ContactChannels.Select(c => c.Value).ToListAsync(),
            ];
        }
        Assert.True(identifiers.Count > 100, $"the demo data should hold identifiers, found {identifiers.Count}");
        Assert.Contains(identifiers, v => v.Contains('@'));

        var text = await TestData.PgDumpAsync(Fixture);

        // As a whole value: a short paper tazkira number such as 644789 turns up by chance inside ids and ciphertext.
        Assert.DoesNotContain(identifiers, id => System.Text.RegularExpressions.Regex.IsMatch(text,
            $"(?<![0-9A-Za-z+/]){System.Text.RegularExpressions.Regex.Escape(id)}(?![0-9A-Za-z+/=])"));
    }

    [Fact]
    public async Task PgDumpOfCanaryPeople_NamesNobody_InAnyEncoding_AndSearchStillFindsThem()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var a = users.OrganisationA.Id;
        var @case = await CaseBuilder.CaseAsync(Fixture, a, new DateOnly(2026, 11, 26), ("COM_SUBMITTED", "2025-01-10"), ("COM_REVIEW", "2025-02-01"));
        string[] canaries =
        [
            "Zarbakhtullah", "Qandaharwal", "زربختالله", "Canarykhel", "Canarygarh", "0799123456", "Canary Lane 7",
            "KBL2025987654", "IOE0912345678", "Canary Battalion", "Sergeant Canaryson", "1987-06-05", "InHiding",
        ];
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.OrganisationId = a;
            var person = await db.Persons.Include(p => p.Aliases).SingleAsync(p => p.Id == @case.PrincipalId);
            person.GivenNames = "Zarbakhtullah";
            person.FamilyName = "Qandaharwal";
            person.NativeName = "زربختالله قندهاروال";
            person.ClanOrTribe = "Canarykhel";
            person.PlaceOfBirth = "Canarygarh";
            person.DateOfBirth = new DateOnly(1987, 6, 5);
            person.SafetyStatus = SafetyStatus.InHiding;
            person.CurrentCountry = "AF";
            person.RefreshSearchFields();
            db.ServiceRecords.Add(new Web.Domain.ServiceRecord { OrganisationId = a, PersonId = person.Id, Employer = "Canary Battalion", SupervisorName = "Sergeant Canaryson", StartDate = new DateOnly(2010, 1, 1) });
            db.CaseNotes.Add(new CaseNote { OrganisationId = a, CaseId = @case.Id, Body = "Reachable on 0799123456, staying at Canary Lane 7" });
            foreach (var (kind, number) in new[] { (CaseNumberKind.NvcCase, "KBL2025987654"), (CaseNumberKind.UscisReceipt, "IOE0912345678") })
            {
                var caseNumber = new CaseNumber { OrganisationId = a, CaseId = @case.Id, Kind = kind, Number = number };
                caseNumber.RefreshLookups();
                db.CaseNumbers.Add(caseNumber);
            }
            await db.SaveChangesAsync();
        }

        var text = await TestData.PgDumpAsync(Fixture);
        // As typed, folded the way search folds it, and in the encodings a dump might carry bytes in.
        foreach (var canary in canaries)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(canary);
            foreach (var form in new[] { canary, NameNormaliser.Normalise(canary), Convert.ToHexStringLower(bytes), Convert.ToBase64String(bytes) }.Where(f => f.Length >= 4))
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"the dump holds \"{form}\" (from {canary})");
            }
        }

        // The app still reads it all, and search finds the person by other spellings and in Dari script.
        Assert.Contains("Canary Lane 7", await TestData.SealedValuesAsync(Fixture));
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.OrganisationId = a;
            foreach (var typed in new[] { "Zarbakhtulla Kandaharwal", "zarbakhtullah", "زربختالله", "KBL2025987654", "IOE-0912345678" })
            {
                var hits = await ApplicantSearch.RunAsync(db, typed, PersonalDataAccess.Everything, CancellationToken.None);
                Assert.True(hits.Any(h => h.Id == @case.PrincipalId), $"search for \"{typed}\" did not find the canary");
            }
        }
    }

    [Fact]
    public async Task Migrate_SealsWhatAnOlderInstallationHeldInClear_AndSearchFindsItAfterwards()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, users.OrganisationA.Id, "Placeholder");
        // As an installation from before sealing holds it: clear text, a plain date, no search hashes.
        await using (var connection = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"""
                update persons set given_names = 'Cleartextgul', family_name = 'Oldinstall', clan_or_tribe = 'Oldclan',
                    date_of_birth = '1979-03-04', safety_status = 'InHiding', safety_lookup = '', search_hashes = array[]::int[]
                where id = '{person.Id}'
                """, connection).ExecuteNonQueryAsync();
        }
        var progress = new StringWriter();

        var result = await new SchemaMigration(Fixture.ConnectionString, DatabaseFixture.AppRole, []).RunAsync(CancellationToken.None, progress);

        Assert.Equal(1, result.Sealed);
        Assert.Contains("persons: 1 row(s) sealed", progress.ToString());
        var raw = await RawDumpAsync();
        Assert.DoesNotContain("Cleartextgul", raw);
        Assert.DoesNotContain("Oldclan", raw);
        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OrganisationId = users.OrganisationA.Id;
        var loaded = await db.Persons.SingleAsync(p => p.Id == person.Id);
        Assert.Equal(("Cleartextgul", "Oldinstall", "Oldclan", new DateOnly(1979, 3, 4), SafetyStatus.InHiding),
            (loaded.GivenNames, loaded.FamilyName, loaded.ClanOrTribe, loaded.DateOfBirth, loaded.SafetyStatus));
        Assert.Contains(await ApplicantSearch.RunAsync(db, "Klirtekstgul Oldinstal", PersonalDataAccess.Everything, CancellationToken.None), h => h.Id == person.Id);
        // A second run finds nothing left to seal.
        Assert.Equal(0, (await new SchemaMigration(Fixture.ConnectionString, DatabaseFixture.AppRole, []).RunAsync()).Sealed);
    }
}
