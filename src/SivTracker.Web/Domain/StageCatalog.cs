namespace SivTracker.Web.Domain;

/// <summary>The stages of DOMAIN.md §3 as seeded; admins may rename, reorder and re-own them later, never recode them.</summary>
public static class StageCatalog
{
    public const string PreCom = "PRE_COM";
    public const string ComSubmitted = "COM_SUBMITTED";
    public const string ComReview = "COM_REVIEW";
    public const string ComRfi = "COM_RFI";
    public const string ComApproved = "COM_APPROVED";
    public const string ComDenied = "COM_DENIED";
    public const string ComAppeal = "COM_APPEAL";
    public const string I360Prep = "I360_PREP";
    public const string I360Pending = "I360_PENDING";
    public const string Ds260Prep = "DS260_PREP";
    public const string NvcReview = "NVC_REVIEW";
    public const string InterviewPending = "INTERVIEW_PENDING";
    public const string InterviewScheduled = "INTERVIEW_SCHEDULED";
    public const string AdminProcessing = "ADMIN_PROCESSING";
    public const string Medical = "MEDICAL";
    public const string VisaIssued = "VISA_ISSUED";
    public const string Arrived = "ARRIVED";
    public const string Closed = "CLOSED";

    public static IReadOnlyList<Stage> Defaults()
    {
        Stage[] stages =
        [
            Make(PreCom, "Collecting the COM package", ClockOwner.None, ds157: true, legacy: true, s1059: false),
            Make(ComSubmitted, "COM package submitted to NVC", ClockOwner.Government, true, true, false),
            Make(ComReview, "Chief of Mission review", ClockOwner.Government, true, true, false),
            Make(ComRfi, "Applicant asked for more information", ClockOwner.Applicant, true, true, false),
            Make(ComApproved, "COM approved", ClockOwner.Government, true, true, false),
            Make(ComDenied, "COM denied", ClockOwner.Applicant, true, true, false),
            Make(ComAppeal, "COM appeal under review", ClockOwner.Government, true, true, false),
            Make(I360Prep, "Applicant preparing Form I-360", ClockOwner.Applicant, false, true, true),
            Make(I360Pending, "I-360 pending at USCIS", ClockOwner.Government, false, true, true),
            Make(Ds260Prep, "Applicant completing DS-260s and civil documents", ClockOwner.Applicant, true, true, true),
            Make(NvcReview, "NVC reviewing documents", ClockOwner.Government, true, true, true),
            Make(InterviewPending, "Documentarily complete, awaiting interview", ClockOwner.Government, true, true, true),
            Make(InterviewScheduled, "Interview scheduled or held", ClockOwner.Government, true, true, true),
            Make(AdminProcessing, "Administrative processing (221(g))", ClockOwner.Government, true, true, true),
            Make(Medical, "Applicant completing the medical exam", ClockOwner.Applicant, true, true, true),
            Make(VisaIssued, "Visa issued", ClockOwner.Stopped, true, true, true),
            Make(Arrived, "Arrived in the United States", ClockOwner.Stopped, true, true, true, terminal: true),
            Make(Closed, "Withdrawn, refused or terminated", ClockOwner.Stopped, true, true, true, terminal: true),
        ];
        // Steps of ten let an admin slot a stage between two others without renumbering.
        for (var i = 0; i < stages.Length; i++)
        {
            stages[i].SortOrder = (i + 1) * 10;
        }
        return stages;
    }

    private static Stage Make(string code, string name, ClockOwner owner, bool ds157, bool legacy, bool s1059, bool terminal = false) =>
        new()
        {
            Code = code, Name = name, ClockOwner = owner, IsTerminal = terminal,
            InDs157 = ds157, InLegacy = legacy, InS1059 = s1059,
        };

    /// <summary>DOMAIN.md §3: the date the State Department's revised DS-157 replaced the separate I-360.</summary>
    public static readonly DateOnly Ds157ModelFrom = new(2022, 7, 20);

    public static StepModel DefaultStepModel(SivProgram program, DateOnly? comSubmittedOn) => program switch
    {
        SivProgram.S1059 => StepModel.S1059,
        SivProgram.IQ1244 => StepModel.LEGACY,
        _ => comSubmittedOn is { } submitted && submitted < Ds157ModelFrom ? StepModel.LEGACY : StepModel.DS157,
    };

    /// <summary>The stage whose entry starts the statutory clock for a step model.</summary>
    public static string ClockStartStage(StepModel model) => model == StepModel.S1059 ? I360Pending : ComSubmitted;

    /// <summary>The first stage of a new case.</summary>
    public static string FirstStage(StepModel model) => model == StepModel.S1059 ? I360Prep : PreCom;
}
