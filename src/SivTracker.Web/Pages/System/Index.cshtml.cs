using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Instance;

/// <summary>Instance administration: organisations and their first admin. Shows no case data.</summary>
public class Index(AppDbContext db, UserAccounts accounts, Audit audit, ILogger<Index> logger) : PageModel
{
    public sealed record Row(string Slug, string Name, string TimeZone, int Users);

    public sealed record Command
    {
        public string Slug { get; init; } = "";
        public string Name { get; init; } = "";
        public string TimeZone { get; init; } = "UTC";
        public string AdminEmail { get; init; } = "";
        public string AdminName { get; init; } = "";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Slug).NotEmpty().WithMessage(T("Enter a short name for URLs and the CLI."))
                .Matches("^[a-z0-9][a-z0-9-]{1,39}$").WithMessage(T("Use 2 to 40 lower-case letters, digits and dashes."));
            RuleFor(c => c.Name).NotEmpty().WithMessage(T("Enter the organisation's name.")).PlainText(200);
            RuleFor(c => c.TimeZone).Must(zone => TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
                .WithMessage(T("Enter a time zone name such as UTC, Asia/Kabul or America/New_York."));
            RuleFor(c => c.AdminEmail).NotEmpty().WithMessage(T("Enter the first admin's email."))
                .EmailAddress().WithMessage(T("Enter a valid email address.")).PlainText(256);
            RuleFor(c => c.AdminName).NotEmpty().WithMessage(T("Enter the first admin's name.")).PlainText(200);
        }
    }

    [BindProperty]
    public Command Input { get; set; } = new();

    public IReadOnlyList<Row> Organisations { get; private set; } = [];
    public string? OneTimePassword { get; private set; }

    [NotAudited("Organisations with their user counts: no case or personal data.")]
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    [Audited(AuditActions.OrganisationCreated, AuditActions.UserCreated)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (ModelState.Validate(new Validator(), Input) && await db.Organisations.AnyAsync(o => o.Slug == Input.Slug, ct))
        {
            ModelState.AddModelError("Input.Slug", T("An organisation already uses this short name."));
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var organisation = new Organisation { Slug = Input.Slug, Name = Input.Name.Trim(), TimeZone = Input.TimeZone };
        db.Organisations.Add(organisation);
        await db.SaveChangesAsync(ct);
        var created = await accounts.CreateAsync(Input.AdminEmail, Input.AdminName, organisation.Id, [Roles.Admin], sendInvitation: true, ct: ct);
        if (created.User is null)
        {
            // Nothing half-made: the organisation goes with the failed admin.
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            ModelState.AddIdentityErrors(created.Result, "Input.AdminEmail");
            await LoadAsync(ct);
            return Page();
        }
        // In the new organisation's own log, which starts with who made it and its first admin.
        audit.Record(AuditActions.OrganisationCreated, "organisation", organisation.Id, organisationId: organisation.Id);
        audit.Record(AuditActions.UserCreated, "user", created.User.Id, $"roles: {Roles.Admin}", organisationId: organisation.Id);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Organisation {OrganisationId} created with admin {UserId}", organisation.Id, created.User.Id);
        OneTimePassword = created.OneTimePassword;
        TempData["Flash"] = created.InvitationSent ? T("Organisation created; its admin has an invitation by email.") : null;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Organisations = await db.Organisations.AsNoTracking().OrderBy(o => o.Name)
            .Select(o => new Row(o.Slug, o.Name, o.TimeZone, db.Users.Count(u => u.OrganisationId == o.Id)))
            .ToListAsync(ct);
}
