using SivTracker.Web.Infrastructure;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Imports;

/// <summary>
/// Limits that keep one spreadsheet from taking the server down: each is checked before the memory it guards is
/// allocated (ImportFile), and each refusal names its key.
/// </summary>
public sealed record ImportSettings
{
    /// <summary>The largest file an import accepts, from the page or the command line.</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>The most all the parts of an XLSX workbook may unpack to together.</summary>
    public long MaxUncompressedBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>How many times its packed size a part of an XLSX workbook may unpack to; real sheets stay far below.</summary>
    public int MaxCompressionRatio { get; init; } = 100;

    /// <summary>Rows below the header; in XLSX also the largest row number a cell may have (the header's row and this many more).</summary>
    public int MaxRows { get; init; } = 200_000;

    /// <summary>Columns of a row; in XLSX also the furthest column a cell reference may name.</summary>
    public int MaxColumns { get; init; } = 200;

    /// <summary>Cells of the rows kept (rows with any text), every cell a row spans counting, empty or not.</summary>
    public int MaxCells { get; init; } = 2_000_000;
}

/// <summary>
/// Imports an NGO's spreadsheet: one row per person, rows sharing a case_ref form one family. A dry run reports every
/// problem as row, column, value and message and what would change; a commit re-plans inside one transaction and
/// writes everything or nothing. Re-importing the same file changes nothing; a changed stage date is recorded as a
/// correction, the old event voided with its reason.
/// </summary>
public sealed class SpreadsheetImport(AppDbContext db, ClockRecompute clocks, TimeProvider time, Audit audit, ILogger<SpreadsheetImport> logger)
{
    public sealed record Column(string Name, string Description, bool Required = false, bool PrincipalOnly = false);

    public static readonly Column[] Columns =
    [
        new("case_ref", "Your organisation's case reference; rows with the same reference form one family. Re-importing a reference updates that case.", Required: true),
        new("relationship", "principal, spouse or child; exactly one principal per case_ref.", Required: true),
        new("given_names", "As in the passport or tazkira; FNU allowed.", Required: true),
        new("family_name", "Optional: many Afghans have none."),
        new("father_name", "Father's name."),
        new("other_spellings", "Other spellings of the name, separated by ;"),
        new("native_name", "Full name in Dari or Pashto."),
        new("date_of_birth", "YYYY-MM-DD, or YYYY when only the year is known."),
        new("sex", "F, M or X."),
        new("tazkira", "Tazkira number exactly as written."),
        new("passport_number", "Passport number."),
        new("passport_expiry", "YYYY-MM-DD."),
        new("phone", "With country code, e.g. +93 70 123 4567."),
        new("email", "Email address."),
        new("current_country", "ISO 3166 two-letter code, e.g. AF, PK."),
        new("safety_status", "Unknown, InHiding, Displaced, ThirdCountry, DeportationRisk or Safe."),
        new("program", "AF602B, S1059 or IQ1244.", PrincipalOnly: true),
        new("step_model", "DS157, LEGACY or S1059; empty for the rule (by program and COM submission date).", PrincipalOnly: true),
        new("nvc_case_number", "3 letters and 10 digits.", PrincipalOnly: true),
        new("uscis_receipt_number", "3 letters and 10 digits.", PrincipalOnly: true),
        new("caseworker_email", "A user of your organisation.", PrincipalOnly: true),
        new("high_risk", "yes or no.", PrincipalOnly: true),
        new("employer", "Unit, embassy, agency or company of the main service record.", PrincipalOnly: true),
        new("role", "Interpreter, Security, Driver, Engineer, Administrative or Other.", PrincipalOnly: true),
        new("service_start", "YYYY-MM-DD.", PrincipalOnly: true),
        new("service_end", "YYYY-MM-DD.", PrincipalOnly: true),
        new("current_stage", "Instead of a date per stage: the stage code the case is at now, with stage_since. The case gets a one-event history, noted as such.", PrincipalOnly: true),
        new("stage_since", "YYYY-MM-DD: when the case reached current_stage.", PrincipalOnly: true),
    ];

    /// <summary>
    /// The column a header names, in any of SivTracker's languages: a template downloaded in Dari or Pashto has its
    /// headers in that language ("شماره پرونده" is case_ref), and reads back the same as the English one.
    /// </summary>
    public static string CanonicalHeader(string header) => HeadersByName.Value.GetValueOrDefault(header.Trim(), header);

