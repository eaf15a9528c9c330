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

        var target = new NpgsqlConnectionStringBuilder(Fixture.ConnectionString);
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(await PostgresServer.BinFolderAsync(), "pg_dump"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            ArgumentList = { "-h", target.Host!, "-p", target.Port.ToString(), "-U", target.Username!, "--no-owner", target.Database! },
            Environment = { ["PGPASSWORD"] = target.Password },
        };
        using var dump = System.Diagnostics.Process.Start(start)!;
        var text = await dump.StandardOutput.ReadToEndAsync();
        await dump.WaitForExitAsync();
        Assert.Equal(0, dump.ExitCode);
        Assert.Contains("COPY public.persons", text);

        Assert.DoesNotContain(identifiers, text.Contains);
    }
}
