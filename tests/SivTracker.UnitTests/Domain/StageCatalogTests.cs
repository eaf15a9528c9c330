using SivTracker.Web.Domain;

namespace SivTracker.UnitTests.Domain;

public class StageCatalogTests
{
    // DOMAIN.md §3, written out independently of the code under test.
    public static readonly (string Code, ClockOwner Owner, string Models)[] DomainStages =
    [
        ("PRE_COM", ClockOwner.None, "DS157 LEGACY"),
        ("COM_SUBMITTED", ClockOwner.Government, "DS157 LEGACY"),
        ("COM_REVIEW", ClockOwner.Government, "DS157 LEGACY"),
        ("COM_RFI", ClockOwner.Applicant, "DS157 LEGACY"),
        ("COM_APPROVED", ClockOwner.Government, "DS157 LEGACY"),
        ("COM_DENIED", ClockOwner.Applicant, "DS157 LEGACY"),
        ("COM_APPEAL", ClockOwner.Government, "DS157 LEGACY"),
        ("I360_PREP", ClockOwner.Applicant, "LEGACY S1059"),
        ("I360_PENDING", ClockOwner.Government, "LEGACY S1059"),
        ("DS260_PREP", ClockOwner.Applicant, "DS157 LEGACY S1059"),
        ("NVC_REVIEW", ClockOwner.Government, "DS157 LEGACY S1059"),
        ("INTERVIEW_PENDING", ClockOwner.Government, "DS157 LEGACY S1059"),
        ("INTERVIEW_SCHEDULED", ClockOwner.Government, "DS157 LEGACY S1059"),
        ("ADMIN_PROCESSING", ClockOwner.Government, "DS157 LEGACY S1059"),
        ("MEDICAL", ClockOwner.Applicant, "DS157 LEGACY S1059"),
        ("VISA_ISSUED", ClockOwner.Stopped, "DS157 LEGACY S1059"),
        ("ARRIVED", ClockOwner.Stopped, "DS157 LEGACY S1059"),
        ("CLOSED", ClockOwner.Stopped, "DS157 LEGACY S1059"),
    ];

    [Fact]
    public void Defaults_AreExactlyTheDomainStagesInOrderWithTheirOwnersAndModels()
    {
        var stages = StageCatalog.Defaults();

        Assert.Equal(DomainStages.Select(s => s.Code), stages.Select(s => s.Code));
        foreach (var (code, owner, models) in DomainStages)
        {
            var stage = stages.Single(s => s.Code == code);
            Assert.Equal(owner, stage.ClockOwner);
            foreach (var model in Enum.GetValues<StepModel>())
            {
                Assert.Equal(models.Split(' ').Contains(model.ToString()), stage.IsIn(model));
            }
        }
        Assert.Equal(stages.Select(s => s.SortOrder).Order(), stages.Select(s => s.SortOrder));
    }

    [Theory]
    [InlineData(SivProgram.AF602B, "2022-07-19", StepModel.LEGACY)]
    [InlineData(SivProgram.AF602B, "2022-07-20", StepModel.DS157)]
    [InlineData(SivProgram.AF602B, null, StepModel.DS157)]
    [InlineData(SivProgram.IQ1244, "2023-01-01", StepModel.LEGACY)]
    [InlineData(SivProgram.S1059, "2020-01-01", StepModel.S1059)]
    public void DefaultStepModel_FollowsTheJuly2022Rule(SivProgram program, string? comSubmitted, StepModel expected)
    {
        Assert.Equal(expected, StageCatalog.DefaultStepModel(program, comSubmitted is null ? null : DateOnly.Parse(comSubmitted)));
    }
}
