using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Evidence;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Admin;

/// <summary>The organisation's letter texts: each kind starts from the built-in text and can be written over, or put back.</summary>
public class Letters(AppDbContext db, Audit audit) : PageModel
{
    public sealed class BodyValidator : AbstractValidator<string>
    {
        public BodyValidator()
        {
            RuleFor(body => body).NotEmpty().WithMessage(T("Write the letter.")).PlainText(20_000, multiline: true)
                .Must(body => !Domain.Letters.UnknownFields(body ?? "").Any())
                .WithMessage(body => T("Unknown merge field: {0}. Use one of the fields listed.", string.Join(", ", Domain.Letters.UnknownFields(body ?? "").Select(f => "{{" + f + "}}"))));
        }
    }

    [BindProperty(SupportsGet = true)]
    public LetterKind Kind { get; set; }

    [BindProperty]
    public string Body { get; set; } = "";

    /// <summary>The version of the organisation's text the form was opened on; null while the built-in text is used.</summary>
    [BindProperty]
    public uint? Version { get; set; }

    public bool Customised { get; private set; }

    [NotAudited("Letter templates: the organisation's own texts with merge fields, no personal data.")]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!Enum.IsDefined(Kind)) return NotFound();
        await LoadAsync(ct);
        return Page();
    }

    [Audited(AuditActions.LetterTemplateChanged)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!Enum.IsDefined(Kind)) return NotFound();
        var result = new BodyValidator().Validate(Body);
        if (!result.IsValid)
        {
            foreach (var error in result.Errors) ModelState.AddModelError(nameof(Body), error.ErrorMessage);
            Customised = Version is not null;
            return Page();
        }
        var template = await db.LetterTemplates.FirstOrDefaultAsync(t => t.Kind == Kind, ct);
        if (template is null)
        {
            if (Version is not null) return Stale();
            db.LetterTemplates.Add(new LetterTemplate { OrganisationId = db.OrganisationId!.Value, Kind = Kind, Body = Body.Replace("\r\n", "\n") });
        }
        else
        {
            db.Entry(template).Property(t => t.Version).OriginalValue = Version ?? 0;
            template.Body = Body.Replace("\r\n", "\n");
        }
        audit.Record(AuditActions.LetterTemplateChanged, "letter-template", Kind.ToString(), "edited");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (Exception exception) when (exception is DbUpdateConcurrencyException or DbUpdateException { InnerException: Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } })
        {
            return Stale();
        }
        TempData["Flash"] = T("Saved: new letters use this text.");
        return RedirectToPage(new { Kind });
    }

    /// <summary>Drops the organisation's text, so the built-in one is used again.</summary>
    [Audited(AuditActions.LetterTemplateChanged)]
    public async Task<IActionResult> OnPostRestoreAsync(CancellationToken ct)
    {
        var template = await db.LetterTemplates.FirstOrDefaultAsync(t => t.Kind == Kind, ct);
        if (template is not null)
        {
            db.LetterTemplates.Remove(template);
            audit.Record(AuditActions.LetterTemplateChanged, "letter-template", Kind.ToString(), "built-in text restored");
            await db.SaveChangesAsync(ct);
        }
        TempData["Flash"] = T("The built-in text is used again.");
        return RedirectToPage(new { Kind });
    }

    private IActionResult Stale()
    {
        ModelState.AddModelError(nameof(Body), T("Someone else changed this letter while you were editing. Your text is below; the page now holds theirs as the starting point if you reload."));
        Customised = true;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var template = await db.LetterTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Kind == Kind, ct);
        Customised = template is not null;
        Version = template?.Version;
        Body = template?.Body ?? Domain.Letters.BuiltIn(Kind);
    }

    public static string Title(LetterKind kind) => LetterWriter.Title(kind);
}
