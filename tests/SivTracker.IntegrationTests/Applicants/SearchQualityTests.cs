using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using SivTracker.Web.Pages.Applicants;

namespace SivTracker.IntegrationTests.Applicants;

/// <summary>Transliteration-aware search, measured on the real trigram index: spellings that must find each other, and names that must not.</summary>
public class SearchQualityTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    // (as registered, as typed by someone else)
    public static readonly (string Registered, string Typed)[] MustFind =
    [
        ("Mohammad Karimi", "Muhammad Karimi"),
        ("Mohammad Karimi", "Mohammed Kareemi"),
        ("Mohammad Karimi", "Mohd Karimi"),
        ("Muhammad Nabi", "Mohamad Nabi"),
        ("Abdul Rahman Ahmadzai", "Abdulrahman Ahmadzai"),
        ("Abdul Rahman Ahmadzai", "Abdur Rahman Ahmedzai"),
        ("Abdul Rahman Ahmadzai", "Abdul Rehman"),
        ("Ahmad Shah", "Ahmed Shah"),
        ("Najibullah Popalzai", "Najib Ullah Popalzay"),
        ("Najibullah Popalzai", "Najeebullah"),
        ("Zabihullah Stanikzai", "Zabiullah Stanekzai"),
        ("Rahmatullah Noori", "Rahmatulla Nouri"),
        ("Noor Agha", "Nur Aga"),
        ("Sayed Jalal", "Syed Jalal"),
        ("Sayed Jalal", "Sayyid Jalal"),
        ("Hekmatullah Wardak", "Hikmatullah Wardag"),
        ("Yousuf Safi", "Yusuf Saafi"),
        ("Ghulam Sakhi", "Gholam Sakhi"),
        ("Mustafa Hotak", "Mostafa Hotaki"),
        ("Qadir Haidari", "Kadir Heidari"),
        ("Qadir Haidari", "Qadeer Haydari"),
        ("Hamid Sultani", "Hameed Soltani"),
        ("Farid Hashimi", "Fareed Hashemi"),
        ("Jawad Amiri", "Javad Ameeri"),
        ("Wahid Niazi", "Vahid Nyazi"),
        ("Khalid Durrani", "Khaled Durani"),
        ("Fatima Rahimi", "Fatema Raheemi"),
        ("Maryam Sadat", "Mariam Saadat"),
        ("Nargis Yousafzai", "Narges Yusufzai"),
        ("Habib Mohmand", "Habeeb Momand"),
        ("Asadullah Barakzai", "Asadulla Barakzay"),
        ("Shafiq Jalali", "Shafeeq"),
        ("عبدالرحمن احمدزی", "عبدالرحمن"),
        ("Mohammad Karimi", "محمد کریمی"),
    ];

    // Different names, typed alone: a shared family name would rightly bring a relative up, so none is typed here.
    public static readonly (string Registered, string Typed)[] MustNotFind =
    [
        ("Ahmad Shah", "Mahmud"),
        ("Karim Safi", "Rahim"),
        ("Hamid Sultani", "Majid"),
        ("Fatima Rahimi", "Farida"),
        ("Najibullah Popalzai", "Habibullah"),
        ("Wahid Niazi", "Zarif"),
        ("Maryam Sadat", "Marwa"),
        ("Khalid Durrani", "Walid"),
        ("Yousuf Safi", "Younus"),
        ("Mustafa Hotak", "Murtaza"),
    ];

    [Fact]
    public async Task SpellingVariants_FindEachOther_AndDifferentNamesDoNot()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var ids = new Dictionary<string, Guid>();
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            foreach (var name in MustFind.Select(p => p.Registered).Concat(MustNotFind.Select(p => p.Registered)).Distinct())
            {
                var native = name.Any(c => c >= '\u0600');
                var parts = name.Split(' ', 2);
                var person = new Person
                {
                    OrganisationId = org.Id,
                    GivenNames = native ? "FNU" : parts[0],
                    FamilyName = native || parts.Length < 2 ? null : parts[1],
                    NativeName = native ? name : name == "Mohammad Karimi" ? "محمد کریمی" : null,
                };
                person.RefreshSearchFields();
                db.Persons.Add(person);
                ids[name] = person.Id;
            }
            await db.SaveChangesAsync();
        }
        // With statistics, as a live database has them: the fuzzy pass then looks people up by their rarer trigrams only.
        await using (var connection = new Npgsql.NpgsqlConnection(Fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await new Npgsql.NpgsqlCommand("analyze persons", connection).ExecuteNonQueryAsync();
            Assert.True((long)(await new Npgsql.NpgsqlCommand(
                "select count(*) from pg_stats where tablename = 'persons' and attname = 'search_hashes' and most_common_elems is not null", connection).ExecuteScalarAsync())! > 0);
        }

        var failures = new List<string>();
        await using var search = Fixture.Scope();
        var searchDb = search.ServiceProvider.GetRequiredService<AppDbContext>();
        searchDb.OrganisationId = org.Id;
        foreach (var (registered, typed) in MustFind)
        {
            var hits = await ApplicantSearch.RunAsync(searchDb, typed, PersonalDataAccess.Everything, CancellationToken.None);
            var rank = hits.Select(h => h.Id).ToList().IndexOf(ids[registered]);
            if (rank is < 0 or > 2) failures.Add($"'{typed}' should find '{registered}' in the top 3 (rank {rank}).");
        }
        foreach (var (registered, typed) in MustNotFind)
        {
            var hits = await ApplicantSearch.RunAsync(searchDb, typed, PersonalDataAccess.Everything, CancellationToken.None);
            if (hits.Any(h => h.Id == ids[registered])) failures.Add($"'{typed}' should not find '{registered}'.");
        }

        Assert.True(MustFind.Length >= 30);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// Names shared by more people than one hash lookup hands over: every trigram of the typed name is common, and the
    /// person it means, saved after everyone else, is still found first.
    /// </summary>
    [Fact]
    public async Task CommonNames_HeldByMoreThanOneLookupHandsOver_StillFindThePerson()
    {
        // Which trigrams a lookup pairs depends on the organisation's search key (equally common ones are ordered by
        // their hashes), so several organisations, several keys.
        foreach (var slug in new[] { "ngo-a", "ngo-b", "ngo-c", "ngo-d", "ngo-e", "ngo-f" })
        {
            var org = await TestData.OrganisationAsync(Fixture, slug);
            var target = await SaveCrowdAroundKhalidAsync(org.Id);
            await using var search = Fixture.Scope();
            var searchDb = search.ServiceProvider.GetRequiredService<AppDbContext>();
            searchDb.OrganisationId = org.Id;
            foreach (var typed in new[] { "Xalid Muhmand", "Khaled Momand", "Khalid Mohmand" })
            {
                var hits = await ApplicantSearch.RunAsync(searchDb, typed, PersonalDataAccess.Everything, CancellationToken.None);
                Assert.True(hits.Count > 0 && hits[0].Id == target, $"'{typed}' should find Khalid Mohmand first ({slug}).");
            }
        }
    }

    private async Task<Guid> SaveCrowdAroundKhalidAsync(Guid organisationId)
    {
        Guid target;
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            // His family name with another given name, and a given name like his with another family name.
            foreach (var (given, family) in new[] { ("Walid", "Mohmand"), ("Khalil", "Safi") })
            {
                for (var i = 0; i < SimilarNames.PerLookup * 2; i++)
                {
                    var person = new Person { OrganisationId = organisationId, GivenNames = given, FamilyName = family };
                    person.RefreshSearchFields();
                    db.Persons.Add(person);
                }
            }
            await db.SaveChangesAsync();
            var khalid = new Person { OrganisationId = organisationId, GivenNames = "Khalid", FamilyName = "Mohmand" };
            khalid.RefreshSearchFields();
            db.Persons.Add(khalid);
            await db.SaveChangesAsync();
            target = khalid.Id;
        }
        await using var connection = new Npgsql.NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await new Npgsql.NpgsqlCommand("analyze persons", connection).ExecuteNonQueryAsync();
        return target;
    }
}
