using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SivTracker.Web.Domain;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Imports;

/// <summary>
/// How to read one organisation's own sheet as SivTracker's template: which column fills which field (two columns may
/// fill one, joined), how each date column writes its dates, and what each value of a fixed-choice field means. The
/// result is the template's own sheet, which the import checks and writes by its usual rules, so a mapped file and a
/// template file are held to exactly the same ones. Saved per organisation under a name (<see cref="SavedImportMapping"/>).
/// </summary>
public sealed partial record ImportMapping
{
    /// <summary>Column key (<see cref="ColumnKeys"/>) to field name; a column not listed is ignored.</summary>
    public Dictionary<string, string> Fields { get; init; } = [];

    /// <summary>Column key to how its dates are written.</summary>
    public Dictionary<string, DateFormat> DateFormats { get; init; } = [];

    /// <summary>Choice (<see cref="Choices"/>) to the file's values, folded (<see cref="Fold"/>), and what each means.</summary>
    public Dictionary<string, Dictionary<string, string>> Values { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ImportMapping FromJson(string json) => JsonSerializer.Deserialize<ImportMapping>(json, Json) ?? new ImportMapping();

    // --- the fields a column can fill -------------------------------------------------------------------------------

    public enum FieldKind { Text, Date, BirthDate, Choice }

    /// <summary>A field a column can fill: its name, the template column it becomes, and for a family member which one.</summary>
    public sealed record Field(string Name, string Label, FieldKind Kind, string Column, string? Member = null, string? Choice = null);

    /// <summary>How many children's column groups a case-per-row sheet may have.</summary>
    public const int MaxChildren = 10;

    /// <summary>The fields with a fixed set of values, and those values as the template writes them.</summary>
    public static IReadOnlyDictionary<string, string[]> Choices(IEnumerable<string> stageCodes) => new Dictionary<string, string[]>
    {
        ["relationship"] = ["principal", "spouse", "child"],
        ["sex"] = ["F", "M", "X"],
        ["program"] = Enum.GetNames<SivProgram>(),
        ["safety_status"] = Enum.GetNames<SafetyStatus>(),
        ["current_stage"] = stageCodes.ToArray(),
    };

    public static IReadOnlyList<Field> AllFields(IEnumerable<Stage> catalog)
    {
        var fields = new List<Field>();
        foreach (var column in SpreadsheetImport.Columns)
        {
            var kind = column.Name switch
            {
                "date_of_birth" => FieldKind.BirthDate,
                "passport_expiry" or "service_start" or "service_end" or "stage_since" => FieldKind.Date,
                "relationship" or "sex" or "program" or "safety_status" or "current_stage" => FieldKind.Choice,
                _ => FieldKind.Text,
            };
            // The label as the admin reads it ("case ref"); the name stays the field's key.
            fields.Add(new Field(column.Name, T(column.Name.Replace('_', ' ')), kind, column.Name, Choice: kind == FieldKind.Choice ? column.Name : null));
        }
        foreach (var stage in catalog.OrderBy(s => s.SortOrder))
        {
            fields.Add(new Field("stage:" + stage.Code, T("date of stage {0} ({1})", stage.Code, T(stage.Name)), FieldKind.Date, stage.Code.ToLowerInvariant()));
        }
        // Each label a whole phrase (the spouse's, or child n's), so it reads naturally in every language.
        var members = new[] { ("spouse", 0) }.Concat(Enumerable.Range(1, MaxChildren).Select(i => ($"child{i}", i)));
        foreach (var (member, n) in members)
        {
            var spouse = n == 0;
            fields.Add(new Field($"{member}.given_names", spouse ? T("spouse: given names") : T("child {0}: given names", n), FieldKind.Text, "given_names", member));
            fields.Add(new Field($"{member}.family_name", spouse ? T("spouse: family name") : T("child {0}: family name", n), FieldKind.Text, "family_name", member));
            fields.Add(new Field($"{member}.native_name", spouse ? T("spouse: name in Dari or Pashto") : T("child {0}: name in Dari or Pashto", n), FieldKind.Text, "native_name", member));
            fields.Add(new Field($"{member}.date_of_birth", spouse ? T("spouse: date of birth") : T("child {0}: date of birth", n), FieldKind.BirthDate, "date_of_birth", member));
            fields.Add(new Field($"{member}.sex", spouse ? T("spouse: sex") : T("child {0}: sex", n), FieldKind.Choice, "sex", member, "sex"));
            fields.Add(new Field($"{member}.tazkira", spouse ? T("spouse: tazkira") : T("child {0}: tazkira", n), FieldKind.Text, "tazkira", member));
        }
        return fields;
    }

    // --- columns and values, as the file has them --------------------------------------------------------------------

    /// <summary>A column's key: its header folded, numbered when a header repeats so each column has its own.</summary>
    public static IReadOnlyList<string> ColumnKeys(IReadOnlyList<string> headers)
    {
        var seen = new Dictionary<string, int>();
        return headers.Select((header, i) =>
        {
            var key = Fold(header);
            if (key.Length == 0) key = $"column {i + 1}";
            seen[key] = seen.GetValueOrDefault(key) + 1;
            return seen[key] == 1 ? key : $"{key} ({seen[key]})";
        }).ToList();
    }

    /// <summary>Headers and values compared as people mean them: case, spacing and punctuation aside.</summary>
    public static string Fold(string text) =>
        Spaces().Replace(Punctuation().Replace(TextSafety.WithoutInvisible(text).ToLowerInvariant(), " "), " ").Trim();

    /// <summary>The same headers in the same order as a saved mapping was made from.</summary>
    public static string HeaderSignature(IReadOnlyList<string> headers) => string.Join("|", ColumnKeys(headers));

    // --- proposals ---------------------------------------------------------------------------------------------------

    /// <summary>Header words (English, Dari, Pashto) that name a field.</summary>
    private static readonly Dictionary<string, string[]> HeaderWords = new()
    {
        ["case_ref"] = ["case", "case ref", "case reference", "case id", "case no", "case number", "case #", "ref", "reference", "file no", "file number", "شماره دوسیه", "دوسیه", "شماره قضیه", "د دوسیې شمیره"],
        ["relationship"] = ["relationship", "relation", "relationship to principal", "relation to applicant", "family role", "نسبت", "رابطه", "خپلوي"],
        ["given_names"] = ["given names", "given name", "first name", "first names", "name", "forename", "applicant name", "نام", "اسم", "نوم"],
        ["family_name"] = ["family name", "last name", "surname", "family", "تخلص", "نام خانوادگی", "کورنی نوم"],
        ["father_name"] = ["father name", "father s name", "fathers name", "father", "نام پدر", "ولد", "د پلار نوم", "پلار"],
        ["other_spellings"] = ["aka", "alias", "aliases", "other spellings", "other names", "also known as"],
        ["native_name"] = ["native name", "name in dari", "name in pashto", "dari name", "pashto name", "name dari", "نام به دری", "نام دری", "نوم په پښتو"],
        ["date_of_birth"] = ["dob", "date of birth", "birth date", "birthdate", "born", "d o b", "تاریخ تولد", "د زیږیدو نیټه", "تولد",
            "date of birth sh", "dob sh", "date of birth solar hijri", "تاریخ تولد هجری شمسی", "تاریخ تولد شمسی"],
        ["sex"] = ["sex", "gender", "جنسیت", "جنس", "جنسیت"],
        ["tazkira"] = ["tazkira", "tazkera", "tazkira no", "tazkira number", "national id", "nid", "e tazkira", "تذکره", "شماره تذکره", "د تذکرې شمیره"],
        ["passport_number"] = ["passport", "passport no", "passport number", "پاسپورت", "شماره پاسپورت"],
        ["passport_expiry"] = ["passport expiry", "passport expires", "passport expiry date", "expiry", "expiry date"],
        ["phone"] = ["phone", "mobile", "whatsapp", "tel", "telephone", "phone number", "contact number", "شماره تماس", "تلفن", "موبایل", "ټیلیفون", "شماره تلفن"],
        ["email"] = ["email", "e mail", "email address", "ایمیل"],
        ["current_country"] = ["country", "current country", "country now", "location", "کشور", "هیواد"],
        ["safety_status"] = ["safety", "safety status", "security status", "security", "وضعیت امنیتی", "امنیت"],
        ["program"] = ["program", "programme", "visa type", "siv program", "visa program", "برنامه"],
        ["step_model"] = ["step model", "process"],
        ["nvc_case_number"] = ["nvc", "nvc case", "nvc case number", "nvc number"],
        ["uscis_receipt_number"] = ["uscis", "uscis receipt", "receipt", "receipt number", "uscis receipt number"],
        ["caseworker_email"] = ["caseworker", "caseworker email", "assigned to", "case worker"],
        ["high_risk"] = ["high risk", "priority", "urgent"],
        ["employer"] = ["employer", "unit", "employer unit", "unit employer", "کارفرما"],
        ["role"] = ["role", "job", "job title", "position", "وظیفه"],
        ["service_start"] = ["service start", "start date", "employment start", "started"],
        ["service_end"] = ["service end", "end date", "employment end", "ended"],
        ["current_stage"] = ["status", "stage", "current stage", "case status", "current status", "وضعیت", "مرحله", "حالت"],
        ["stage_since"] = ["since", "status date", "stage date", "date of status", "as of", "since date", "status since", "stage since", "از تاریخ"],
    };

    private static readonly Dictionary<string, string> MemberWords = new()
    {
        ["name"] = "given_names", ["given name"] = "given_names", ["given names"] = "given_names", ["first name"] = "given_names", ["نام"] = "given_names", ["نوم"] = "given_names",
        ["family name"] = "family_name", ["last name"] = "family_name", ["surname"] = "family_name", ["تخلص"] = "family_name",
        ["dari name"] = "native_name", ["name in dari"] = "native_name", ["native name"] = "native_name",
        ["dob"] = "date_of_birth", ["date of birth"] = "date_of_birth", ["birth date"] = "date_of_birth", ["born"] = "date_of_birth", ["تاریخ تولد"] = "date_of_birth", ["تولد"] = "date_of_birth",
        ["sex"] = "sex", ["gender"] = "sex", ["جنسیت"] = "sex", ["tazkira"] = "tazkira", ["تذکره"] = "tazkira",
    };

    /// <summary>
    /// The field each column most likely fills, from its header (English, Dari or Pashto words; family members' column
    /// groups such as "Spouse name" or "Child 2 DOB") and, when the header says nothing, from its values: dates, phone
    /// numbers, emails, stage names. A field is proposed for one column at most.
    /// </summary>
    public static Dictionary<string, string> ProposeFields(ImportFile.Sheet sheet, IReadOnlyCollection<Stage> catalog)
    {
        var keys = ColumnKeys(sheet.Headers);
        var proposed = new Dictionary<string, string>();
        var taken = new HashSet<string>();
        void Take(string key, string field)
        {
            if (taken.Add(field)) proposed[key] = field;
        }
        for (var i = 0; i < keys.Count; i++)
        {
            var header = Fold(sheet.Headers[i]);
            if (MemberField(header) is { } member) Take(keys[i], member);
            else if (HeaderWords.FirstOrDefault(w => w.Value.Contains(header)).Key is { } field) Take(keys[i], field);
            else if (catalog.FirstOrDefault(s => Fold(s.Code) == header || Fold(s.Name) == header) is { } stage) Take(keys[i], "stage:" + stage.Code);
        }
        for (var i = 0; i < keys.Count; i++)
        {
            if (proposed.ContainsKey(keys[i])) continue;
            var values = ColumnValues(sheet, i).Select(v => v.Value).Take(50).ToList();
            if (values.Count == 0) continue;
            if (values.All(v => v.Contains('@') && System.Net.Mail.MailAddress.TryCreate(v, out _))) Take(keys[i], "email");
            else if (values.All(v => TazkiraLike().IsMatch(v))) Take(keys[i], "tazkira");
            else if (values.All(v => PhoneLike().IsMatch(v))) Take(keys[i], "phone");
            else if (values.Count(v => ProposeValue("current_stage", v, catalog) is not null) * 2 > values.Count) Take(keys[i], "current_stage");
            else if (DetectDateFormat(values) is { Fits.Count: > 0 }) Take(keys[i], taken.Contains("current_stage") ? "stage_since" : "date_of_birth");
        }
        return proposed;
    }

    private static string? MemberField(string header)
    {
        var digits = new string(header.Select(c => char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c).ToArray());
        var match = MemberHeader().Match(digits);
        if (!match.Success) return null;
        var who = match.Groups["who"].Value;
        var rest = match.Groups["rest"].Value.Trim();
        var member = who is "spouse" or "wife" or "husband" or "همسر" or "خانم" or "میرمن" ? "spouse"
            : int.TryParse(match.Groups["n"].Value, out var n) && n is >= 1 and <= MaxChildren ? $"child{n}" : null;
        if (member is null) return null;
        return MemberWords.TryGetValue(rest.Length == 0 ? "name" : rest, out var field) ? $"{member}.{field}" : null;
    }

    /// <summary>Words people write for each value of a fixed-choice field.</summary>
    private static readonly Dictionary<string, Dictionary<string, string[]>> ValueWords = new()
    {
        ["relationship"] = new()
        {
            ["principal"] = ["principal", "self", "applicant", "main applicant", "pa", "head", "interpreter", "متقاضی", "خود"],
            ["spouse"] = ["spouse", "wife", "husband", "همسر", "خانم", "میرمن", "میړه", "شوهر"],
            ["child"] = ["child", "son", "daughter", "kid", "فرزند", "پسر", "دختر", "زوی", "لور", "اولاد"],
        },
        ["sex"] = new()
        {
            ["F"] = ["f", "female", "woman", "girl", "زن", "مونث", "ښځه", "دختر"],
            ["M"] = ["m", "male", "man", "boy", "مرد", "مذکر", "نارینه", "پسر"],
            ["X"] = ["x", "other", "non binary"],
        },
        ["program"] = new()
        {
            ["AF602B"] = ["af602b", "602b", "602 b", "afghan siv", "siv", "afghan allies", "afghan allies protection act"],
            ["S1059"] = ["s1059", "1059", "section 1059", "siv 1059"],
            ["IQ1244"] = ["iq1244", "1244", "iraqi siv"],
        },
        ["safety_status"] = new()
        {
            ["Unknown"] = ["unknown", "not known", "n a", "na", "نامعلوم"],
            ["InHiding"] = ["in hiding", "hiding", "hidden", "inhiding", "پنهان", "مخفی"],
            ["Displaced"] = ["displaced", "idp", "بیجا شده"],
            ["ThirdCountry"] = ["third country", "thirdcountry", "outside afghanistan", "abroad"],
            ["DeportationRisk"] = ["deportation risk", "deportation", "at risk of deportation", "facing deportation"],
            ["Safe"] = ["safe", "relocated", "in the us", "arrived"],
        },
        ["current_stage"] = new()
        {
            ["COM_SUBMITTED"] = ["waiting for com", "com pending", "awaiting com", "com submitted", "submitted com"],
            ["COM_APPROVED"] = ["com approved", "com received", "got com"],
            ["COM_DENIED"] = ["com denied", "com refused", "denied"],
            ["PRE_COM"] = ["preparing com", "collecting documents", "pre com", "documents"],
        },
    };

    /// <summary>What a value of a fixed-choice field most likely means; null when it could mean two things or nothing known.</summary>
    public static string? ProposeValue(string choice, string value, IReadOnlyCollection<Stage> catalog)
    {
        var folded = Fold(value);
        var canonical = Choices(catalog.Select(s => s.Code))[choice];
        if (canonical.FirstOrDefault(c => string.Equals(Fold(c), folded, StringComparison.Ordinal) || string.Equals(c, value.Trim(), StringComparison.OrdinalIgnoreCase)) is { } exact) return exact;
        if (ValueWords.TryGetValue(choice, out var words) && words.FirstOrDefault(w => w.Value.Contains(folded)).Key is { } word && canonical.Contains(word)) return word;
        if (choice != "current_stage") return null;
        // A stage written as its name, or as words of it: only when one stage fits best.
        var valueWords = folded.Split(' ').Except(LinkWords).ToHashSet();
        var scored = catalog.Select(s => (s.Code, Score: Fold(s.Name).Split(' ').Concat(Fold(s.Code).Split(' ')).Distinct().Count(valueWords.Contains)))
            .Where(s => s.Score > 0).OrderByDescending(s => s.Score).ToList();
        return scored.Count > 0 && (scored.Count == 1 || scored[0].Score > scored[1].Score) && scored[0].Score >= 2 ? scored[0].Code : null;
    }

    private static readonly string[] LinkWords = ["the", "a", "an", "of", "for", "on", "in", "to", "and", "or", "at", "by", "with"];

    /// <summary>The non-empty values of a column with how often each occurs, most common first.</summary>
    public static List<(string Value, int Count)> ColumnValues(ImportFile.Sheet sheet, int column) =>
        sheet.Rows.Where(r => column < r.Length && r[column].Trim().Length > 0 && !IsTotals(r)).GroupBy(r => r[column].Trim())
            .Select(g => (g.Key, g.Count())).OrderByDescending(v => v.Item2).ThenBy(v => v.Key, StringComparer.Ordinal).ToList();

    // --- dates ----------------------------------------------------------------------------------------------------

    public enum DateFormat { Iso, DayFirst, MonthFirst, DayMonthName, ExcelSerial }

    public sealed record DateDetection(IReadOnlyList<DateFormat> Fits)
    {
        /// <summary>Day first and month first both read every value: only the admin knows which was meant.</summary>
        public bool Ambiguous => Fits.Contains(DateFormat.DayFirst) && Fits.Contains(DateFormat.MonthFirst) && !Fits.Contains(DateFormat.Iso);

        public DateFormat? Chosen => Ambiguous || Fits.Count == 0 ? null : Fits[0];
    }

    public static string Describe(DateFormat format) => format switch
    {
        DateFormat.Iso => "year-month-day (2024-03-15)",
        DateFormat.DayFirst => "day/month/year (15/03/2024)",
        DateFormat.MonthFirst => "month/day/year (03/15/2024)",
        DateFormat.DayMonthName => "day, month name, year (15 Mar 2024)",
        _ => "Excel date numbers (45366)",
    };

    /// <summary>The formats that read every value of a column (bare years, which any birth-date column may hold, aside).</summary>
    public static DateDetection DetectDateFormat(IEnumerable<string> values)
    {
        var dates = values.Select(v => v.Trim()).Where(v => v.Length > 0 && !YearOnly().IsMatch(v)).Take(500).ToList();
        if (dates.Count == 0) return new DateDetection([]);
        return new DateDetection(Enum.GetValues<DateFormat>().Where(f => dates.All(v => ParseDate(v, f) is not null)).ToList());
    }

    /// <summary>A cell as a date written in <paramref name="format"/>; in any digits, and in the Solar Hijri calendar when its year is one.</summary>
    public static DateOnly? ParseDate(string value, DateFormat format)
    {
        value = Domain.SolarHijri.WesternDigits(value.Trim());
        switch (format)
        {
            case DateFormat.ExcelSerial:
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) && serial is > 366 and < 2958466
                    ? DateOnly.FromDateTime(DateTime.FromOADate(serial)) : null;
            case DateFormat.DayMonthName:
                var named = NamedMonth().Match(value);
                if (!named.Success) return null;
                var month = MonthNumber(named.Groups["month"].Value);
                return month is null ? null : Date(int.Parse(named.Groups["year"].Value, CultureInfo.InvariantCulture), month.Value, int.Parse(named.Groups["day"].Value, CultureInfo.InvariantCulture));
        }
        var parts = NumericDate().Match(value);
        if (!parts.Success) return null;
        var (a, b, c) = (int.Parse(parts.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(parts.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(parts.Groups[3].Value, CultureInfo.InvariantCulture));
        var yearFirst = parts.Groups[1].Value.Length == 4;
        return format switch
        {
            DateFormat.Iso when yearFirst => Date(a, b, c),
            DateFormat.DayFirst when !yearFirst && parts.Groups[3].Value.Length == 4 => Date(c, b, a),
            DateFormat.MonthFirst when !yearFirst && parts.Groups[3].Value.Length == 4 => Date(c, a, b),
            _ => null,
        };
    }

    private static DateOnly? Date(int year, int month, int day) =>
        Domain.SolarHijri.IsSolarHijriYear(year) ? Domain.SolarHijri.ToGregorian(year, month, day) :
        year is >= 1900 and <= 2100 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;

    private static int? MonthNumber(string name)
    {
        var folded = name.ToLowerInvariant();
        for (var m = 1; m <= 12; m++)
        {
            var full = CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(m).ToLowerInvariant();
            if (folded == full || (folded.Length >= 3 && full.StartsWith(folded, StringComparison.Ordinal))) return m;
        }
        return null;
    }

    // --- applying a mapping ----------------------------------------------------------------------------------------

    /// <summary>
    /// The file read through the mapping: the template's sheet, with each row's number in the file, the problems only
    /// the mapping can see (a date not in its column's format), which file column each template value came from (so
    /// the import's own problems name the admin's columns), and what was left out and why.
    /// </summary>
    public sealed record Mapped(ImportFile.Sheet Sheet, IReadOnlyList<SpreadsheetImport.Problem> Problems, IReadOnlyList<string> Notices,
        IReadOnlyDictionary<(int Row, string Column, string Value), string> SourceColumns)
    {
        /// <summary>The file's column a template value on a row came from: by its value first, as a spouse and a child share the row.</summary>
        public string? SourceColumn(int row, string column, string value) =>
            SourceColumns.GetValueOrDefault((row, column, value)) ?? SourceColumns.GetValueOrDefault((row, column, ""));
    }

    private static readonly string[] TotalsWords = ["total", "totals", "sum", "grand total", "مجموع", "جمع", "مجموعه", "ټول"];

    /// <summary>A row whose first cell says it sums the rows above: not a case.</summary>
    private static bool IsTotals(string[] cells)
    {
        var first = Fold(cells.FirstOrDefault(c => c.Trim().Length > 0) ?? "");
        return TotalsWords.Any(w => first == w || first.StartsWith(w + " ", StringComparison.Ordinal));
    }

    public Mapped Apply(ImportFile.Sheet sheet, IReadOnlyCollection<Stage> catalog)
    {
        var fields = AllFields(catalog).ToDictionary(f => f.Name);
        var keys = ColumnKeys(sheet.Headers);
        var columns = keys.Select((key, i) => (Index: i, Header: sheet.Headers[i], Field: Fields.TryGetValue(key, out var name) && fields.TryGetValue(name, out var field) ? field : null,
                Format: DateFormats.TryGetValue(key, out var format) ? format : (DateFormat?)null))
            .Where(c => c.Field is not null).ToList();
        var problems = new List<SpreadsheetImport.Problem>();
        var notices = new List<string>();
        var sources = new Dictionary<(int, string, string), string>();
        var unformatted = new HashSet<string>();
        var headers = new List<string>();
        var rows = new List<string[]>();
        var numbers = new List<int>();
        var hasRelationship = columns.Any(c => c.Field!.Name == "relationship");

        for (var i = 0; i < sheet.Rows.Count; i++)
        {
            var cells = sheet.Rows[i];
            var number = sheet.RowNumber(i);
            string Cell(int index) => index < cells.Length ? cells[index].Trim() : "";
            if (columns.All(c => Cell(c.Index).Length == 0)) continue;
            if (IsTotals(cells))
            {
                notices.Add(T("Row {0} was left out: it looks like a totals row.", number));
                continue;
            }
            var members = new Dictionary<string, Dictionary<string, string>> { [""] = [] };
            foreach (var (index, header, field, format) in columns)
            {
                var raw = Cell(index);
                if (raw.Length == 0) continue;
                var value = ConvertCell(raw, field!, format, header, number, problems, unformatted);
                if (value is null) continue;
                var member = members.TryGetValue(field!.Member ?? "", out var existing) ? existing : members[field.Member!] = [];
                member[field.Column] = member.TryGetValue(field.Column, out var before) ? $"{before} {value}" : value;
                sources.TryAdd((number, field.Column, member[field.Column]), header);
                sources.TryAdd((number, field.Column, ""), header);
            }
            var person = members[""];
            if (!hasRelationship) person["relationship"] = "principal";
            Emit(person);
            var reference = person.GetValueOrDefault("case_ref");
            foreach (var (member, values) in members.Where(m => m.Key.Length > 0).OrderBy(m => m.Key == "spouse" ? 0 : int.Parse(m.Key[5..], CultureInfo.InvariantCulture)))
            {
                values["relationship"] = member == "spouse" ? "spouse" : "child";
                if (reference is not null) values["case_ref"] = reference;
                Emit(values);
            }

            void Emit(Dictionary<string, string> values)
            {
                foreach (var column in values.Keys.Where(k => !headers.Contains(k))) headers.Add(column);
                rows.Add(headers.Select(h => values.GetValueOrDefault(h) ?? "").ToArray());
                numbers.Add(number);
            }
        }
        // Rows made before a later column appeared are padded by the import, which reads a missing cell as empty.
        return new Mapped(new ImportFile.Sheet(headers, rows, sheet.Notice, numbers), problems, notices, sources);
    }

    private string? ConvertCell(string raw, Field field, DateFormat? format, string header, int row, List<SpreadsheetImport.Problem> problems,
        HashSet<string> unformatted)
    {
        switch (field.Kind)
        {
            case FieldKind.Date or FieldKind.BirthDate:
                if (field.Kind == FieldKind.BirthDate && YearOnly().IsMatch(raw)) return raw;
                if (format is null)
                {
                    // Once per column: every row of it waits on the same choice.
                    if (unformatted.Add(header)) problems.Add(new SpreadsheetImport.Problem(row, header, raw, T("Choose how this column writes its dates (day or month first).")));
                    return null;
                }
                if (ParseDate(raw, format.Value) is { } date) return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                problems.Add(new SpreadsheetImport.Problem(row, header, raw, T("Not a date written {0}, as the rest of this column is.", T(Describe(format.Value)))));
                return null;
            case FieldKind.Choice:
                var choice = field.Choice!;
                return Values.TryGetValue(choice, out var map) && map.TryGetValue(Fold(raw), out var meant) ? meant : raw;
            default:
                return raw;
        }
    }

    [GeneratedRegex(@"[\s_\-.,;:/\\()\[\]'""#*?!]+")]
    private static partial Regex Punctuation();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?<who>spouse|wife|husband|همسر|خانم|میرمن|child|kid|son|daughter|فرزند|اولاد|ماشوم)\s*(?<n>\d*)\s*(?<rest>.*)$")]
    private static partial Regex MemberHeader();

    [GeneratedRegex(@"^\+?[\d\s\-()]{9,20}$")]
    private static partial Regex PhoneLike();

    [GeneratedRegex(@"^(\d{4}-\d{4}-\d{5}|\d{6,8})$")]
    private static partial Regex TazkiraLike();

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex YearOnly();

    [GeneratedRegex(@"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")]
    private static partial Regex NumericDate();

    [GeneratedRegex(@"^(?<day>\d{1,2})[\s\-]+(?<month>[A-Za-z]{3,9})\.?[\s\-,]+(?<year>\d{4})$")]
    private static partial Regex NamedMonth();
}
