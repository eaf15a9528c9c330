using SivTracker.Web.Domain;

namespace SivTracker.UnitTests.Domain;

public class CaseTests
{
    private static readonly IReadOnlyDictionary<string, Stage> Catalog = StageCatalog.Defaults().ToDictionary(s => s.Code);
    private static readonly DateOnly Today = new(2026, 11, 26);
    private static readonly Case.Actor Someone = new(Guid.NewGuid(), DateTimeOffset.Parse("2026-11-26T10:00Z"));

    private static DateOnly D(string iso) => DateOnly.Parse(iso);

    private static Case Open(StepModel model = StepModel.DS157, params Guid[] family) =>
        Case.Open(Guid.NewGuid(), "T-1", family.Length > 0 ? family[0] : Guid.NewGuid(), family, model == StepModel.S1059 ? SivProgram.S1059 : SivProgram.AF602B,
            model, D("2025-01-01"), Someone);

    [Fact]
    public void OpeningACase_CreatesItsFirstEventAndTheWholeChecklist()
    {
        var principal = Guid.NewGuid();
        var child = Guid.NewGuid();

        var @case = Open(StepModel.DS157, principal, child);

        var opening = Assert.Single(@case.StageEvents);
        Assert.Null(opening.FromStageCode);
        Assert.Equal(StageCatalog.PreCom, opening.ToStageCode);
        Assert.Equal(Checklist.ComPackage.Append(DocumentKind.Badge).Order(), @case.Documents.Where(d => d.PersonId is null).Select(d => d.Kind).Order());
        foreach (var person in new[] { principal, child })
        {
            Assert.Equal(Checklist.PerFamilyMember.Order(), @case.Documents.Where(d => d.PersonId == person).Select(d => d.Kind).Order());
        }
        Assert.All(@case.Documents, d => Assert.Equal(@case.Id, d.CaseId));
    }

    [Fact]
    public void AnS1059Case_HasNoComPackage()
    {
        var @case = Open(StepModel.S1059, Guid.NewGuid());

        Assert.Equal(StageCatalog.I360Prep, @case.StageEvents[0].ToStageCode);
        Assert.DoesNotContain(@case.Documents, d => d.PersonId is null);
    }

    [Fact]
    public void AFamilyMemberAddedLater_GetsTheirItemsOnce()
    {
        var @case = Open(StepModel.DS157, Guid.NewGuid());
        var spouse = Guid.NewGuid();

        var added = @case.AddFamilyMember(spouse);
        var again = @case.AddFamilyMember(spouse);

        Assert.Equal(3, added.Count);
        Assert.Empty(again);
        Assert.Equal(3, @case.Documents.Count(d => d.PersonId == spouse));
    }

    [Fact]
    public void RecordingMoves_FollowsTheRules()
    {
        var @case = Open();

        Assert.Null(@case.Record(Catalog, StageCatalog.ComSubmitted, D("2025-02-01"), Today, Someone));
        Assert.Null(@case.Record(Catalog, StageCatalog.ComReview, D("2025-03-01"), Today, Someone));
        Assert.IsType<StageChangeError.AppealOnlyAfterDenial>(@case.Record(Catalog, StageCatalog.ComAppeal, D("2025-04-01"), Today, Someone));
        Assert.IsType<StageChangeError.DateBeforePrevious>(@case.Record(Catalog, StageCatalog.ComDenied, D("2025-02-15"), Today, Someone));
        Assert.IsType<StageChangeError.DateInFuture>(@case.Record(Catalog, StageCatalog.ComDenied, D("2026-12-01"), Today, Someone));
        Assert.Null(@case.Record(Catalog, StageCatalog.ComDenied, D("2025-04-01"), Today, Someone));
        Assert.Null(@case.Record(Catalog, StageCatalog.ComAppeal, D("2025-05-01"), Today, Someone));
        Assert.Null(@case.Record(Catalog, StageCatalog.ComDenied, D("2025-06-01"), Today, Someone));
        Assert.IsType<StageChangeError.OnlyOneAppeal>(@case.Record(Catalog, StageCatalog.ComAppeal, D("2025-07-01"), Today, Someone));

        Assert.Equal(["PRE_COM", "COM_SUBMITTED", "COM_REVIEW", "COM_DENIED", "COM_APPEAL", "COM_DENIED"], @case.LiveHistory(Catalog).Select(e => e.ToStageCode));
        Assert.Equal("COM_APPEAL", @case.StageEvents[^1].FromStageCode);
    }

