using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>
/// A person's message thread with their NGO, as staff see it: the applicant's messages (marked read once opened here)
/// and the replies. The applicant's side is Portal/Messages; both send through the same handler.
/// </summary>
public class Messages(AppDbContext db, Messages.Handler handler) : PageModel
{
    public sealed record Entry(DateTimeOffset At, bool FromApplicant, string? Author, string Body);

    public sealed class Validator : AbstractValidator<string?>
    {
        public Validator()
        {
            RuleFor(body => body).NotEmpty().WithMessage(T("Write a message first."))
                .PlainText(PortalCorrections.MaxMessageLength, multiline: true).OverridePropertyName("Body");
        }
    }

    public sealed class Handler(AppDbContext db, Audit audit, TimeProvider time)
    {
        /// <summary>Adds a message to a person's thread; null when sent, otherwise why not.</summary>
        public async Task<FieldError?> SendAsync(Guid personId, bool fromApplicant, Guid? authorId, string? body, CancellationToken ct)
        {
            if (new Validator().Validate(body?.Trim() ?? "") is { IsValid: false } invalid) return new FieldError("Body", invalid.Errors[0].ErrorMessage);
            var person = await db.Persons.AsNoTracking().Where(p => p.Id == personId && p.MergedIntoId == null).Select(p => new { p.Id, p.OrganisationId }).FirstOrDefaultAsync(ct);
            if (person is null) return new FieldError("", T("This person is no longer on record."));
            var message = new PortalMessage
            {
                OrganisationId = person.OrganisationId, PersonId = personId, FromApplicant = fromApplicant, AuthorId = authorId, Body = body!.Trim(), SentAt = time.GetUtcNow(),
            };
            db.PortalMessages.Add(message);
            audit.Record(AuditActions.PortalMessageSent, "person", personId, fromApplicant ? $"message {message.Id} from the applicant" : $"message {message.Id} to the applicant",
                person.OrganisationId);
            await db.SaveChangesAsync(ct);
            return null;
        }

        /// <summary>The thread, oldest first; what the other side wrote is marked read by this look.</summary>
        public async Task<IReadOnlyList<Entry>> ReadAsync(Guid personId, bool byApplicant, CancellationToken ct)
        {
            var now = time.GetUtcNow();
            var messages = await db.PortalMessages.AsNoTracking().Where(m => m.PersonId == personId).OrderBy(m => m.SentAt).ToListAsync(ct);
            await db.PortalMessages.Where(m => m.PersonId == personId && m.FromApplicant != byApplicant && m.ReadAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ReadAt, now), ct);
            var authorIds = messages.Where(m => m.AuthorId is not null).Select(m => m.AuthorId!.Value).Distinct().ToList();
            var authors = await db.Users.AsNoTracking().Where(u => authorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
            audit.Record(AuditActions.PortalMessagesViewed, "person", personId, $"messages={messages.Count}{(byApplicant ? ", by the applicant" : "")}");
            await db.SaveChangesAsync(ct);
            return messages.Select(m => new Entry(m.SentAt, m.FromApplicant, m.AuthorId is { } a && authors.TryGetValue(a, out var name) ? name : null, m.Body)).ToList();
        }
    }

    [BindProperty(SupportsGet = true)]
    public Guid PersonId { get; set; }

    [BindProperty]
    public string? Body { get; set; }

    public string PersonName { get; private set; } = "";
    public IReadOnlyList<Entry> Thread { get; private set; } = [];

    [Audited(AuditActions.PortalMessagesViewed)]
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    [Audited(AuditActions.PortalMessageSent)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await db.Persons.AnyAsync(p => p.Id == PersonId && p.MergedIntoId == null, ct)) return NotFound();
        if (await handler.SendAsync(PersonId, fromApplicant: false, User.UserId(), Body, ct) is { } error)
        {
            ModelState.AddModelError(nameof(Body), error.Message);
            await LoadAsync(ct);
            return Page();
        }
        TempData["Flash"] = T("Message sent. The applicant sees it the next time they open the portal.");
        return RedirectToPage(new { PersonId });
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var person = await db.Persons.AsNoTracking().Where(p => p.Id == PersonId && p.MergedIntoId == null).Select(p => new { p.GivenNames, p.FamilyName }).FirstOrDefaultAsync(ct);
        if (person is null) return false;
        PersonName = Person.FormatName(person.GivenNames, person.FamilyName);
        Thread = await handler.ReadAsync(PersonId, byApplicant: false, ct);
        return true;
    }
}
