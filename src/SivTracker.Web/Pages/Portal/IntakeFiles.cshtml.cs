using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using SivTracker.Web.Pages.Cases;

namespace SivTracker.Web.Pages.Portal;

/// <summary>
/// Files sent with an intake request, by the browser that sent it, for an hour after: sealed and typed by content like
/// every upload, and held with the request until a caseworker registers, attaches or rejects it.
/// </summary>
[IgnoreAntiforgeryToken(Order = 1001)]
[StreamedUpload]
[EnableRateLimiting(RateLimits.Intake)]
public class IntakeFiles(AppDbContext db, Files.Handler files, Audit audit, IDataProtectionProvider protection) : PageModel
{
    public (string Token, string? Slug, IReadOnlyList<string> Attached, string? Error) Received { get; private set; }

    [NotAudited("Nothing to show: the form is on the intake page.")]
    public IActionResult OnGet([FromQuery(Name = "o")] string? slug) => Redirect($"/Portal/Intake?o={Uri.EscapeDataString(slug ?? "")}");

    [Audited(AuditActions.IntakeFileReceived)]
    public async Task<IActionResult> OnPostAsync([FromQuery(Name = "o")] string? slug, CancellationToken ct)
    {
        // A closed form takes no more files either, and nothing of the upload is read to find out.
        if (!await db.Organisations.AnyAsync(o => o.Slug == slug && o.IntakeOpen, ct)) return NotFound();
        IntakeSubmission? submission = null;
        string token = "";
        async Task<IActionResult> Show(string? error)
        {
            var attached = submission is null ? [] : await db.StoredFiles.IgnoreQueryFilters().AsNoTracking().Where(f => f.IntakeSubmissionId == submission.Id && f.DeletedAt == null)
                .OrderBy(f => f.CreatedAt).Select(f => f.FileName).ToListAsync(ct);
            Received = (token, slug, attached, error);
            return Page();
        }
        return await StreamedForm.ReceiveAsync(HttpContext, async (fields, name, body) =>
        {
            token = fields.GetValueOrDefault("attach") ?? "";
            Guid? id = null;
            try
            {
                id = Guid.Parse(Intake.Protector(protection, "attach").Unprotect(token));
            }
            catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or FormatException)
            {
            }
            // Before anyone signs in no organisation is known: the token names the request, wherever it is.
            submission = id is null ? null : await db.IntakeSubmissions.IgnoreQueryFilters().AsNoTracking()
                .FirstOrDefaultAsync(s => s.Id == id && s.Status == IntakeStatus.Pending && db.Organisations.Any(o => o.Id == s.OrganisationId && o.Slug == slug), ct);
            if (submission is null) return NotFound();
            var count = await db.StoredFiles.IgnoreQueryFilters().CountAsync(f => f.IntakeSubmissionId == submission.Id && f.DeletedAt == null, ct);
            if (count >= IntakeProof.MaxAttachments) return await Show(Text.T("That is as many files as one request takes; the organisation will ask for more if needed."));
            var file = new StoredFile
            {
                OrganisationId = submission.OrganisationId, IntakeSubmissionId = submission.Id, PersonKind = PersonFileKind.Other, FileName = Files.CleanName(name),
                ContentType = "", DataKey = "", FromApplicant = true,
            };
            var refusal = await files.SealAsync(file, body, stored =>
            {
                audit.Record(AuditActions.IntakeFileReceived, "intake", submission.Id, $"file {stored.Id}: {stored.ContentType}, {stored.Size} bytes", submission.OrganisationId);
                return Task.FromResult<string?>(null);
            }, ct);
            return await Show(refusal);
        }, (fields, message) =>
        {
            Received = (fields.GetValueOrDefault("attach") ?? "", slug, [], message);
            return Page();
        }, ct);
    }
}
