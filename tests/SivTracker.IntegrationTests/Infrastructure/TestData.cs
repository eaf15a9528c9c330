using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>Small builders for the rows most tests need.</summary>
public static class TestData
{
    public static async Task<Organisation> OrganisationAsync(DatabaseFixture fixture, string slug = "ngo-a", string timeZone = "UTC")
    {
        await using var scope = fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var org = new Organisation { Slug = slug, Name = $"Test {slug}", TimeZone = timeZone };
        db.Organisations.Add(org);
        await db.SaveChangesAsync();
        return org;
    }

    public static async Task<Person> PersonAsync(DatabaseFixture fixture, Guid organisationId, string givenNames, string? familyName = null, DateOnly? born = null)
    {
        await using var scope = fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var person = new Person { OrganisationId = organisationId, GivenNames = givenNames, FamilyName = familyName, DateOfBirth = born };
        person.RefreshSearchFields();
        db.Persons.Add(person);
        await db.SaveChangesAsync();
        return person;
    }

    /// <summary>
    /// Every sealed value of every organisation, decrypted and joined: what the app itself can still read. A dump of the
    /// tables shows only ciphertext, so tests of what anonymising or retention leaves behind read through this.
    /// </summary>
    public static async Task<string> SealedValuesAsync(DatabaseFixture fixture)
    {
        await using var scope = fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>().AllOrganisations();
        var values = new List<string?>();
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetProperties().Any(FieldProtection.IsSealed)))
        {
            var sealedProperties = entity.GetProperties().Where(FieldProtection.IsSealed).ToList();
            var rows = await ((IQueryable<object>)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!
                .MakeGenericMethod(entity.ClrType).Invoke(db, null)!).IgnoreQueryFilters().ToListAsync();
            values.AddRange(rows.SelectMany(row => sealedProperties.Select(p => p.PropertyInfo?.GetValue(row)?.ToString())));
        }
        return string.Join("|", values.Where(v => v is not null));
    }

    public static async Task<Guid> OrganisationIdAsync(DatabaseFixture fixture, string slug)
    {
        await using var scope = fixture.Scope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Organisations.Where(o => o.Slug == slug).Select(o => o.Id).SingleAsync();
    }

    public static async Task<Case> CaseAsync(DatabaseFixture fixture, Guid organisationId, Guid principalId, string reference = "T-1")
    {
        await using var scope = fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var @case = new Case { OrganisationId = organisationId, Reference = reference, PrincipalId = principalId, CurrentStageCode = StageCatalog.PreCom };
        db.Cases.Add(@case);
        db.StageEvents.Add(new StageEvent { OrganisationId = organisationId, CaseId = @case.Id, ToStageCode = StageCatalog.PreCom, EffectiveOn = new DateOnly(2026, 1, 1), RecordedAt = fixture.Time.GetUtcNow() });
        await db.SaveChangesAsync();
        return @case;
    }

    /// <summary>The whole database as `pg_dump` writes it: what someone who takes a dump holds.</summary>
    public static async Task<string> PgDumpAsync(DatabaseFixture fixture)
    {
        var target = new NpgsqlConnectionStringBuilder(fixture.ConnectionString);
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
        return text;
    }
}
