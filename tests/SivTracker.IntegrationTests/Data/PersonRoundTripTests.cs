using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Data;

public class PersonRoundTripTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task PersonWithSpellingsNativeScriptFamilyAndService_RoundTripsUnchanged()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var principalId = Guid.CreateVersion7();
        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var principal = new Person
            {
                Id = principalId,
                OrganisationId = org.Id,
                GivenNames = "Abdul Rahman",
                FatherName = "Ghulam Sakhi",
                NativeName = "عبدالرحمن احمدزی",
                ClanOrTribe = "Ahmadzai",
                DateOfBirth = new DateOnly(1988, 1, 1),
                DateOfBirthPrecision = DatePrecision.YearOnly,
                Sex = Sex.M,
                TazkiraType = TazkiraType.Paper,
                TazkiraNumber = "۱۲۳۴۵ / 67",
                TazkiraVolume = "12",
                TazkiraPage = "40",
                SafetyStatus = SafetyStatus.InHiding,
                SafetyNotes = "در خانه یکی از اقارب پنهان است",
                Aliases = [Alias(org.Id, "Abdulrahman"), Alias(org.Id, "Abdur Rahman")],
                Passports = [new Passport { OrganisationId = org.Id, Number = "P1234567", Country = "AF", ExpiresOn = new DateOnly(2027, 3, 1) }],
                ContactChannels = [new ContactChannel { OrganisationId = org.Id, Kind = ContactChannelKind.Signal, Value = "+93700123456", LastSuccessfulContactOn = new DateOnly(2026, 11, 1) }],
                ServiceRecords =
                [
                    new ServiceRecord
                    {
                        OrganisationId = org.Id, EmployerType = EmployerType.UsMilitary, Employer = "2nd Battalion, 8th Marines",
                        Role = ServiceRole.Interpreter, StartDate = new DateOnly(2010, 3, 1), EndDate = new DateOnly(2012, 9, 30),
                        SupervisorName = "James Miller", SupervisorIsUsCitizen = true, HrLetterObtained = true,
                    },
                    new ServiceRecord
                    {
                        OrganisationId = org.Id, EmployerType = EmployerType.Contractor, Employer = "Linguist services prime contractor",
                        PrimeContractNumber = "W91B4N-11-C-1234", SubcontractNumber = "SC-77", Role = ServiceRole.Interpreter,
                        StartDate = new DateOnly(2013, 1, 1),
                    },
                ],
                FamilyMembers =
                [
                    new Person { OrganisationId = org.Id, GivenNames = "Maryam", NativeName = "مریم", Relationship = Relationship.Spouse, MarriageDate = new DateOnly(2009, 5, 5) },
                    new Person { OrganisationId = org.Id, GivenNames = "FNU", NativeName = "احمد", Relationship = Relationship.Child, DateOfBirth = new DateOnly(2012, 2, 29) },
                ],
            };
            db.Persons.Add(principal);
            await db.SaveChangesAsync();
        }

        await using (var scope = Fixture.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
            var loaded = await db.Persons.AsNoTracking()
                .Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels)
                .Include(p => p.ServiceRecords).Include(p => p.FamilyMembers)
                .SingleAsync(p => p.Id == principalId);

            Assert.Equal("Abdul Rahman", loaded.GivenNames);
            Assert.Null(loaded.FamilyName);
            Assert.Equal("عبدالرحمن احمدزی", loaded.NativeName);
            Assert.Equal("در خانه یکی از اقارب پنهان است", loaded.SafetyNotes);
            Assert.Equal("۱۲۳۴۵ / 67", loaded.TazkiraNumber);
            Assert.Equal(DatePrecision.YearOnly, loaded.DateOfBirthPrecision);
            Assert.Equal(["Abdulrahman", "Abdur Rahman"], loaded.Aliases.Select(a => a.Spelling).Order());
            Assert.Equal("P1234567", Assert.Single(loaded.Passports).Number);
            Assert.Equal(ContactChannelKind.Signal, Assert.Single(loaded.ContactChannels).Kind);
            Assert.Equal(["SC-77", null], loaded.ServiceRecords.OrderByDescending(s => s.StartDate).Select(s => s.SubcontractNumber));
            Assert.Equal(["FNU", "Maryam"], loaded.FamilyMembers.Select(f => f.GivenNames).Order());
            Assert.Equal("مریم", loaded.FamilyMembers.Single(f => f.Relationship == Relationship.Spouse).NativeName);
            Assert.Equal(Fixture.Time.GetUtcNow(), loaded.CreatedAt);
            Assert.NotEqual(0u, loaded.Version);
        }
    }

    [Fact]
    public async Task StaleUpdate_RaisesAConcurrencyConflict()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, org.Id, "Hamid");

        await using var first = Fixture.Scope();
        await using var second = Fixture.Scope();
        var firstDb = first.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var secondDb = second.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var mine = await firstDb.Persons.SingleAsync(p => p.Id == person.Id);
        var theirs = await secondDb.Persons.SingleAsync(p => p.Id == person.Id);

        theirs.FamilyName = "Karimi";
        await secondDb.SaveChangesAsync();
        mine.FamilyName = "Rahimi";

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => firstDb.SaveChangesAsync());
        await using var check = Fixture.Scope();
        Assert.Equal("Karimi", (await check.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations().Persons.SingleAsync(p => p.Id == person.Id)).FamilyName);
    }

    [Fact]
    public async Task Updates_AreStampedWithTheInjectedClock()
    {
        var org = await TestData.OrganisationAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, org.Id, "Karim");
        Fixture.Time.Advance(TimeSpan.FromDays(3));

        await using var scope = Fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var loaded = await db.Persons.SingleAsync(p => p.Id == person.Id);
        loaded.FatherName = "Sakhi";
        await db.SaveChangesAsync();

        Assert.Equal(person.CreatedAt, loaded.CreatedAt);
        Assert.Equal(Fixture.Time.GetUtcNow(), loaded.UpdatedAt);
    }

    private static PersonAlias Alias(Guid organisationId, string spelling) => new() { OrganisationId = organisationId, Spelling = spelling };
}
