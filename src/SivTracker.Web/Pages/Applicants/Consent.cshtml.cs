using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>A person's consent register: what they agreed to, how, when and until when, and withdrawals.</summary>
public class Consent(AppDbContext db, Consent.Handler handler, Referrals.Index.Handler referrals, OrganisationCalendar calendar, Audit audit) : PageModel
{
    public sealed record Command
    {
        public ConsentKind Kind { get; init; } = ConsentKind.ShareWithOrganisation;
        public Guid? RecipientOrganisationId { get; init; }
        public ConsentMethod Method { get; init; } = ConsentMethod.Verbal;
        public DateOnly? GivenOn { get; init; }
        public DateOnly? ValidUntil { get; init; }
        public string? Note { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(DateOnly today)
        {
            RuleFor(c => c.Kind).IsInEnum();
            RuleFor(c => c.Method).IsInEnum();
            RuleFor(c => c.RecipientOrganisationId).NotNull().When(c => c.Kind == ConsentKind.ShareWithOrganisation)
                .WithMessage(T("Choose the organisation the applicant agreed to share with."));
            RuleFor(c => c.GivenOn).NotNull().WithMessage(T("Enter the date the consent was given."))
                .LessThanOrEqualTo(today).WithMessage(T("The date cannot be in the future."));
            RuleFor(c => c.ValidUntil).GreaterThanOrEqualTo(c => c.GivenOn).When(c => c.ValidUntil is not null && c.GivenOn is not null)
                .WithMessage(T("The end cannot be before the date it was given."));
            RuleFor(c => c.Note).PlainText(1000, multiline: true);
        }
    }

    public enum Outcome { Done, NotFound, Refused }

    public sealed record Result(Outcome Outcome, IReadOnlyList<FieldError> Errors);

    /// <summary>Recording and withdrawing consent, for the page and tests; a withdrawal stops every referral still waiting under it.</summary>
    public sealed class Handler(AppDbContext db, OrganisationCalendar calendar, TimeProvider time, Audit audit, Referrals.Index.Handler referrals)
    {
        public async Task<Result> RecordAsync(Guid personId, Command command, Guid? userId, CancellationToken ct)
        {
            var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Recording consent needs an organisation.");
            if (!await db.Persons.AnyAsync(p => p.Id == personId && p.MergedIntoId == null, ct)) return new Result(Outcome.NotFound, []);
            var validation = new Validator(await calendar.TodayAsync(ct)).Validate(command);
            if (!validation.IsValid) return new Result(Outcome.Refused, validation.ToFieldErrors());
            if (command.Kind == ConsentKind.ShareWithOrganisation && !await referrals.Receivers(organisationId).AnyAsync(o => o.Id == command.RecipientOrganisationId, ct))
            {
                return new Result(Outcome.Refused, [new FieldError(nameof(Command.RecipientOrganisationId), T("Choose an organisation from the directory that takes referrals."))]);
            }
            var consent = new Domain.Consent
            {
                OrganisationId = organisationId, PersonId = personId, Kind = command.Kind,
                RecipientOrganisationId = command.Kind == ConsentKind.ShareWithOrganisation ? command.RecipientOrganisationId : null,
                Method = command.Method, GivenOn = command.GivenOn!.Value, ValidUntil = command.ValidUntil, RecordedAt = time.GetUtcNow(), RecordedById = userId,
                Note = string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim(),
            };
            db.Consents.Add(consent);
            audit.Record(AuditActions.ConsentRecorded, "person", personId, $"consent={consent.Id}, kind={consent.Kind}, method={consent.Method}", organisationId, userId);
            await db.SaveChangesAsync(ct);
            return new Result(Outcome.Done, []);
        }

