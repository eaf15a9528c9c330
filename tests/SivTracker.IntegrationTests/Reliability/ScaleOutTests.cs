using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Background;

namespace SivTracker.IntegrationTests.Reliability;

/// <summary>Two app instances on one database, as behind a load balancer.</summary>
public class ScaleOutTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task SessionAndAntiforgeryToken_MadeOnOneInstance_WorkOnTheOther()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, users.OrganisationA.Id, "Shirin", "Sharifi");
        await using var second = new SivWebFactory(Fixture.Time);
        var browser = new CookieContainer();
        using var first = new AppClient(Fixture.Factory, browser);
        using var other = new AppClient(second, browser);

        Assert.Equal(HttpStatusCode.Redirect, (await first.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password)).StatusCode);
        var token = await first.AntiforgeryTokenAsync("/Applicants");
        Assert.NotNull(token);

        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/Applicants")).StatusCode);
        var search = await other.PostWithoutTokenAsync("/Applicants?handler=Search", [new("Search.Query", "Shirin Sharifi"), new("__RequestVerificationToken", token!)]);
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Contains($"/Applicants/Details?id={person.Id}", Html.Links(await search.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task KeyRing_IsStoredInTheDatabase_EncryptedWithTheConfiguredKey()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        var keys = new List<string>();
        await using (var reader = await new NpgsqlCommand("select xml from data_protection_keys", connection).ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        }
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Matches("<sealedKey[^>]*>enc:test1:", xml);
            Assert.DoesNotContain("<masterKey", xml);
        });
    }

    [Fact]
    public async Task OnlyOneInstanceSweeps_AtATime()
    {
        await using var second = new SivWebFactory(Fixture.Time);
        await using var holder = new NpgsqlConnection(Fixture.ConnectionString);
        await holder.OpenAsync();
        // Take the sweep's lock as a running sweep on a third instance would.
        await using (var transaction = await holder.BeginTransactionAsync())
        {
            await new NpgsqlCommand("select pg_advisory_xact_lock(@key)", holder, transaction) { Parameters = { new("key", DeadlineSweep.LockKey) } }.ExecuteNonQueryAsync();
            Assert.False((await SweepOn(Fixture.Factory)).Ran);
            Assert.False((await SweepOn(second)).Ran);
        }
        var both = await Task.WhenAll(SweepOn(Fixture.Factory), SweepOn(second));
        Assert.Contains(both, r => r.Ran);
    }

    private static async Task<DeadlineSweep.Result> SweepOn(SivWebFactory instance)
    {
        await using var scope = instance.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeadlineSweep>().RunAsync(new DateOnly(2026, 11, 26));
    }
}