    [Fact]
    public void VoidingTheDenialUnderAnAppeal_IsRefused_AndChangesNothing()
    {
        var @case = Open();
        @case.Record(Catalog, StageCatalog.ComSubmitted, D("2025-02-01"), Today, Someone);
        @case.Record(Catalog, StageCatalog.ComDenied, D("2025-03-01"), Today, Someone);
        @case.Record(Catalog, StageCatalog.ComAppeal, D("2025-04-01"), Today, Someone);
        var denial = @case.StageEvents.Single(e => e.ToStageCode == StageCatalog.ComDenied);

        var error = @case.Void(Catalog, denial, Someone, "entered by mistake");

        Assert.IsType<StageChangeError.HistoryBroken>(error);
        Assert.Contains("appeal", error!.Message);
        Assert.False(denial.IsVoided);

        var appeal = @case.StageEvents.Single(e => e.ToStageCode == StageCatalog.ComAppeal);
        Assert.Null(@case.Void(Catalog, appeal, Someone, "entered by mistake"));
        Assert.Null(@case.Void(Catalog, denial, Someone, "entered by mistake"));
        Assert.Equal(["PRE_COM", "COM_SUBMITTED"], @case.LiveHistory(Catalog).Select(e => e.ToStageCode));
    }

    [Fact]
    public void ACorrection_VoidsTheWrongEventAndRecordsTheRightOne()
    {
        var @case = Open();
        @case.Record(Catalog, StageCatalog.ComSubmitted, D("2025-02-01"), Today, Someone);
        var wrong = @case.StageEvents[^1];

        Assert.Null(@case.Correct(Catalog, wrong, StageCatalog.ComSubmitted, D("2025-01-20"), Today, Someone, "The receipt says 20 January."));

        Assert.True(wrong.IsVoided);
        Assert.Equal("Corrected: The receipt says 20 January.", wrong.VoidReason);
        var right = @case.StageEvents[^1];
        Assert.Equal(wrong.Id, right.CorrectsEventId);
        Assert.Equal(D("2025-01-20"), right.EffectiveOn);
        Assert.IsType<StageChangeError.NotInStepModel>(@case.Correct(Catalog, right, StageCatalog.I360Pending, D("2025-01-20"), Today, Someone, "why"));
    }

    [Fact]
    public void PastLimitSince_IsTheFirstDayPastTheLimit_CountingOnlyGovernmentDays()
    {
        var settings = new ClockSettings();
        // Started 31 January 2025: limit 273 days (to 31 October). Thirty days in RFI push the day past it by thirty.
        var events = new (string Stage, string On)[] { ("COM_SUBMITTED", "2025-01-31"), ("COM_RFI", "2025-03-01"), ("COM_REVIEW", "2025-03-31") };
        var clock = StatutoryClock.Compute(events.Select((e, i) => new ClockEvent(e.Stage, D(e.On), i)), Catalog, SivProgram.AF602B, StepModel.DS157, false,
            D("2026-06-01"), settings);

        Assert.Equal(273, clock.LimitDays);
        Assert.Equal(D("2025-12-01"), clock.PastLimitSince);

        var dayBefore = StatutoryClock.Compute(events.Select((e, i) => new ClockEvent(e.Stage, D(e.On), i)), Catalog, SivProgram.AF602B, StepModel.DS157, false,
            D("2025-11-30"), settings);
        Assert.Null(dayBefore.PastLimitSince);
        Assert.Equal(0, dayBefore.DaysRemaining);
        Assert.False(dayBefore.IsPastLimit);
    }

    [Fact]
    public void AnS1059CasePastItsTarget_IsNeverAStatutoryBreach()
    {
        var clock = StatutoryClock.Compute([new ClockEvent("I360_PENDING", D("2024-01-01"))], Catalog, SivProgram.S1059, StepModel.S1059, false, Today, new ClockSettings());

        Assert.True(clock.IsPastLimit);
        Assert.True(clock.IsPastInternalTarget);
        Assert.False(clock.IsStatutoryBreach);
    }
}
