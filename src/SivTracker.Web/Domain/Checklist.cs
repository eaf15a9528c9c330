namespace SivTracker.Web.Domain;

/// <summary>The document checklist of DOMAIN.md §6: what a case must collect, and when its COM package is complete.</summary>
public static class Checklist
{
    /// <summary>The four documents of a complete Chief of Mission package; the badge is optional.</summary>
    public static readonly DocumentKind[] ComPackage = [DocumentKind.Ds157, DocumentKind.HrLetter, DocumentKind.RecommendationLetter, DocumentKind.ProofOfNationality];

    /// <summary>What each family member (the principal included) needs once the case reaches the consular stages.</summary>
    public static readonly DocumentKind[] PerFamilyMember = [DocumentKind.Ds260, DocumentKind.CivilDocuments, DocumentKind.Medical];

    public static bool IsIn(DocumentStatus status) => status is DocumentStatus.Received or DocumentStatus.Verified;

    /// <summary>
    /// The date the last COM package document came in, when all four are in and the clock has not started yet: the
    /// moment to offer recording the submission. Null otherwise.
    /// </summary>
    public static DateOnly? PackageCompleteOn(IEnumerable<(DocumentKind Kind, DocumentStatus Status, DateOnly? StatusOn)> items, ClockState clock, DateOnly today)
    {
        if (clock != ClockState.NotStarted) return null;
        var package = items.Where(i => ComPackage.Contains(i.Kind)).ToList();
        return package.Count == ComPackage.Length && package.All(i => IsIn(i.Status)) ? package.Max(i => i.StatusOn) ?? today : null;
    }

    public static string Label(DocumentKind kind) => kind switch
    {
        DocumentKind.Ds157 => Text.T("DS-157 petition / application"),
        DocumentKind.HrLetter => Text.T("HR employment letter"),
        DocumentKind.RecommendationLetter => Text.T("Supervisor's recommendation letter"),
        DocumentKind.ProofOfNationality => Text.T("Proof of nationality"),
        DocumentKind.Badge => Text.T("Badge (optional)"),
        DocumentKind.Ds260 => Text.T("DS-260"),
        DocumentKind.CivilDocuments => Text.T("Civil documents"),
        _ => Text.T("Medical exam"),
    };
}
