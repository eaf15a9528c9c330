namespace SivTracker.Web.Domain;

// Enum member names are stored as strings and appear in imports, exports and URLs: never rename one.

public enum SivProgram { AF602B, S1059, IQ1244 }

public enum StepModel { DS157, LEGACY, S1059 }

public enum ClockOwner { None, Government, Applicant, Stopped }

public enum ClockState { NotStarted, Running, Paused, Stopped }

public enum Relationship { Principal, Spouse, Child }

/// <summary>
/// How much of a date of birth is known. SolarHijriYear: only the Solar Hijri year, as paper tazkiras give it; the date
/// stored is that year's first day, and the person was born within the year that follows it.
/// </summary>
public enum DatePrecision { Exact, YearOnly, Estimated, SolarHijriYear }

public enum Sex { F, M, X }

public enum TazkiraType { Paper, Electronic }

public enum SafetyStatus { Unknown, InHiding, Displaced, ThirdCountry, DeportationRisk, Safe }

public enum ContactChannelKind { Phone, WhatsApp, Signal, Email }

public enum EmployerType { UsMilitary, UsEmbassyOrAgency, Contractor, IsafResoluteSupport }

public enum ServiceRole { Interpreter, Security, Driver, Engineer, Administrative, Other }

public enum CaseNumberKind { NvcCase, UscisReceipt }

public enum CasePriority { Normal, High, Urgent }

public enum DocumentKind { Ds157, HrLetter, RecommendationLetter, ProofOfNationality, Badge, Ds260, CivilDocuments, Medical }

public enum DocumentStatus { Missing, Requested, Received, Verified, NotAvailable }

/// <summary>What a file kept on a person (not on a checklist item) is.</summary>
public enum PersonFileKind { Tazkira, Passport, Photo, Other }
