using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Evidence;

public enum LetterFormat { Docx, Pdf }

/// <summary>
/// Merges a letter template with a case and keeps the letter with the case's documents (sealed like any upload) and a
/// note in its timeline, in one transaction.
/// </summary>
public sealed class LetterWriter(AppDbContext db, DelayEvidence evidence, SealedFiles files, Audit audit, TimeProvider time)
{
    public sealed record Letter(Guid FileId, string FileName, string ContentType, byte[] Content);

    public async Task<string> BodyAsync(LetterKind kind, CancellationToken ct) =>
        await db.LetterTemplates.AsNoTracking().Where(t => t.Kind == kind).Select(t => t.Body).FirstOrDefaultAsync(ct) ?? Letters.BuiltIn(kind);

    /// <summary>Every merge field's value for the case, or null when there is no such case.</summary>
    public async Task<IReadOnlyDictionary<string, string?>?> ValuesAsync(Guid caseId, Guid? userId, CancellationToken ct)
    {
        var packet = await evidence.LoadAsync(caseId, includeIdentity: true, ct);
        if (packet is null) return null;
        var @case = await db.Cases.Where(c => c.Id == caseId)
            .Select(c => new { c.PrincipalId, CaseworkerEmail = db.Users.Where(u => u.Id == c.CaseworkerId).Select(u => u.Email).FirstOrDefault() }).FirstAsync(ct);
        var person = await db.Persons.AsNoTracking().FirstAsync(p => p.Id == @case.PrincipalId, ct);
        // The service the letter speaks of: the latest.
        var service = await db.ServiceRecords.AsNoTracking().Where(s => s.PersonId == @case.PrincipalId).OrderByDescending(s => s.StartDate).FirstOrDefaultAsync(ct);
        var numbers = packet.Identity!.Numbers;
        string? Current(CaseNumberKind kind) => numbers.FirstOrDefault(n => n.Current && n.Kind == kind).Number;
        var clock = packet.Clock;
        return new Dictionary<string, string?>
        {
            ["today"] = Day(packet.Today),
            ["organisation.name"] = packet.OrganisationName,
            ["person.full_name"] = packet.Identity.Name,
            ["person.given_names"] = person.GivenNames,
            ["person.family_name"] = person.FamilyName,
            ["person.native_name"] = person.NativeName,
            ["person.fathers_name"] = person.FatherName,
            ["person.date_of_birth"] = Labels.DateOfBirth(person.DateOfBirth, person.DateOfBirthPrecision),
            ["case.reference"] = packet.Reference,
            ["case.program"] = packet.Program.ToString(),
            ["case.nvc_case_number"] = Current(CaseNumberKind.NvcCase),
            ["case.uscis_receipt_number"] = Current(CaseNumberKind.UscisReceipt),
            ["case.stage"] = packet.StageName,
            ["case.clock_started_on"] = clock.StartedOn is { } started ? Day(started) : null,
            ["case.government_days"] = Number(clock.GovernmentDays),
            ["case.applicant_days"] = Number(clock.PausedDays),
            ["case.limit_days"] = clock.LimitDays is { } limit ? Number(limit) : null,
            ["case.days_over"] = Number(clock.DaysOver ?? 0),
            ["service.employer"] = service?.Employer,
            ["service.role"] = service is null ? null : Labels.For(service.Role),
            ["service.start"] = service is null ? null : Day(service.StartDate),
            ["service.end"] = service?.EndDate is { } end ? Day(end) : null,
            ["service.location"] = service?.Location,
            ["service.supervisor_name"] = service?.SupervisorName,
            ["caseworker.name"] = packet.Caseworker,
            ["caseworker.email"] = @case.CaseworkerEmail,
        };
    }

    public static string Title(LetterKind kind) => kind switch
    {
        LetterKind.ExpediteRequest => T("Expedite request"),
        LetterKind.CongressionalInquiry => T("Congressional inquiry cover letter"),
        LetterKind.PrivacyRelease => T("Privacy release for a congressional office"),
        _ => T("Request to a former supervisor for a recommendation letter"),
    };

    public async Task<Letter?> GenerateAsync(Guid caseId, LetterKind kind, LetterFormat format, Guid? userId, CancellationToken ct)
    {
        var values = await ValuesAsync(caseId, userId, ct);
        if (values is null) return null;
        var merged = Letters.Merge(await BodyAsync(kind, ct), values);
        var reference = values["case.reference"]!;
        var content = format == LetterFormat.Docx ? Docx(merged) : Pdf(merged, $"{values["organisation.name"]} · {reference}", Title(kind));
        var fileName = $"{Title(kind)} {reference} {values["today"]}.{format.ToString().ToLowerInvariant()}";
        var contentType = format == LetterFormat.Docx ? FileTypes.Docx : FileTypes.Pdf;

        var organisationId = db.OrganisationId ?? throw new InvalidOperationException("A letter needs an organisation.");
        var file = new StoredFile { OrganisationId = organisationId, CaseId = caseId, FileName = fileName, ContentType = contentType, DataKey = "" };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await files.WriteAsync(file, new MemoryStream(content), ct);
            db.CaseNotes.Add(new CaseNote { OrganisationId = organisationId, CaseId = caseId, Body = T("Letter generated: {0} ({1}), kept with the case's documents.", Title(kind), format.ToString().ToUpperInvariant()) });
            audit.Record(AuditActions.LetterGenerated, "case", caseId, $"letter={kind}; format={format}; file {file.Id}", organisationId, userId);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch
        {
            await files.DiscardAsync(file, CancellationToken.None);
            throw;
        }
        return new Letter(file.Id, fileName, file.ContentType, content);
    }

    /// <summary>A Word document, one paragraph per line; right to left throughout when the letter is written in Dari or Pashto.</summary>
    public static byte[] Docx(string merged)
    {
        var rtl = Letters.IsRightToLeft(merged);
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body();
            foreach (var paragraph in Letters.Paragraphs(merged))
            {
                for (var i = 0; i < paragraph.Count; i++)
                {
                    var properties = new ParagraphProperties(new SpacingBetweenLines { After = i == paragraph.Count - 1 ? "200" : "0" });
                    var runProperties = new RunProperties(new RunFonts { Ascii = "Calibri", HighAnsi = "Calibri", ComplexScript = "Arial" });
                    if (rtl)
                    {
                        properties.PrependChild(new BiDi());
                        runProperties.AppendChild(new RightToLeftText());
                    }
                    // Text nodes are written escaped by the SDK: a value is only ever text in the letter.
                    body.AppendChild(new Paragraph(properties, new Run(runProperties, new DocumentFormat.OpenXml.Wordprocessing.Text(paragraph[i]) { Space = SpaceProcessingModeValues.Preserve })));
                }
            }
            main.Document = new Document(body);
            main.Document.Save();
        }
        return stream.ToArray();
    }

    private byte[] Pdf(string merged, string footer, string title)
    {
        using var stream = new MemoryStream();
        using (var pdf = new PdfComposer(stream, title, Letters.IsRightToLeft(merged), footer, time.GetUtcNow()))
        {
            pdf.Space(12);
            foreach (var paragraph in Letters.Paragraphs(merged))
            {
                foreach (var line in paragraph) pdf.Paragraph(line, 11);
                pdf.Space(8);
            }
        }
        return stream.ToArray();
    }

    private static string Day(DateOnly day) => PdfComposer.Day(day);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
