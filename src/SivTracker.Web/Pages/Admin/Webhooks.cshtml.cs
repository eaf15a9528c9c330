using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Background;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Admin;

/// <summary>The organisation's webhook subscriptions: subscribe a URL to events (its secret shown once), watch deliveries, pause, resume, remove.</summary>
public class WebhooksModel(AppDbContext db, WebhooksModel.Handler handler) : PageModel
{
    public sealed record Command
    {
        public string? Url { get; init; }
        public List<string> Events { get; init; } = [];
        public string? Description { get; init; }
    }

    public const string PausedByAdmin = "Paused by an admin.";

    public sealed record Subscribed(WebhookSubscription? Subscription, string? Secret, IReadOnlyList<FieldError> Errors);

    /// <summary>Subscriptions for the page and the API alike: the same checks, the same audit rows.</summary>
    public sealed class Handler(AppDbContext db, WebhookSettings settings, Audit audit, TimeProvider time)
    {
        public async Task<Subscribed> SubscribeAsync(Command command, Guid? userId, CancellationToken ct)
        {
            if (Webhooks.Problem(command.Url, command.Events, command.Description, settings.AllowLocalReceivers) is { } problem)
            {
                return new Subscribed(null, null, [new FieldError(problem.Field, problem.Message)]);
            }
            var organisationId = db.OrganisationId ?? throw new InvalidOperationException("A subscription needs an organisation.");
            var subscription = new WebhookSubscription
            {
                OrganisationId = organisationId, Url = command.Url!.Trim(), Events = command.Events.Distinct().Order().ToArray(),
                Description = string.IsNullOrWhiteSpace(command.Description) ? null : command.Description.Trim(), Secret = Webhooks.NewSecret(),
                CreatedAt = time.GetUtcNow(), CreatedById = userId,
            };
            db.WebhookSubscriptions.Add(subscription);
            audit.Record(AuditActions.WebhookSubscribed, "webhook", subscription.Id, $"events: {string.Join(", ", subscription.Events)}", organisationId, userId);
            await db.SaveChangesAsync(ct);
            return new Subscribed(subscription, subscription.Secret, []);
        }

        /// <summary>Pauses or resumes; false when there is no such subscription in the organisation.</summary>
        public async Task<bool> SetPausedAsync(Guid id, bool paused, Guid? userId, CancellationToken ct)
        {
            var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
            if (subscription is null) return false;
            subscription.PausedAt = paused ? subscription.PausedAt ?? time.GetUtcNow() : null;
            if (!paused)
            {
                // Resumed: what waited goes out now, each with a new day of retries.
                await db.WebhookMessages.Where(m => m.SubscriptionId == id && m.Status == WebhookMessageStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.FirstAttemptAt, (DateTimeOffset?)null).SetProperty(m => m.NextAttemptAt, time.GetUtcNow()), ct);
            }
            subscription.PauseReason = paused ? subscription.PauseReason ?? PausedByAdmin : null;
            audit.Record(AuditActions.WebhookChanged, "webhook", id, paused ? "paused" : "resumed", subscription.OrganisationId, userId);
            await db.SaveChangesAsync(ct);
            return true;
        }

        /// <summary>Removes the subscription and its messages, sent or not; false when there is none.</summary>
        public async Task<bool> RemoveAsync(Guid id, Guid? userId, CancellationToken ct)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, ct)) return false;
            await db.WebhookMessages.Where(m => m.SubscriptionId == id).ExecuteDeleteAsync(ct);
            await db.WebhookSubscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
            audit.Record(AuditActions.WebhookChanged, "webhook", id, "removed", db.OrganisationId, userId);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }
    }

    public sealed record Delivery(Guid Id, string Type, DateTimeOffset CreatedAt, WebhookMessageStatus Status, int Attempts, DateTimeOffset? LastAttemptAt,
        int? LastStatusCode, string? LastResponse, DateTimeOffset NextAttemptAt);

    public const int DeliveriesShown = 50;

    [BindProperty]
    public Command Input { get; set; } = new();

    public IReadOnlyList<WebhookSubscription> Subscriptions { get; private set; } = [];
    public WebhookSubscription? Selected { get; private set; }
    public IReadOnlyList<Delivery> Deliveries { get; private set; } = [];
    public string? Secret { get; private set; }

    [NotAudited("Subscription URLs, events and delivery statuses: no personal data, and no secret.")]
    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    [Audited(AuditActions.WebhookSubscribed)]
    public async Task<IActionResult> OnPostSubscribeAsync(CancellationToken ct)
    {
        var result = await handler.SubscribeAsync(Input, User.UserId(), ct);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) ModelState.AddModelError($"{nameof(Input)}.{error.Field}", error.Message);
            await LoadAsync(null, ct);
            return Page();
        }
        Secret = result.Secret;
        Input = new Command();
        ModelState.Clear();
        await LoadAsync(result.Subscription!.Id, ct);
        return Page();
    }

    [Audited(AuditActions.WebhookChanged)]
    public async Task<IActionResult> OnPostPauseAsync(Guid id, bool paused, CancellationToken ct)
    {
        if (!await handler.SetPausedAsync(id, paused, User.UserId(), ct)) return NotFound();
        TempData["Flash"] = paused ? T("Paused: messages wait until you resume it.") : T("Resumed: waiting messages go out now.");
        return RedirectToPage(new { id });
    }

    [Audited(AuditActions.WebhookChanged)]
    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct)
    {
        if (!await handler.RemoveAsync(id, User.UserId(), ct)) return NotFound();
        TempData["Flash"] = T("Subscription removed, with its messages.");
        return RedirectToPage();
    }

    private async Task<bool> LoadAsync(Guid? id, CancellationToken ct)
    {
        Subscriptions = await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync(ct);
        if (id is null) return true;
        Selected = Subscriptions.FirstOrDefault(s => s.Id == id);
        if (Selected is null) return false;
        Deliveries = await db.WebhookMessages.AsNoTracking().Where(m => m.SubscriptionId == id).OrderByDescending(m => m.CreatedAt).Take(DeliveriesShown)
            .Select(m => new Delivery(m.Id, m.Type, m.CreatedAt, m.Status, m.Attempts, m.LastAttemptAt, m.LastStatusCode, m.LastResponse, m.NextAttemptAt))
            .ToListAsync(ct);
        return true;
    }
}
