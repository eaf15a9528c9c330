using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;

namespace SivTracker.IntegrationTests.Infrastructure;

/// <summary>Writes a case with a given stage history and its stored clock as of a given day.</summary>
public static class CaseBuilder
{
    public static async Task<Case> CaseAsync(DatabaseFixture fixture, Guid organisationId, DateOnly computedFor, params (string Stage, string On)[] history) =>
        await CaseAsync(fixture, organisationId, computedFor, SivProgram.AF602B, false, history);

    public static async Task<Case> CaseAsync(DatabaseFixture fixture, Guid organisationId, DateOnly computedFor, SivProgram program, bool highRisk, params (string Stage, string On)[] history)
    {
        var principal = await TestData.PersonAsync(fixture, organisationId, "Hamid", $"Test{Guid.NewGuid():N}"[..12]);
        await using var scope = fixture.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var model = program == SivProgram.S1059 ? StepModel.S1059 : StepModel.DS157;
        var @case = new Case
        {
            OrganisationId = organisationId, Reference = $"T-{Guid.NewGuid():N}"[..12], PrincipalId = principal.Id, Program = program,
            StepModel = model, HighRisk = highRisk, CurrentStageCode = StageCatalog.FirstStage(model),
        };
        var at = fixture.Time.GetUtcNow();
        var events = history.Select((h, i) => new StageEvent
        {
            OrganisationId = organisationId, CaseId = @case.Id, FromStageCode = i == 0 ? null : history[i - 1].Stage, ToStageCode = h.Stage,
            EffectiveOn = DateOnly.Parse(h.On), RecordedAt = at.AddSeconds(i),
        }).ToList();
        scope.ServiceProvider.GetRequiredService<ClockRecompute>().Apply(@case, events, await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code), computedFor);
        db.Cases.Add(@case);
        db.StageEvents.AddRange(events);
        await db.SaveChangesAsync();
        return @case;
    }
}
