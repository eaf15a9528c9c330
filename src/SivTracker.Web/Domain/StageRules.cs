namespace SivTracker.Web.Domain;

/// <summary>A refused stage change, with the message the caseworker reads.</summary>
public abstract record StageChangeError(string Message)
{
    public sealed record NotInStepModel(string Stage, StepModel Model)
        : StageChangeError(Text.T("{0} is not a stage of the {1} process.", Stage, Model));

    public sealed record AlreadyThere(string Stage)
        : StageChangeError(Text.T("The case is already at {0}.", Stage));

    public sealed record BackwardNeedsReason(string From, string To)
        : StageChangeError(Text.T("Moving back from {0} to {1} needs a reason: say why in the reason field.", From, To));

    public sealed record ReopenNeedsReason(string From)
        : StageChangeError(Text.T("The case is {0}. Reopening it needs a reason.", From));

    public sealed record DenialOnlyFromReview(string From)
        : StageChangeError(Text.T("A COM denial follows Chief of Mission review or an appeal, not {0}.", From));

    public sealed record AppealOnlyAfterDenial(string From)
        : StageChangeError(Text.T("An appeal can only follow a COM denial, not {0}.", From));

    public sealed record OnlyOneAppeal()
        : StageChangeError(Text.T("The law allows one COM appeal only, and this case has had it."));

    public sealed record DateInFuture(DateOnly Date)
        : StageChangeError(Text.T("The effective date {0} is in the future. Record changes once they happen.", Text.Day(Date)));

    public sealed record HistoryBroken(StageChangeError Rule)
        : StageChangeError(Text.T("The history would break a rule: {0} Void or correct the later events first.", Rule.Message));

    public sealed record DateBeforePrevious(DateOnly Date, DateOnly Previous)
        : StageChangeError(Text.T("The effective date {0} is before the last recorded change ({1}). Correct the earlier event instead.", Text.Day(Date), Text.Day(Previous)));
}

/// <summary>
/// Which stage changes a caseworker may record (DOMAIN.md §3): forward along the step model, skipping stages when the
/// NGO learns of a step late; the RFI and appeal loops; closing from any stage; anything backward, and reopening a
/// closed case, with a reason.
/// </summary>
public static class StageRules
{
    public sealed record Move(string To, bool NeedsReason);

    public static StageChangeError? Check(
        IReadOnlyDictionary<string, Stage> catalog, StepModel model, string from, string to, bool hasReason, bool hadAppeal)
    {
        if (!catalog.TryGetValue(to, out var target) || !target.IsIn(model))
        {
            return new StageChangeError.NotInStepModel(to, model);
        }
        if (from == to)
        {
            return new StageChangeError.AlreadyThere(to);
        }
        if (to == StageCatalog.ComAppeal && hadAppeal)
        {
            return new StageChangeError.OnlyOneAppeal();
        }
        if (to == StageCatalog.ComAppeal && from != StageCatalog.ComDenied)
        {
            return new StageChangeError.AppealOnlyAfterDenial(from);
        }
        if (to == StageCatalog.ComDenied && from is not (StageCatalog.ComSubmitted or StageCatalog.ComReview or StageCatalog.ComRfi or StageCatalog.ComAppeal))
        {
            return new StageChangeError.DenialOnlyFromReview(from);
        }
        if (NeedsReason(catalog, from, to) && !hasReason)
        {
            return catalog.TryGetValue(from, out var current) && current.IsTerminal
                ? new StageChangeError.ReopenNeedsReason(from)
                : new StageChangeError.BackwardNeedsReason(from, to);
        }
        return null;
    }

    /// <summary>The stages offered in the form, each saying whether it needs a reason.</summary>
    public static IReadOnlyList<Move> AllowedMoves(IReadOnlyDictionary<string, Stage> catalog, StepModel model, string from, bool hadAppeal) =>
        catalog.Values.Where(s => s.IsIn(model)).OrderBy(s => s.SortOrder)
            .Where(s => Check(catalog, model, from, s.Code, hasReason: true, hadAppeal) is null)
            .Select(s => new Move(s.Code, NeedsReason(catalog, from, s.Code)))
            .ToList();

    public static bool NeedsReason(IReadOnlyDictionary<string, Stage> catalog, string from, string to)
    {
        if (to == StageCatalog.Closed || IsLoop(from, to)) return false;
        if (!catalog.TryGetValue(from, out var current) || !catalog.TryGetValue(to, out var target)) return true;
        return current.IsTerminal || target.SortOrder < current.SortOrder;
    }

    /// <summary>The loops of the process, which go back in catalog order without being corrections.</summary>
    private static bool IsLoop(string from, string to) => (from, to) switch
    {
        (StageCatalog.ComRfi, StageCatalog.ComReview or StageCatalog.ComSubmitted) => true,
        (StageCatalog.ComAppeal, StageCatalog.ComApproved or StageCatalog.ComDenied) => true,
        (StageCatalog.ComDenied, StageCatalog.ComApproved) => true,
        _ => false,
    };

    /// <summary>
    /// Replays a history (put in order by <see cref="StatutoryClock.InOrder"/>) move by move from the given position and
    /// returns the first rule it breaks: how imports, corrections and voids are held to the rules a single change meets.
    /// </summary>
    public static StageChangeError? CheckHistory(IReadOnlyDictionary<string, Stage> catalog, StepModel model, IReadOnlyList<StageEvent> ordered, int from = 1)
    {
        for (var i = Math.Max(1, from); i < ordered.Count; i++)
        {
            var hadAppeal = ordered.Take(i).Any(e => e.ToStageCode == StageCatalog.ComAppeal);
            if (Check(catalog, model, ordered[i - 1].ToStageCode, ordered[i].ToStageCode, ordered[i].Reason is not null, hadAppeal) is { } error)
            {
                return error;
            }
        }
        return null;
    }

    /// <summary>Effective dates are real dates: not in the future, and in order unless the event corrects an earlier one.</summary>
    public static StageChangeError? CheckDate(DateOnly effectiveOn, DateOnly today, DateOnly? previous, bool isCorrection)
    {
        if (effectiveOn > today) return new StageChangeError.DateInFuture(effectiveOn);
        if (!isCorrection && previous is { } last && effectiveOn < last) return new StageChangeError.DateBeforePrevious(effectiveOn, last);
        return null;
    }
}
