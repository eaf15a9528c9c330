using SivTracker.Web.Domain;

namespace SivTracker.UnitTests.Domain;

public class StageRulesTests
{
    private static readonly IReadOnlyDictionary<string, Stage> Catalog = StageCatalog.Defaults().ToDictionary(s => s.Code);

    private static StageChangeError? Check(StepModel model, string from, string to, bool reason = false, bool hadAppeal = false) =>
        StageRules.Check(Catalog, model, from, to, reason, hadAppeal);

    [Theory]
    [InlineData("PRE_COM", "COM_SUBMITTED")]
    [InlineData("PRE_COM", "COM_REVIEW")] // skipping: the NGO learned of the submission late
    [InlineData("COM_REVIEW", "COM_RFI")]
    [InlineData("COM_RFI", "COM_REVIEW")] // the RFI loop
    [InlineData("COM_REVIEW", "COM_DENIED")]
    [InlineData("COM_DENIED", "COM_APPEAL")]
    [InlineData("COM_APPEAL", "COM_APPROVED")]
    [InlineData("COM_APPEAL", "COM_DENIED")]
    [InlineData("INTERVIEW_SCHEDULED", "CLOSED")] // closing from any stage
    [InlineData("MEDICAL", "VISA_ISSUED")]
    public void ForwardMovesLoopsAndClosing_AreAllowedWithoutAReason(string from, string to)
    {
        Assert.Null(Check(StepModel.DS157, from, to));
    }

    [Fact]
    public void BackwardMove_NeedsAReason()
    {
        Assert.IsType<StageChangeError.BackwardNeedsReason>(Check(StepModel.DS157, "NVC_REVIEW", "COM_REVIEW"));
        Assert.Null(Check(StepModel.DS157, "NVC_REVIEW", "COM_REVIEW", reason: true));
    }

    [Fact]
    public void ReopeningAClosedCase_NeedsAReason()
    {
        var error = Check(StepModel.DS157, "CLOSED", "NVC_REVIEW");

        Assert.IsType<StageChangeError.ReopenNeedsReason>(error);
        Assert.Contains("Reopening it needs a reason", error!.Message);
        Assert.Null(Check(StepModel.DS157, "CLOSED", "NVC_REVIEW", reason: true));
    }

    [Theory]
    [InlineData(StepModel.DS157, "I360_PENDING")] // DS157 dropped the separate I-360
    [InlineData(StepModel.S1059, "COM_REVIEW")] // S1059 skips the COM stages
    public void StagesOutsideTheStepModel_AreRefused(StepModel model, string to)
    {
        Assert.IsType<StageChangeError.NotInStepModel>(Check(model, "DS260_PREP", to, reason: true));
    }

    [Fact]
    public void Appeal_OnlyFollowsADenial_AndOnlyOnce()
    {
        Assert.IsType<StageChangeError.AppealOnlyAfterDenial>(Check(StepModel.LEGACY, "COM_REVIEW", "COM_APPEAL"));
        Assert.IsType<StageChangeError.OnlyOneAppeal>(Check(StepModel.LEGACY, "COM_DENIED", "COM_APPEAL", hadAppeal: true));
    }

    [Fact]
    public void Denial_OnlyFollowsReview()
    {
        Assert.IsType<StageChangeError.DenialOnlyFromReview>(Check(StepModel.DS157, "PRE_COM", "COM_DENIED"));
    }

    [Fact]
    public void SameStage_IsRefused()
    {
        Assert.IsType<StageChangeError.AlreadyThere>(Check(StepModel.DS157, "COM_REVIEW", "COM_REVIEW"));
    }

    [Fact]
    public void AllowedMoves_OfferTheModelsStagesWithTheirReasonRequirement()
    {
        var moves = StageRules.AllowedMoves(Catalog, StepModel.DS157, "COM_RFI", hadAppeal: false);

        Assert.DoesNotContain(moves, m => m.To is "COM_RFI" or "COM_APPEAL" or "I360_PENDING");
        Assert.False(moves.Single(m => m.To == "COM_REVIEW").NeedsReason);
        Assert.True(moves.Single(m => m.To == "PRE_COM").NeedsReason);
        Assert.False(moves.Single(m => m.To == "NVC_REVIEW").NeedsReason);
    }

    [Fact]
    public void EffectiveDates_AreNotInTheFuture_NorBeforeThePreviousChangeUnlessCorrecting()
    {
        var today = new DateOnly(2026, 11, 26);

        Assert.IsType<StageChangeError.DateInFuture>(StageRules.CheckDate(today.AddDays(1), today, null, false));
        Assert.IsType<StageChangeError.DateBeforePrevious>(StageRules.CheckDate(new DateOnly(2026, 1, 1), today, new DateOnly(2026, 2, 1), false));
        Assert.Null(StageRules.CheckDate(new DateOnly(2026, 1, 1), today, new DateOnly(2026, 2, 1), isCorrection: true));
        Assert.Null(StageRules.CheckDate(today, today, today, false));
    }
}
