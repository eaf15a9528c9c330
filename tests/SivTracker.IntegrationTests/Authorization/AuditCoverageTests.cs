using System.Net;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.IntegrationTests.Infrastructure;
using SivTracker.Web.Data;
using SivTracker.Web.Infrastructure;

namespace SivTracker.IntegrationTests.Authorization;

/// <summary>
/// Every page handler says which audit actions it records, or why it records none, so a new page that reads personal
/// data or writes cannot go unaudited by oversight; and a sample of the pages that claim a read is recorded are called,
/// to keep the claims honest.
/// </summary>
public class AuditCoverageTests(DatabaseFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public void EveryPageHandler_NamesItsAuditActions_OrWhyItHasNone()
    {
        var known = typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        var handlers = AuthorizationMatrixTests.PageHandlers().ToList();
        Assert.NotEmpty(handlers);
        var problems = new List<string>();

        foreach (var (model, method, handler) in handlers)
        {
            // What the method says, else what its page says for all its handlers.
            var declared = DeclarationOf(method);
            if (declared is (null, null)) declared = DeclarationOf(model);
            var where = $"{handler} ({model.Name}.{method.Name})";
            switch (declared)
            {
                case (null, null):
                    problems.Add($"{where} names no audit action ([Audited]) and no reason for having none ([NotAudited])");
                    break;
                case ({ }, { }):
                    problems.Add($"{where} is both [Audited] and [NotAudited]");
                    break;
                case ({ } audited, null):
                    if (audited.Actions.Count == 0) problems.Add($"{where} is [Audited] without an action");
                    problems.AddRange(audited.Actions.Where(a => !known.Contains(a)).Select(a => $"{where} names '{a}', which is not in AuditActions"));
                    break;
                case (null, { } notAudited) when string.IsNullOrWhiteSpace(notAudited.Reason):
                    problems.Add($"{where} is [NotAudited] without a reason");
                    break;
            }
        }

        Assert.True(problems.Count == 0, "Every page handler that reads personal data or writes records it, and every other says why not:"
            + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task PagesThatClaimToRecordARead_RecordItForTheUserAndTheRecord_AndNoNames()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var person = await TestData.PersonAsync(Fixture, users.OrganisationA.Id, "Canarygiven", "Canaryfamily");
        var @case = await TestData.CaseAsync(Fixture, users.OrganisationA.Id, person.Id);
        var claims = AuthorizationMatrixTests.PageHandlers().GroupBy(h => h.Handler)
            .ToDictionary(g => g.Key, g => g.First().Method.GetCustomAttribute<AuditedAttribute>()?.Actions ?? []);
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        (string Path, string Handler, Guid Record)[] samples =
        [
            ($"/Applicants/Details?id={person.Id}", "GET /Applicants/Details", person.Id),
            ($"/Applicants/Edit?id={person.Id}", "GET /Applicants/Edit", person.Id),
            ($"/Cases/Details?id={@case.Id}", "GET /Cases/Details", @case.Id),
            ($"/Cases/Documents?id={@case.Id}", "GET /Cases/Documents", @case.Id),
        ];
        foreach (var (path, handler, record) in samples)
        {
            var claimed = claims[handler];
            Assert.True(claimed.Count > 0, $"{handler} is expected to claim an audit action");
            var before = await ActionsAsync(users.CaseworkerA.Id, record);

            await client.GetHtmlAsync(path);

            var after = await ActionsAsync(users.CaseworkerA.Id, record);
            Assert.True(after.Count(claimed.Contains) == before.Count(claimed.Contains) + 1,
                $"{path} claims [{string.Join(", ", claimed)}] but left {after.Count(claimed.Contains) - before.Count(claimed.Contains)} such rows for the user and record");
        }

        await using var scope = Fixture.Scope();
        var details = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking()
            .Where(a => a.UserId == users.CaseworkerA.Id).Select(a => a.Details).ToListAsync();
        Assert.DoesNotContain(details, d => d != null && d.Contains("Canary", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ALookupThatFindsNothing_RecordsNothing()
    {
        var users = await TestUsers.CreateAsync(Fixture);
        var elsewhere = await TestData.PersonAsync(Fixture, users.OrganisationB.Id, "Other", "Organisation");
        using var client = new AppClient(Fixture.Factory);
        await client.SignInAsync(users.CaseworkerA.Email!, TestUsers.Password);

        foreach (var id in new[] { Guid.NewGuid(), elsewhere.Id })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Applicants/Details?id={id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Applicants/Edit?id={id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Cases/Documents?id={id}")).StatusCode);
            Assert.Empty(await ActionsAsync(users.CaseworkerA.Id, id));
        }
    }

    private static (AuditedAttribute? Audited, NotAuditedAttribute? NotAudited) DeclarationOf(MemberInfo member) =>
        (member.GetCustomAttribute<AuditedAttribute>(), member.GetCustomAttribute<NotAuditedAttribute>());

    private async Task<List<string>> ActionsAsync(Guid userId, Guid record)
    {
        await using var scope = Fixture.Scope();
        var entityId = record.ToString();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking()
            .Where(a => a.UserId == userId && a.EntityId == entityId).Select(a => a.Action).ToListAsync();
    }
}
