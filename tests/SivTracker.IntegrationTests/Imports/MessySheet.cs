using System.Text;
using SivTracker.Web.Domain;
using SivTracker.Web.Imports;

namespace SivTracker.IntegrationTests.Imports;

/// <summary>
/// A sheet as an NGO keeps it: its own headers in mixed case and Dari, dates day first, free-text statuses and
/// programs, one row per case with the family in column groups, a column SivTracker has no field for, a blank line and
/// a totals row at the end.
/// </summary>
public static class MessySheet
{
    public const string Header = "Case Ref,Given Names,تخلص,DOB,Gender,Phone,Program,Status,Since,Spouse Name,Spouse DOB,Child 1 Name,Child 1 DOB,Child 2 Name,Child 2 DOB,Notes";

    /// <summary>The rows of three cases (file rows 2 to 4), references prefixed so each test has its own.</summary>
    public static string[] Rows(string prefix) =>
    [
        $"{prefix}-001,Mohammad,Karimi,15/03/1988,male,+93 70 123 4567,Afghan SIV,Waiting for COM,20/01/2024,Maryam,02/05/1992,Ahmad,13/06/2012,,,called twice",
        $"{prefix}-002,Hamid,Sultani,1975,M,,602b,COM approved,05/11/2023,,,,,,,",
        $"{prefix}-003,Fatima,Ahmadzai,23/07/1990,F,,AF602B,Waiting for COM,14/02/2024,,,Zahra,01/09/2015,Ali,30/12/2018,",
    ];

    /// <summary>The sheet as a CSV file: the rows, a blank line, then a totals row (file row 6).</summary>
    public static byte[] Csv(string prefix, Encoding encoding, params string[] rows) =>
        [.. encoding.GetPreamble(), .. encoding.GetBytes(string.Join("\r\n", [Header, .. rows.Length > 0 ? rows : Rows(prefix), "", "Total,3,,,,,,,,,,,,,,"]) + "\r\n")];

    /// <summary>Windows-1256 without a byte order mark, as Excel on a Dari system saves CSV.</summary>
    public static Encoding Windows1256
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(1256);
        }
    }

    /// <summary>
    /// What an admin who accepts every proposal makes of the sheet, choosing day first for the one column whose dates
    /// read both ways (Spouse DOB holds only 02/05/1992).
    /// </summary>
    public static ImportMapping AcceptedProposals(ImportFile.Sheet sheet, IReadOnlyCollection<Stage> catalog, bool chooseAmbiguous = true)
    {
        var mapping = new ImportMapping();
        var keys = ImportMapping.ColumnKeys(sheet.Headers);
        var fields = ImportMapping.AllFields(catalog).ToDictionary(f => f.Name);
        foreach (var (key, field) in ImportMapping.ProposeFields(sheet, catalog)) mapping.Fields[key] = field;
        for (var i = 0; i < keys.Count; i++)
        {
            if (!mapping.Fields.TryGetValue(keys[i], out var name)) continue;
            var field = fields[name];
            var values = ImportMapping.ColumnValues(sheet, i);
            if (field.Kind is ImportMapping.FieldKind.Date or ImportMapping.FieldKind.BirthDate)
            {
                var detected = ImportMapping.DetectDateFormat(values.Select(v => v.Value));
                if (detected.Chosen is { } format) mapping.DateFormats[keys[i]] = format;
                else if (detected.Ambiguous && chooseAmbiguous) mapping.DateFormats[keys[i]] = ImportMapping.DateFormat.DayFirst;
            }
            if (field.Choice is { } choice)
            {
                foreach (var (value, _) in values)
                {
                    if (ImportMapping.ProposeValue(choice, value, catalog) is { } meant)
                    {
                        (mapping.Values.TryGetValue(choice, out var map) ? map : mapping.Values[choice] = [])[ImportMapping.Fold(value)] = meant;
                    }
                }
            }
        }
        return mapping;
    }
}
