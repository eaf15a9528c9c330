using SivTracker.Web.Domain;

namespace SivTracker.Web.Pages.Cases;

public static class CaseDocuments
{
    /// <summary>The four documents of a complete Chief of Mission package; the badge is optional.</summary>
    public static readonly DocumentKind[] ComPackage = [DocumentKind.Ds157, DocumentKind.HrLetter, DocumentKind.RecommendationLetter, DocumentKind.ProofOfNationality];

    public static bool IsIn(DocumentStatus status) => status is DocumentStatus.Received or DocumentStatus.Verified;

    public static string Label(DocumentKind kind) => kind switch
    {
        DocumentKind.Ds157 => "DS-157 petition / application",
        DocumentKind.HrLetter => "HR employment letter",
        DocumentKind.RecommendationLetter => "Supervisor's recommendation letter",
        DocumentKind.ProofOfNationality => "Proof of nationality",
        DocumentKind.Badge => "Badge (optional)",
        DocumentKind.Ds260 => "DS-260",
        DocumentKind.CivilDocuments => "Civil documents",
        _ => "Medical exam",
    };
}
