namespace SivTracker.Web.Domain;

/// <summary>
/// A case guards its own history (DOMAIN.md §3, §6): opening creates its first event and its whole checklist, and every
/// stage change, correction and void passes <see cref="StageRules"/>, whoever asks: a page, the import, the demo data or
/// the API. Callers load <see cref="StageEvents"/> (and <see cref="Documents"/> where they add people) before calling.
/// </summary>
public partial class Case
{
    /// <summary>Who records a change and when; null user for the import's CLI and the demo generator.</summary>
    public readonly record struct Actor(Guid? UserId, DateTimeOffset At);

    /// <summary>
    /// A new case at the first stage of its step model, opened on the given date, with the COM package (unless S1059)
    /// and the per-person items of every family member already known.
    /// </summary>
    public static Case Open(Guid organisationId, string reference, Guid principalId, IEnumerable<Guid> family, SivProgram program, StepModel model,
        DateOnly openedOn, Actor actor, string note = "Case opened.")
    {
        var @case = new Case
        {
            OrganisationId = organisationId, Reference = reference, PrincipalId = principalId, Program = program, StepModel = model,
            CurrentStageCode = StageCatalog.FirstStage(model), CurrentStageEnteredOn = openedOn,
        };
        @case.StageEvents.Add(@case.NewEvent(null, StageCatalog.FirstStage(model), openedOn, actor, note));
        if (model != StepModel.S1059)
        {
            foreach (var kind in Checklist.ComPackage.Append(DocumentKind.Badge))
            {
                @case.Documents.Add(new DocumentItem { OrganisationId = organisationId, CaseId = @case.Id, Kind = kind });
            }
        }
        foreach (var personId in family.Distinct())
        {
            @case.AddFamilyMember(personId);
        }
        return @case;
    }

    /// <summary>The DS-260, civil documents and medical items a person added to the family needs; returns the new items.</summary>
    public IReadOnlyList<DocumentItem> AddFamilyMember(Guid personId)
    {
        var items = Checklist.PerFamilyMember.Where(kind => !Documents.Any(d => d.PersonId == personId && d.Kind == kind))
            .Select(kind => new DocumentItem { OrganisationId = OrganisationId, CaseId = Id, PersonId = personId, Kind = kind })
            .ToList();
        Documents.AddRange(items);
        return items;
    }

    /// <summary>Marks the COM package received on the date it was submitted, as a caseworker who opens a case at submission does.</summary>
    public void PackageReceivedOn(DateOnly on)
    {
        foreach (var item in Documents.Where(d => Checklist.ComPackage.Contains(d.Kind) && !Checklist.IsIn(d.Status)))
        {
            item.Status = DocumentStatus.Received;
            item.StatusOn = on;
        }
    }

    /// <summary>The live history in the one order the clock and the rules read it.</summary>
    public List<StageEvent> LiveHistory(IReadOnlyDictionary<string, Stage> catalog) => StatutoryClock.InOrder(StageEvents.Where(e => !e.IsVoided), catalog);

    /// <summary>Records a move to another stage, or says which rule refuses it. The new event is the last of <see cref="StageEvents"/>.</summary>
    public StageChangeError? Record(IReadOnlyDictionary<string, Stage> catalog, string to, DateOnly effectiveOn, DateOnly today, Actor actor,
        string? note = null, string? reason = null, Guid? idempotencyKey = null)
    {
        var live = LiveHistory(catalog);
        // The opening event dates the record, not the process: history from before it may still be logged.
        var previous = live.LastOrDefault(e => e.FromStageCode is not null)?.EffectiveOn;
        var from = live.Count > 0 ? live[^1].ToStageCode : StageCatalog.FirstStage(StepModel);
        var error = StageRules.CheckDate(effectiveOn, today, previous, isCorrection: false)
            ?? StageRules.Check(catalog, StepModel, from, to, reason is not null, hadAppeal: live.Any(e => e.ToStageCode == StageCatalog.ComAppeal));
        if (error is not null) return error;
        var added = NewEvent(from, to, effectiveOn, actor, note);
        added.Reason = reason;
        added.IdempotencyKey = idempotencyKey;
        StageEvents.Add(added);
        return null;
    }

    /// <summary>
    /// Replaces a wrong event: it is voided with the reason and the right one recorded in its place. The history that
    /// results must still pass the rules from the corrected point on.
    /// </summary>
    public StageChangeError? Correct(IReadOnlyDictionary<string, Stage> catalog, StageEvent wrong, string to, DateOnly effectiveOn, DateOnly today, Actor actor,
        string reason, string? note = null, Guid? idempotencyKey = null)
    {
        if (!catalog.TryGetValue(to, out var stage) || !stage.IsIn(StepModel)) return new StageChangeError.NotInStepModel(to, StepModel);
        if (StageRules.CheckDate(effectiveOn, today, null, isCorrection: true) is { } dateError) return dateError;
        var corrected = NewEvent(wrong.FromStageCode, to, effectiveOn, actor, note);
        corrected.Reason = reason;
        corrected.CorrectsEventId = wrong.Id;
        corrected.IdempotencyKey = idempotencyKey;
        return ChangeHistory(catalog, wrong, corrected, actor, $"Corrected: {reason}");
    }

    /// <summary>Voids a wrong event; it stays in the timeline, struck through. The history without it must still pass the rules.</summary>
    public StageChangeError? Void(IReadOnlyDictionary<string, Stage> catalog, StageEvent wrong, Actor actor, string reason) =>
        ChangeHistory(catalog, wrong, null, actor, reason);

    private StageChangeError? ChangeHistory(IReadOnlyDictionary<string, Stage> catalog, StageEvent wrong, StageEvent? replacement, Actor actor, string voidReason)
    {
        var before = LiveHistory(catalog);
        var after = StatutoryClock.InOrder(before.Where(e => e != wrong).Concat(replacement is null ? [] : [replacement]), catalog);
        var changedFrom = Enumerable.Range(0, before.Count).FirstOrDefault(i => i >= after.Count || before[i] != after[i], before.Count);
        if (StageRules.CheckHistory(catalog, StepModel, after, Math.Max(1, changedFrom)) is { } error)
        {
            return new StageChangeError.HistoryBroken(error);
        }
        wrong.VoidedAt = actor.At;
        wrong.VoidedById = actor.UserId;
        wrong.VoidReason = voidReason;
        if (replacement is not null) StageEvents.Add(replacement);
        return null;
    }

    private StageEvent NewEvent(string? from, string to, DateOnly on, Actor actor, string? note) => new()
    {
        OrganisationId = OrganisationId, CaseId = Id, FromStageCode = from, ToStageCode = to, EffectiveOn = on,
        RecordedAt = actor.At, RecordedById = actor.UserId, Note = note,
    };
}
