using System.Text.RegularExpressions;

namespace SivTracker.Web.Domain;

public enum LetterKind { ExpediteRequest, CongressionalInquiry, PrivacyRelease, SupervisorRecommendationRequest }

/// <summary>An organisation's own text for one kind of letter; without one the built-in text of <see cref="Letters"/> is used.</summary>
public class LetterTemplate : OwnedEntity
{
    public LetterKind Kind { get; set; }

    /// <summary>Plain text with {{merge.fields}}; a blank line starts a new paragraph.</summary>
    public required string Body { get; set; }
}

/// <summary>
/// Letters merged from a case: the fields a template may use, the built-in texts, and the merge itself. Values go in
/// as text, never as markup, so nothing in an applicant's record can change the letter's layout.
/// </summary>
public static partial class Letters
{
    /// <summary>Where a field has no value, a gap the caseworker fills in by hand.</summary>
    public const string Gap = "__________";

    public static readonly IReadOnlyList<string> Fields =
    [
        "today", "organisation.name",
        "person.full_name", "person.given_names", "person.family_name", "person.native_name", "person.fathers_name", "person.date_of_birth",
        "case.reference", "case.program", "case.nvc_case_number", "case.uscis_receipt_number", "case.stage", "case.clock_started_on",
        "case.government_days", "case.applicant_days", "case.limit_days", "case.days_over",
        "service.employer", "service.role", "service.start", "service.end", "service.location", "service.supervisor_name",
        "caseworker.name", "caseworker.email",
    ];

    public static IEnumerable<string> UnknownFields(string body) =>
        Field().Matches(body).Select(m => m.Groups["name"].Value).Where(name => !Fields.Contains(name)).Distinct();

    public static string Merge(string body, IReadOnlyDictionary<string, string?> values) =>
        Field().Replace(body, m => values.GetValueOrDefault(m.Groups["name"].Value) is { Length: > 0 } value ? value : Gap);

    /// <summary>Paragraphs of a merged letter, each a list of lines.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Paragraphs(string merged) =>
        BlankLine().Split(merged.Replace("\r\n", "\n").Trim()).Select(p => (IReadOnlyList<string>)p.Split('\n')).ToList();

    /// <summary>A letter reads right to left when its first letter is Arabic script (a template written in Dari or Pashto).</summary>
    public static bool IsRightToLeft(string text) =>
        Text.IsRightToLeftScript(text.FirstOrDefault(char.IsLetter));

    public static string BuiltIn(LetterKind kind) => kind switch
    {
        LetterKind.ExpediteRequest => """
            {{organisation.name}}
            {{today}}

            To: National Visa Center, Chief of Mission SIV Unit
            Re: Request to expedite the Special Immigrant Visa case of {{person.full_name}} ({{case.nvc_case_number}})

            We write on behalf of {{person.full_name}}, who served as {{service.role}} with {{service.employer}} from {{service.start}} to {{service.end}}.

            The complete application was submitted on {{case.clock_started_on}}. Since then the government has held the case for {{case.government_days}} days, against a limit of {{case.limit_days}} days; it is {{case.days_over}} days past that limit. The case is now at this stage: {{case.stage}}.

            The law says these steps "should be completed not later than 9 months after the date on which an eligible alien submits all required materials". {{person.full_name}} remains in danger because of this service. We ask that the case be expedited.

            Sincerely,
            {{caseworker.name}}
            {{caseworker.email}}
            {{organisation.name}}
            """,
        LetterKind.CongressionalInquiry => """
            {{organisation.name}}
            {{today}}

            To the office of the Representative or Senator
            Re: Congressional inquiry for the Special Immigrant Visa case of {{person.full_name}} ({{case.nvc_case_number}})

            We ask your office to make an inquiry with the Department of State about the Special Immigrant Visa case of {{person.full_name}}, who served as {{service.role}} with {{service.employer}}.

            The complete application was submitted on {{case.clock_started_on}}. The government has held the case for {{case.government_days}} days; the statutory limit is {{case.limit_days}} days, and the case is {{case.days_over}} days past it. It is now at this stage: {{case.stage}}.

            The applicant's signed privacy release is enclosed, with our evidence packet for the case (our reference {{case.reference}}).

            Sincerely,
            {{caseworker.name}}
            {{caseworker.email}}
            {{organisation.name}}
            """,
        LetterKind.PrivacyRelease => """
            Privacy Act release

            I, {{person.full_name}}, born {{person.date_of_birth}}, authorize the office of ______________________, Member of Congress, to receive information about my Special Immigrant Visa case ({{case.nvc_case_number}}, {{case.uscis_receipt_number}}) from the Department of State, the National Visa Center and U.S. Citizenship and Immigration Services, and to share it with {{organisation.name}}, who helps me with this case.

            Signature: ______________________
            Date: ______________________
            """,
        _ => """
            {{organisation.name}}
            {{today}}

            Dear {{service.supervisor_name}},

            {{person.full_name}} worked as {{service.role}} with {{service.employer}} from {{service.start}} to {{service.end}}, in {{service.location}}, and names you as their supervisor.

            To apply for a Special Immigrant Visa, {{person.full_name}} needs a letter of recommendation from a U.S. citizen supervisor that describes their faithful and valuable service and confirms the dates. We can send you the State Department's guidance for the letter.

            Thank you for helping someone who helped the United States.

            {{caseworker.name}}
            {{caseworker.email}}
            {{organisation.name}}
            """,
    };

    [GeneratedRegex(@"\{\{\s*(?<name>[A-Za-z_.]+)\s*\}\}")]
    private static partial Regex Field();

    [GeneratedRegex(@"\n[ \t]*\n+")]
    private static partial Regex BlankLine();
}