        public async Task<Result> WithdrawAsync(Guid personId, Guid consentId, Guid? userId, CancellationToken ct)
        {
            var consent = await db.Consents.FirstOrDefaultAsync(c => c.Id == consentId && c.PersonId == personId && c.WithdrawnAt == null, ct);
            if (consent is null) return new Result(Outcome.NotFound, []);
            consent.WithdrawnAt = time.GetUtcNow();
            consent.WithdrawnById = userId;
            // Sharing stops at once: what waits under this consent goes nowhere, and its packet is dropped.
            foreach (var waiting in await db.Referrals.Where(r => r.ConsentId == consentId && r.FromOrganisationId == consent.OrganisationId && r.Status == ReferralStatus.Pending).ToListAsync(ct))
            {
                referrals.Cancel(waiting);
                audit.Record(AuditActions.ReferralCancelled, "referral", waiting.Id, "consent withdrawn", waiting.ToOrganisationId, userId);
            }
            // Accepted copies stay with their receivers, but nothing more flows to them.
            await db.Referrals.Where(r => r.ConsentId == consentId && r.FromOrganisationId == consent.OrganisationId && r.Linked)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Linked, false), ct);
            audit.Record(AuditActions.ConsentWithdrawn, "person", personId, $"consent={consentId}", consent.OrganisationId, userId);
            await db.SaveChangesAsync(ct);
            return new Result(Outcome.Done, []);
        }
    }

    public sealed record Row(Guid Id, ConsentKind Kind, string? Recipient, ConsentMethod Method, DateOnly GivenOn, DateOnly? ValidUntil, string? Note,
        DateTimeOffset? WithdrawnAt, bool InForce);

    [BindProperty]
    public Command Input { get; set; } = new();

    public Guid PersonId { get; private set; }
    public string PersonName { get; private set; } = "";
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IEnumerable<SelectListItem> Organisations { get; private set; } = [];

    [Audited(AuditActions.PersonViewed)]
    public async Task<IActionResult> OnGetAsync(Guid personId, CancellationToken ct)
    {
        if (!await LoadAsync(personId, ct)) return NotFound();
        await audit.RecordNowAsync(AuditActions.PersonViewed, "person", personId, "consent register", ct: ct);
        return Page();
    }

    [Audited(AuditActions.ConsentRecorded)]
    public async Task<IActionResult> OnPostAsync(Guid personId, CancellationToken ct)
    {
        var result = ModelState.IsValid ? await handler.RecordAsync(personId, Input, User.UserId(), ct) : new Result(Outcome.Refused, []);
        if (result.Outcome == Outcome.NotFound) return NotFound();
        if (result.Outcome == Outcome.Done)
        {
            TempData["Flash"] = T("Consent recorded.");
            return RedirectToPage(new { personId });
        }
        foreach (var error in result.Errors) ModelState.AddModelError($"{nameof(Input)}.{error.Field}", error.Message);
        return await LoadAsync(personId, ct) ? Page() : NotFound();
    }

    [Audited(AuditActions.ConsentWithdrawn)]
    public async Task<IActionResult> OnPostWithdrawAsync(Guid personId, Guid consentId, CancellationToken ct)
    {
        if ((await handler.WithdrawAsync(personId, consentId, User.UserId(), ct)).Outcome == Outcome.NotFound) return NotFound();
        TempData["Flash"] = T("Consent withdrawn: nothing more is shared under it, and organisations that received the case are told.");
        return RedirectToPage(new { personId });
    }

    private async Task<bool> LoadAsync(Guid personId, CancellationToken ct)
    {
        var person = await db.Persons.AsNoTracking().Where(p => p.Id == personId && p.MergedIntoId == null).Select(p => new { p.Id, p.GivenNames, p.FamilyName }).FirstOrDefaultAsync(ct);
        if (person is null) return false;
        PersonId = person.Id;
        PersonName = Domain.Person.FormatName(person.GivenNames, person.FamilyName);
        var today = await calendar.TodayAsync(ct);
        var consents = await db.Consents.AsNoTracking().Where(c => c.PersonId == personId).OrderByDescending(c => c.RecordedAt).ToListAsync(ct);
        var names = await db.Organisations.AsNoTracking().Select(o => new { o.Id, o.Name }).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        Rows = consents.Select(c => new Row(c.Id, c.Kind, c.RecipientOrganisationId is { } r ? names.GetValueOrDefault(r) : null, c.Method, c.GivenOn, c.ValidUntil, c.Note,
            c.WithdrawnAt, c.InForce(today))).ToList();
        Organisations = (await referrals.Receivers(User.OrganisationId() ?? Guid.Empty).OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(ct))
            .Select(o => new SelectListItem(o.Name, o.Id.ToString()));
        return true;
    }
}