    private static readonly Lazy<Dictionary<string, string>> HeadersByName = new(() =>
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var language in Domain.Text.Languages.Where(l => l != Domain.Text.English))
        {
            foreach (var column in Columns)
            {
                if (Domain.Text.All(language).TryGetValue(column.Name, out var translated)) byName.TryAdd(translated, column.Name);
            }
        }
        return byName;
    });

    /// <summary>The note on a stage event that a sheet's "current stage" column made: the stages before it are unknown.</summary>
    public const string CurrentStageNote = "Imported as the case's current stage; the sheet did not say which stages came before.";

    /// <summary>
    /// A refused cell. Its text is shown with invisible and direction-changing characters written as code points, so
    /// echoing a value back on the page or the terminal cannot reorder what is around it.
    /// </summary>
    public sealed record Problem(int Row, string Column, string Value, string Message)
    {
        public string Column { get; init; } = TextSafety.Revealed(Column);
        public string Value { get; init; } = TextSafety.Revealed(Value);
        public string Message { get; init; } = TextSafety.Revealed(Message);
    }

    public sealed record Summary(int CasesCreated, int CasesUpdated, int CasesUnchanged, int PeopleCreated, int PeopleUpdated, int PeopleUnchanged, int StageEventsAdded);

    public enum Change { Created, Updated, Unchanged }

    /// <summary>What the import does with one case of the file, named by the row of its principal.</summary>
    public sealed record CaseChange(int Row, string Reference, Change Change);

    /// <summary>A new principal whose name (in any spelling) and birth year match people already in SivTracker.</summary>
    public sealed record PossibleDuplicate(int Row, string Name, int BirthYear, IReadOnlyList<SimilarNames.Match> Matches);

    public sealed record Outcome(IReadOnlyList<Problem> Problems, Summary Summary, string? Notice, bool Committed)
    {
        public IReadOnlyList<CaseChange> Changes { get; init; } = [];
        public IReadOnlyList<PossibleDuplicate> Duplicates { get; init; } = [];
        public IReadOnlyList<string> Notices { get; init; } = [];

        /// <summary>How many new principals were compared with the people already in SivTracker.</summary>
        public int DuplicatesChecked { get; init; }
    }

    /// <summary>New principals compared with everyone already in SivTracker on a dry run: each is a name search.</summary>
    public const int MaxDuplicateChecks = 200;

    private static readonly Summary Nothing = new(0, 0, 0, 0, 0, 0, 0);

    private sealed record PersonRow(int Row, Relationship Relationship, string GivenNames, string? FamilyName, string? FatherName, string[] Spellings,
        string? NativeName, DateOnly? DateOfBirth, DatePrecision Precision, Sex? Sex, string? Tazkira, string? Passport, DateOnly? PassportExpiry,
        string? Phone, string? Email, string? Country, SafetyStatus Safety);

    private sealed record CaseRow(string Reference, PersonRow Principal, List<PersonRow> Family, SivProgram Program, StepModel? StepModel,
        string? NvcNumber, string? UscisNumber, Guid? CaseworkerId, bool HighRisk, string? Employer, ServiceRole? Role, DateOnly? ServiceStart,
        DateOnly? ServiceEnd, List<(string Stage, DateOnly On)> Stages, bool CurrentStageOnly);

    /// <summary>
    /// Checks the file and, when committing, imports it. A file in the organisation's own layout is read through its
    /// mapping first; what the mapping finds wrong and what the import finds wrong are reported together, each naming
    /// the file's own column. <paramref name="attach"/> names, by the row of a new case's principal, a person already
    /// in SivTracker the admin said the row is: the case opens for them instead of a new person.
    /// </summary>
    public async Task<Outcome> RunAsync(ImportFile.Sheet sheet, Guid organisationId, Guid? userId, bool commit, CancellationToken ct, ImportMapping? mapping = null,
        IReadOnlyDictionary<int, Guid>? attach = null)
    {
        using var span = Telemetry.Source.StartActivity("import");
        var outcome = await ImportAsync(sheet, organisationId, userId, commit, mapping, attach ?? new Dictionary<int, Guid>(), ct);
        var result = outcome.Committed ? "committed" : outcome.Problems.Count > 0 ? "refused" : "checked";
        Telemetry.Imports.Add(1, Telemetry.Tag("outcome", result));
        span?.SetTag("sivtracker.outcome", result);
        if (outcome.Committed)
        {
            Telemetry.ImportedCases.Add(outcome.Summary.CasesCreated, Telemetry.Tag("change", "created"));
            Telemetry.ImportedCases.Add(outcome.Summary.CasesUpdated, Telemetry.Tag("change", "updated"));
        }
        return outcome;
    }

    private async Task<Outcome> ImportAsync(ImportFile.Sheet sheet, Guid organisationId, Guid? userId, bool commit, ImportMapping? mapping,
        IReadOnlyDictionary<int, Guid> attach, CancellationToken ct)
    {
        db.Database.SetCommandTimeout(AppDbContext.BatchCommandTimeoutSeconds);
        var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
        var today = await clocks.TodayForAsync(organisationId, ct);
        var problems = new List<Problem>();
        ImportMapping.Mapped? mapped = null;
        if (mapping is null)
        {
            // The template in Dari or Pashto names the same columns in its own language.
            sheet = sheet with { Headers = sheet.Headers.Select(CanonicalHeader).ToList() };
        }
        else
        {
            mapped = mapping.Apply(sheet, catalog.Values);
            sheet = mapped.Sheet;
        }
        var cases = await ValidateAsync(sheet, organisationId, catalog, today, problems, ct);
        Outcome Finish(Outcome outcome) => mapped is null ? outcome : outcome with
        {
            Problems = mapped.Problems.Concat(outcome.Problems.Select(p => p with { Column = mapped.SourceColumn(p.Row, p.Column, p.Value) ?? p.Column }))
                .OrderBy(p => p.Row).ToList(),
            Notices = mapped.Notices,
        };
        if (mapped is { Problems.Count: > 0 }) return Finish(new Outcome(problems, Nothing, sheet.Notice, false));
        if (problems.Count > 0 || !commit)
        {
            if (problems.Count > 0) return Finish(new Outcome(problems, Nothing, sheet.Notice, false));
            var (dry, changes) = await ApplyAsync(cases, organisationId, userId, catalog, today, write: false, problems, attach, ct);
            var created = cases.Where(c => !attach.ContainsKey(c.Principal.Row) && changes.Any(x => x.Reference == c.Reference && x.Change == Change.Created)).ToList();
            var duplicates = await PossibleDuplicatesAsync(created.Take(MaxDuplicateChecks), ct);
            return Finish(new Outcome(problems, dry, sheet.Notice, false)
            {
                Changes = changes, Duplicates = duplicates, DuplicatesChecked = Math.Min(created.Count, MaxDuplicateChecks),
            });
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (summary, applied) = await ApplyAsync(cases, organisationId, userId, catalog, today, write: true, problems, attach, ct);
        // A re-import's new stage dates meet the rules against the case as it is in the database, so they are known only here.
        if (problems.Count > 0) return Finish(new Outcome(problems, Nothing, sheet.Notice, false));
        await transaction.CommitAsync(ct);
        logger.LogInformation("Import committed in organisation {OrganisationId}: {Created} cases created, {Updated} updated", organisationId, summary.CasesCreated, summary.CasesUpdated);
        return Finish(new Outcome(problems, summary, sheet.Notice, true) { Changes = applied });
    }

    /// <summary>The registration form's duplicate rule (SimilarNames.BornSameYearAsync), for each new principal with a birth year.</summary>
    private async Task<List<PossibleDuplicate>> PossibleDuplicatesAsync(IEnumerable<CaseRow> created, CancellationToken ct)
    {
        var found = new List<PossibleDuplicate>();
        foreach (var row in created)
        {
            var principal = row.Principal;
            if (principal.DateOfBirth is not { } born) continue;
            var name = Domain.Person.FormatName(principal.GivenNames, principal.FamilyName);
            var matches = await SimilarNames.BornSameYearAsync(db, NameNormaliser.Normalise(name), Domain.Person.BirthYearSpan(born, principal.Precision)!.Value, ct);
            if (matches.Count > 0) found.Add(new PossibleDuplicate(principal.Row, name, born.Year, matches.Take(5).ToList()));
        }
        return found;
    }

    private async Task<List<CaseRow>> ValidateAsync(ImportFile.Sheet sheet, Guid organisationId, IReadOnlyDictionary<string, Stage> catalog, DateOnly today,
        List<Problem> problems, CancellationToken ct)
    {
        var known = Columns.Select(c => c.Name).Concat(catalog.Keys.Select(k => k.ToLowerInvariant())).ToHashSet();
        var headers = sheet.Headers.Select(h => h.ToLowerInvariant()).ToList();
        foreach (var header in headers.Where(h => h.Length > 0 && !known.Contains(h)).Distinct())
        {
            problems.Add(new Problem(1, header, header, T("Unknown column '{0}'. Use the template's column names or a stage code, or map the file's columns.", header)));
        }
        foreach (var missing in Columns.Where(c => c.Required && !headers.Contains(c.Name)))
        {
            problems.Add(new Problem(1, missing.Name, "", T("The required column '{0}' is missing.", missing.Name)));
        }
        if (problems.Count > 0) return [];
        var users = await db.Users.AsNoTracking().Where(u => u.OrganisationId == organisationId && u.Email != null)
            .ToDictionaryAsync(u => u.Email!.ToLowerInvariant(), u => u.Id, ct);

        var positions = headers.Select((h, i) => (h, i)).GroupBy(x => x.h).ToDictionary(g => g.Key, g => g.First().i);
        var rows = new List<(int Row, Func<string, string?> Get)>();
        for (var i = 0; i < sheet.Rows.Count; i++)
        {
            var cells = sheet.Rows[i];
            Func<string, string?> get = name =>
                positions.TryGetValue(name, out var index) && index < cells.Length && cells[index].Trim().Length > 0 ? Unprotect(cells[index].Trim()) : null;
            rows.Add((sheet.RowNumber(i), get));
        }
        if (rows.Count == 0) problems.Add(new Problem(2, "case_ref", "", T("The file has headers but no rows.")));

        var result = new List<CaseRow>();
        foreach (var group in rows.GroupBy(r => r.Get("case_ref") ?? ""))
        {
            var principalRows = group.Where(r => r.Get("relationship")?.ToLowerInvariant() == "principal").ToList();
            if (group.Key.Length == 0)
            {
                foreach (var r in group) problems.Add(new Problem(r.Row, "case_ref", "", T("Every row needs a case_ref.")));
                continue;
            }
            if (principalRows.Count == 0)
            {
                foreach (var r in group) problems.Add(new Problem(r.Row, "relationship", r.Get("relationship") ?? "", T("Case {0} has no principal row: family members need their principal in the same file.", group.Key)));
                continue;
            }
            if (principalRows.Count > 1)
            {
                foreach (var r in principalRows.Skip(1)) problems.Add(new Problem(r.Row, "relationship", "principal", T("Case {0} already has a principal (row {1}).", group.Key, principalRows[0].Row)));
                continue;
            }
            var before = problems.Count;
            if (group.Key.Length > 40 || group.Key.Any(char.IsControl))
            {
                problems.Add(new Problem(group.First().Row, "case_ref", group.Key, T("A case reference has at most 40 characters and no control characters.")));
            }
            else if (TextSafety.FirstRefused(group.Key) is { } hidden)
            {
                problems.Add(new Problem(group.First().Row, "case_ref", group.Key, TextSafety.Refusal(hidden, T("this cell"))));
            }
            var principalRow = principalRows[0];
            var principal = Person(principalRow.Row, principalRow.Get, today, problems);
            var family = group.Where(r => r != principalRow).Select(r => Person(r.Row, r.Get, today, problems)).OfType<PersonRow>().ToList();
            foreach (var r in group.Where(r => r != principalRow))
            {
                foreach (var column in Columns.Where(c => c.PrincipalOnly && r.Get(c.Name) is not null))
                {
                    problems.Add(new Problem(r.Row, column.Name, r.Get(column.Name)!, T("{0} belongs on the principal's row only.", column.Name)));
                }
                foreach (var stage in catalog.Keys.Where(k => r.Get(k.ToLowerInvariant()) is not null))
                {
                    problems.Add(new Problem(r.Row, stage, r.Get(stage.ToLowerInvariant())!, T("Stage dates belong on the principal's row only.")));
                }
            }
            var get = principalRow.Get;
            var row = principalRow.Row;
            var program = Enum.TryParse<SivProgram>(get("program"), true, out var p) ? p : (SivProgram?)null;
            if (program is null) problems.Add(new Problem(row, "program", get("program") ?? "", T("Use AF602B, S1059 or IQ1244.")));
            StepModel? model = null;
            if (get("step_model") is { } modelText)
            {
                model = Enum.TryParse<StepModel>(modelText, true, out var m) ? m : null;
                if (model is null) problems.Add(new Problem(row, "step_model", modelText, T("Use DS157, LEGACY or S1059, or leave it empty.")));
            }
            string? CaseNumber(string column)
            {
                if (get(column) is not { } value) return null;
                if (Identifiers.IsCaseNumber(value)) return Identifiers.Compact(value);
                problems.Add(new Problem(row, column, value, T("A case or receipt number is 3 letters and 10 digits.")));
                return null;
            }
            var nvc = CaseNumber("nvc_case_number");
            var uscis = CaseNumber("uscis_receipt_number");
            Guid? caseworker = null;
            if (get("caseworker_email") is { } email)
            {
                caseworker = users.TryGetValue(email.ToLowerInvariant(), out var id) ? id : null;
                if (caseworker is null) problems.Add(new Problem(row, "caseworker_email", email, T("No user of your organisation has this email.")));
            }
            var highRisk = get("high_risk")?.ToLowerInvariant() switch
            {
                null or "no" => false,
                "yes" => true,
                var other => Add(problems, new Problem(row, "high_risk", other, T("Use yes or no.")), false),
            };
            ServiceRole? role = null;
            if (get("role") is { } roleText)
            {
                role = roleText.ToLowerInvariant() is "interpreter" or "translator" or "interpreter/translator" ? ServiceRole.Interpreter
                    : Enum.TryParse<ServiceRole>(roleText, true, out var r) ? r : null;
                if (role is null) problems.Add(new Problem(row, "role", roleText, T("Use Interpreter, Security, Driver, Engineer, Administrative or Other.")));
            }
            var serviceStart = Date(row, "service_start", get, today, problems);
            var serviceEnd = Date(row, "service_end", get, today, problems);
            if (serviceStart is not null && serviceEnd < serviceStart) problems.Add(new Problem(row, "service_end", get("service_end")!, T("The service ends before it starts.")));
            var employer = Text(row, "employer", get, 200, problems);
            if (employer is null && (role is not null || serviceStart is not null)) problems.Add(new Problem(row, "employer", "", T("A service record needs its employer.")));

            var stages = new List<(string Stage, DateOnly On)>();
            foreach (var stage in catalog.Values.OrderBy(s => s.SortOrder))
            {
                if (Date(row, stage.Code.ToLowerInvariant(), get, today, problems, displayName: stage.Code) is { } on) stages.Add((stage.Code, on));
            }
            var currentOnly = false;
            if (get("current_stage") is { } current)
            {
                var since = Date(row, "stage_since", get, today, problems);
                if (stages.Count > 0) problems.Add(new Problem(row, "current_stage", current, T("Give either a date for each stage or the current stage and its date, not both.")));
                else if (!catalog.ContainsKey(current.ToUpperInvariant())) problems.Add(new Problem(row, "current_stage", current, T("Not a stage SivTracker knows: map this value to a stage.")));
                else if (since is { } on) (stages, currentOnly) = ([(current.ToUpperInvariant(), on)], true);
                else if (get("stage_since") is null) problems.Add(new Problem(row, "stage_since", "", T("The date the case reached its current stage is needed with it.")));
            }
            else if (get("stage_since") is { } orphan)
            {
                problems.Add(new Problem(row, "stage_since", orphan, T("A stage date needs the current stage beside it.")));
            }
            if (program is { } prog && problems.Count == before)
            {
                var comSubmitted = stages.FirstOrDefault(s => s.Stage == StageCatalog.ClockStartStage(StageCatalog.DefaultStepModel(prog, null))).On;
                var effectiveModel = model ?? StageCatalog.DefaultStepModel(prog, comSubmitted == default ? null : comSubmitted);
                foreach (var (stage, on) in stages.Where(s => !catalog[s.Stage].IsIn(effectiveModel)))
                {
                    problems.Add(new Problem(row, stage, on.ToString("yyyy-MM-dd"), T("{0} is not a stage of the {1} process.", stage, effectiveModel)));
                }
                model = effectiveModel;
                stages = InHistoryOrder(stages, catalog);
                if (problems.Count == before)
                {
                    // The history must be one the case page would accept: replayed through the case's own rules.
                    var draft = Case.Open(organisationId, group.Key, Guid.Empty, [], prog, effectiveModel, stages.Count > 0 ? stages[0].On : today, new Case.Actor(null, default));
                    if (RecordHistory(draft, stages, catalog, today, new Case.Actor(null, default), currentOnly) is { } refused)
                    {
                        problems.Add(new Problem(row, refused.Stage, refused.On.ToString("yyyy-MM-dd"), refused.Error.Message));
                    }
                }
            }
            if (principal is not null && program is not null && problems.Count == before)
            {
                result.Add(new CaseRow(group.Key.ToUpperInvariant(), principal, family, program.Value, model, nvc, uscis, caseworker, highRisk, employer, role,
                    serviceStart, serviceEnd, stages, currentOnly));
            }
        }
        return result;
    }

    /// <summary>Undoes the apostrophe that exports put before = + - @ so a spreadsheet would not run the cell as a formula.</summary>
    private static string Unprotect(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;

    /// <summary>A spreadsheet gives one date per stage column: the history is those stages by date, ties in process order.</summary>
    private static List<(string Stage, DateOnly On)> InHistoryOrder(IEnumerable<(string Stage, DateOnly On)> stages, IReadOnlyDictionary<string, Stage> catalog) =>
        stages.OrderBy(s => s.On).ThenBy(s => catalog[s.Stage].SortOrder).ToList();

    /// <summary>Records the imported stages on a case opened at the first stage; the first move the rules refuse, if any.</summary>
    private static (string Stage, DateOnly On, StageChangeError Error)? RecordHistory(Case @case, IEnumerable<(string Stage, DateOnly On)> stages,
        IReadOnlyDictionary<string, Stage> catalog, DateOnly today, Case.Actor actor, bool currentStageOnly)
    {
        foreach (var (stage, on) in stages.SkipWhile(s => s.Stage == @case.CurrentStageCode))
        {
            if (@case.Record(catalog, stage, on, today, actor, currentStageOnly ? CurrentStageNote : "Imported.") is { } error) return (stage, on, error);
        }
        return null;
    }

    private static T Add<T>(List<Problem> problems, Problem problem, T value)
    {
        problems.Add(problem);
        return value;
    }

    private static string? Text(int row, string column, Func<string, string?> get, int max, List<Problem> problems)
    {
        var value = get(column);
        if (value is null) return null;
        if (value.Any(char.IsControl))
        {
            problems.Add(new Problem(row, column, value.Replace("\0", "\\0"), T("Remove control characters (such as NUL bytes).")));
            return null;
        }
        if (TextSafety.FirstRefused(value) is { } hidden)
        {
            problems.Add(new Problem(row, column, value, TextSafety.Refusal(hidden, T("this cell"))));
            return null;
        }
        if (value.Length > max)
        {
            problems.Add(new Problem(row, column, value[..Math.Min(40, value.Length)] + "…", T("At most {0} characters.", max)));
            return null;
        }
        return value;
    }

    private static DateOnly? Date(int row, string column, Func<string, string?> get, DateOnly today, List<Problem> problems, string? displayName = null)
    {
        var value = get(column);
        if (value is null) return null;
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            problems.Add(new Problem(row, displayName ?? column, value, T("Write the date as YYYY-MM-DD (a real date).")));
            return null;
        }
        if (date > today)
        {
            problems.Add(new Problem(row, displayName ?? column, value, T("The date is in the future.")));
            return null;
        }
        return date;
    }

    private static PersonRow? Person(int row, Func<string, string?> get, DateOnly today, List<Problem> problems)
    {
        var before = problems.Count;
        var relationship = get("relationship")?.ToLowerInvariant() switch
        {
            "principal" => Relationship.Principal,
            "spouse" => Relationship.Spouse,
            "child" => Relationship.Child,
            var other => Add(problems, new Problem(row, "relationship", other ?? "", T("Use principal, spouse or child.")), Relationship.Child),
        };
        var given = Text(row, "given_names", get, 200, problems);
        if (given is null && get("given_names") is null) problems.Add(new Problem(row, "given_names", "", T("Given names are required (FNU if unknown).")));
        DateOnly? dob = null;
        var precision = DatePrecision.Exact;
        if (get("date_of_birth") is { } dobText)
        {
            var parsed = Domain.Person.ParseDateOfBirth(dobText);
            if (parsed is null) problems.Add(new Problem(row, "date_of_birth", dobText, T("Write YYYY-MM-DD, or YYYY for the year only (Solar Hijri: 1370/02/22, or 1370).")));
            else if (parsed.Value.Date > today) problems.Add(new Problem(row, "date_of_birth", dobText, T("The date of birth is in the future.")));
            else (dob, precision) = parsed.Value;
        }
        Sex? sex = get("sex")?.ToUpperInvariant() switch
        {
            null => null,
            "F" => Domain.Sex.F,
            "M" => Domain.Sex.M,
            "X" => Domain.Sex.X,
            var other => Add<Sex?>(problems, new Problem(row, "sex", other, T("Use F, M or X.")), null),
        };
        var phone = Text(row, "phone", get, 40, problems);
        if (phone is not null && !Identifiers.IsInternationalPhone(phone)) problems.Add(new Problem(row, "phone", phone, T("Write the number with its country code, e.g. +93 70 123 4567.")));
        var email = Text(row, "email", get, 320, problems);
        if (email is not null && !System.Net.Mail.MailAddress.TryCreate(email, out _)) problems.Add(new Problem(row, "email", email, T("Not a valid email address.")));
        var country = Text(row, "current_country", get, 2, problems);
        if (country is not null && !country.All(char.IsAsciiLetter)) problems.Add(new Problem(row, "current_country", country, T("Use the two-letter country code.")));
        var safety = SafetyStatus.Unknown;
        if (get("safety_status") is { } safetyText && !Enum.TryParse(safetyText.Replace(" ", ""), true, out safety))
        {
            problems.Add(new Problem(row, "safety_status", safetyText, T("Use Unknown, InHiding, Displaced, ThirdCountry, DeportationRisk or Safe.")));
        }
        var spellings = (Text(row, "other_spellings", get, 2000, problems) ?? "").Split(';').Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToArray();
        var person = new PersonRow(row, relationship, given ?? "", Text(row, "family_name", get, 200, problems), Text(row, "father_name", get, 200, problems), spellings,
            Text(row, "native_name", get, 200, problems), dob, precision, sex, Text(row, "tazkira", get, 100, problems), Text(row, "passport_number", get, 40, problems)?.ToUpperInvariant(),
            Date(row, "passport_expiry", get, DateOnly.MaxValue, problems), phone is null ? null : Identifiers.CompactPhone(phone), email, country?.ToUpperInvariant(), safety);
        return problems.Count == before ? person : null;
    }

    /// <summary>Compares the file with the database and, when writing, applies the difference. Returns what changes.</summary>
    private async Task<(Summary Summary, List<CaseChange> Changes)> ApplyAsync(List<CaseRow> rows, Guid organisationId, Guid? userId, IReadOnlyDictionary<string, Stage> catalog, DateOnly today, bool write,
        List<Problem> problems, IReadOnlyDictionary<int, Guid> attach, CancellationToken ct)
    {
        var references = rows.Select(r => r.Reference).ToList();
        var existing = await db.Cases.IgnoreQueryFilters().Where(c => c.OrganisationId == organisationId && references.Contains(c.Reference))
            .Include(c => c.StageEvents).Include(c => c.CaseNumbers).Include(c => c.Documents).ToDictionaryAsync(c => c.Reference, ct);
        var principalIds = existing.Values.Select(c => c.PrincipalId).Concat(attach.Values).ToList();
        var people = (await db.Persons.IgnoreQueryFilters().Where(p => principalIds.Contains(p.Id) || (p.PrincipalId != null && principalIds.Contains(p.PrincipalId.Value)))
            .Include(p => p.Aliases).Include(p => p.Passports).Include(p => p.ContactChannels).ToListAsync(ct));
        var now = time.GetUtcNow();
        int casesCreated = 0, casesUpdated = 0, casesUnchanged = 0, peopleCreated = 0, peopleUpdated = 0, peopleUnchanged = 0, eventsAdded = 0;
        var newPeople = new List<Person>();
        var newCases = new List<Case>();
        var newEvents = new List<StageEvent>();
        var touchedCases = new List<Case>();
        var changes = new List<CaseChange>();

        foreach (var row in rows)
        {
            if (!existing.TryGetValue(row.Reference, out var @case))
            {
                casesCreated++;
                changes.Add(new CaseChange(row.Principal.Row, row.Reference, Change.Created));
                Person principal;
                // Everyone on the case, the principal included: each gets the per-person checklist.
                var familyIds = new List<Guid>();
                if (attach.TryGetValue(row.Principal.Row, out var attachedId) && people.FirstOrDefault(p => p.Id == attachedId && p.OrganisationId == organisationId
                        && p.Relationship == Relationship.Principal && p.MergedIntoId == null) is { } known)
                {
                    // The admin said the row is someone already in SivTracker: the case is theirs, their record is
                    // updated from the row, and their family is matched as on a re-import.
                    principal = known;
                    if (Update(principal, row.Principal, db, write)) peopleUpdated++; else peopleUnchanged++;
                    foreach (var member in row.Family)
                    {
                        var match = people.FirstOrDefault(p => p.PrincipalId == principal.Id && p.GivenNames == member.GivenNames && p.DateOfBirth == member.DateOfBirth);
                        if (match is null)
                        {
                            newPeople.Add(NewPerson(member, organisationId, principal.Id));
                            peopleCreated++;
                        }
                        else if (Update(match, member, db, write)) peopleUpdated++;
                        else peopleUnchanged++;
                    }
                    familyIds.Add(principal.Id);
                    familyIds.AddRange(people.Where(p => p.PrincipalId == principal.Id && p.MergedIntoId == null).Select(p => p.Id));
                    familyIds.AddRange(newPeople.Where(p => p.PrincipalId == principal.Id).Select(p => p.Id));
                }
                else
                {
                    principal = NewPerson(row.Principal, organisationId, null);
                    newPeople.Add(principal);
                    var family = row.Family.Select(f => NewPerson(f, organisationId, principal.Id)).ToList();
                    newPeople.AddRange(family);
                    familyIds.Add(principal.Id);
                    familyIds.AddRange(family.Select(p => p.Id));
                    peopleCreated += 1 + row.Family.Count;
                }
                if (row.Employer is not null)
                {
                    var service = new ServiceRecord
                    {
                        OrganisationId = organisationId, PersonId = principal.Id, Employer = row.Employer, Role = row.Role ?? ServiceRole.Other,
                        EmployerType = EmployerType.UsMilitary, StartDate = row.ServiceStart ?? today, EndDate = row.ServiceEnd,
                    };
                    if (newPeople.Contains(principal)) principal.ServiceRecords.Add(service);
                    else if (write) db.ServiceRecords.Add(service);
                }
                var actor = new Case.Actor(userId, now);
                @case = Case.Open(organisationId, row.Reference, principal.Id, familyIds,
                    row.Program, row.StepModel!.Value, row.Stages.Count > 0 ? row.Stages[0].On : today, actor, "Case opened by import.");
                @case.CaseworkerId = row.CaseworkerId;
                @case.HighRisk = row.HighRisk;
                @case.HighRiskReason = row.HighRisk ? "Marked high-risk in the imported spreadsheet." : null;
                @case.CreatedAt = @case.UpdatedAt = now;
                @case.CreatedById = @case.UpdatedById = userId;
                foreach (var (kind, number) in new[] { (CaseNumberKind.NvcCase, row.NvcNumber), (CaseNumberKind.UscisReceipt, row.UscisNumber) })
                {
                    if (number is not null)
                    {
                        var caseNumber = new CaseNumber { OrganisationId = organisationId, CaseId = @case.Id, Kind = kind, Number = number, CreatedAt = now, UpdatedAt = now };
                        caseNumber.RefreshLookups();
                        @case.CaseNumbers.Add(caseNumber);
                    }
                }
                // Validated already; a refusal here would mean the rules changed between the check and the write.
                if (RecordHistory(@case, row.Stages, catalog, today, actor, row.CurrentStageOnly) is { } refused) throw new InvalidOperationException(refused.Error.Message);
                if (row.Stages.Any(s => s.Stage == StageCatalog.ClockStartStage(@case.StepModel)))
                {
                    @case.PackageReceivedOn(row.Stages.First(s => s.Stage == StageCatalog.ClockStartStage(@case.StepModel)).On);
                }
                var events = @case.StageEvents.ToList();
                eventsAdded += events.Count;
                clocks.Apply(@case, events, catalog, today);
                newCases.Add(@case);
                newEvents.AddRange(events);
                continue;
            }

            // An existing case: update what differs, add what is new, leave the rest.
            var changed = false;
            var principalEntity = people.Single(p => p.Id == @case.PrincipalId);
            if (Update(principalEntity, row.Principal, db, write)) { peopleUpdated++; changed = true; } else peopleUnchanged++;
            foreach (var member in row.Family)
            {
                var match = people.FirstOrDefault(p => p.PrincipalId == principalEntity.Id && p.GivenNames == member.GivenNames && p.DateOfBirth == member.DateOfBirth);
                if (match is null)
                {
                    var added = NewPerson(member, organisationId, principalEntity.Id);
                    newPeople.Add(added);
                    var items = @case.AddFamilyMember(added.Id);
                    if (write) db.DocumentItems.AddRange(items);
                    peopleCreated++;
                    changed = true;
                }
                else if (Update(match, member, db, write)) { peopleUpdated++; changed = true; }
                else peopleUnchanged++;
            }
            var eventsBefore = @case.StageEvents.Count;
            var caseActor = new Case.Actor(userId, now);
            foreach (var (stage, on) in InHistoryOrder(row.Stages, catalog))
            {
                var same = @case.LiveHistory(catalog).FirstOrDefault(e => e.ToStageCode == stage);
                if (same is not null && same.EffectiveOn == on) continue;
                var refused = same is null
                    ? @case.Record(catalog, stage, on, today, caseActor, row.CurrentStageOnly ? CurrentStageNote : "Imported.")
                    : @case.Correct(catalog, same, stage, on, today, caseActor, $"Import changed the date from {same.EffectiveOn:yyyy-MM-dd}.", "Imported.");
                if (refused is not null)
                {
                    problems.Add(new Problem(row.Principal.Row, stage, on.ToString("yyyy-MM-dd"), refused.Message));
                    continue;
                }
                changed = true;
            }
            var recorded = @case.StageEvents.Skip(eventsBefore).ToList();
            eventsAdded += recorded.Count;
            if (write) db.StageEvents.AddRange(recorded);
            if (changed)
            {
                casesUpdated++;
                touchedCases.Add(@case);
            }
            else
            {
                casesUnchanged++;
            }
            changes.Add(new CaseChange(row.Principal.Row, row.Reference, changed ? Change.Updated : Change.Unchanged));
        }

        if (write && problems.Count == 0)
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            foreach (var person in newPeople)
            {
                person.RefreshSearchFields();
                person.CreatedAt = person.UpdatedAt = now;
                person.CreatedById = person.UpdatedById = userId;
            }
            // New rows go in with binary COPY inside the same transaction: set-based, and all or nothing.
            await BulkCopy.WriteAsync(db, connection, newPeople, ct);
            await BulkCopy.WriteAsync(db, connection, Stamped(newPeople.SelectMany(p => p.Aliases), now, userId), ct);
            await BulkCopy.WriteAsync(db, connection, Stamped(newPeople.SelectMany(p => p.Passports), now, userId), ct);
            await BulkCopy.WriteAsync(db, connection, Stamped(newPeople.SelectMany(p => p.ContactChannels), now, userId), ct);
            await BulkCopy.WriteAsync(db, connection, Stamped(newPeople.SelectMany(p => p.ServiceRecords), now, userId), ct);
            await BulkCopy.WriteAsync(db, connection, newCases, ct);
            await BulkCopy.WriteAsync(db, connection, newCases.SelectMany(c => c.CaseNumbers), ct);
            await BulkCopy.WriteAsync(db, connection, newEvents, ct);
            await BulkCopy.WriteAsync(db, connection, Stamped(newCases.SelectMany(c => c.Documents), now, userId), ct);
            foreach (var @case in touchedCases)
            {
                clocks.Apply(@case, @case.StageEvents, catalog, today);
            }
            audit.Record(AuditActions.ImportCommitted, "import",
                details: $"cases created={casesCreated}, updated={casesUpdated}, unchanged={casesUnchanged}; people created={peopleCreated}, updated={peopleUpdated}",
                organisationId: organisationId, userId: userId);
            await db.SaveChangesAsync(ct);
        }
        return (new Summary(casesCreated, casesUpdated, casesUnchanged, peopleCreated, peopleUpdated, peopleUnchanged, eventsAdded), changes);
    }

    private static IEnumerable<T> Stamped<T>(IEnumerable<T> rows, DateTimeOffset now, Guid? userId) where T : OwnedEntity =>
        rows.Select(r =>
        {
            r.CreatedAt = r.UpdatedAt = now;
            r.CreatedById = r.UpdatedById = userId;
            return r;
        });

    private static Person NewPerson(PersonRow row, Guid organisationId, Guid? principalId)
    {
        var person = new Person { OrganisationId = organisationId, GivenNames = row.GivenNames, Relationship = row.Relationship, PrincipalId = principalId };
        Fill(person, row);
        person.Aliases = row.Spellings.Select(s => new PersonAlias { OrganisationId = organisationId, PersonId = person.Id, Spelling = s }).ToList();
        if (row.Passport is not null) person.Passports.Add(new Passport { OrganisationId = organisationId, PersonId = person.Id, Number = row.Passport, Country = "AF", ExpiresOn = row.PassportExpiry });
        if (row.Phone is not null) person.ContactChannels.Add(new ContactChannel { OrganisationId = organisationId, PersonId = person.Id, Kind = ContactChannelKind.Phone, Value = row.Phone });
        if (row.Email is not null) person.ContactChannels.Add(new ContactChannel { OrganisationId = organisationId, PersonId = person.Id, Kind = ContactChannelKind.Email, Value = row.Email });
        return person;
    }

    private static void Fill(Person person, PersonRow row)
    {
        person.GivenNames = row.GivenNames;
        person.FamilyName = row.FamilyName;
        person.FatherName = row.FatherName;
        person.NativeName = row.NativeName;
        person.DateOfBirth = row.DateOfBirth;
        person.DateOfBirthPrecision = row.Precision;
        person.Sex = row.Sex;
        person.TazkiraNumber = row.Tazkira;
        person.CurrentCountry = row.Country;
        person.SafetyStatus = row.Safety;
    }

    /// <summary>Updates the person's imported fields; true when anything differed.</summary>
    private static bool Update(Person person, PersonRow row, AppDbContext db, bool write)
    {
        var differs = person.GivenNames != row.GivenNames || person.FamilyName != row.FamilyName || person.FatherName != row.FatherName
            || person.NativeName != row.NativeName || person.DateOfBirth != row.DateOfBirth || person.Sex != row.Sex || person.TazkiraNumber != row.Tazkira
            || person.CurrentCountry != row.Country || person.SafetyStatus != row.Safety
            || !row.Spellings.All(s => person.Aliases.Any(a => a.Spelling == s))
            || (row.Passport is not null && person.Passports.All(p => p.Number != row.Passport))
            || (row.Phone is not null && person.ContactChannels.All(c => Identifiers.CompactPhone(c.Value) != row.Phone));
        if (!differs || !write) return differs;
        Fill(person, row);
        foreach (var spelling in row.Spellings.Where(s => person.Aliases.All(a => a.Spelling != s)))
        {
            var alias = new PersonAlias { OrganisationId = person.OrganisationId, PersonId = person.Id, Spelling = spelling };
            db.PersonAliases.Add(alias);
            person.Aliases.Add(alias);
        }
        if (row.Passport is not null && person.Passports.All(p => p.Number != row.Passport))
        {
            var passport = new Passport { OrganisationId = person.OrganisationId, PersonId = person.Id, Number = row.Passport, Country = "AF", ExpiresOn = row.PassportExpiry };
            db.Passports.Add(passport);
            person.Passports.Add(passport);
        }
        if (row.Phone is not null && person.ContactChannels.All(c => Identifiers.CompactPhone(c.Value) != row.Phone))
        {
            var phone = new ContactChannel { OrganisationId = person.OrganisationId, PersonId = person.Id, Kind = ContactChannelKind.Phone, Value = row.Phone };
            db.ContactChannels.Add(phone);
            person.ContactChannels.Add(phone);
        }
        person.RefreshSearchFields();
        return true;
    }
}
