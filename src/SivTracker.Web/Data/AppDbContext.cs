using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data;

// Add a migration from the repository root:
//   dotnet tool restore && dotnet ef migrations add <Name> --project src/SivTracker.Web --output-dir Data/Migrations
public class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>
    /// Web requests fail fast (the connection string's Command Timeout, 15 s by default); batch work (the sweep, imports,
    /// exports, recomputes, key rotation) may legitimately run for minutes and uses this instead.
    /// </summary>
    public const int BatchCommandTimeoutSeconds = 900;

    private Guid? _organisationOverride;
    private bool _hasOrganisationOverride;
    private bool _allOrganisations;

    /// <summary>Who is acting in this scope. Read at query and save time, not when the context is made: within one
    /// request the context may be created (by the cookie's security stamp check) before the user is known.</summary>
    public ICurrentActor? Actor { get; private set; }

    /// <summary>
    /// The organisation whose rows queries see. Null means no organisation, and then queries see nothing: work without a
    /// signed-in user (background jobs, the CLI, tests) sets this, or says with <see cref="AllOrganisations"/> that it
    /// spans every organisation on purpose.
    /// </summary>
    public Guid? OrganisationId
    {
        get => _hasOrganisationOverride ? _organisationOverride : Actor?.OrganisationId;
        set
        {
            _organisationOverride = value;
            _hasOrganisationOverride = true;
        }
    }

    /// <summary>
    /// Lets queries see the rows of every organisation, for work that spans them by design: the demo generator, key
    /// rotation, recomputing every clock. An organisation, the actor's or one set explicitly, still narrows the filter,
    /// so a signed-in user never gains other organisations' rows through this. Returns the context, for chaining.
    /// </summary>
    public AppDbContext AllOrganisations()
    {
        _allOrganisations = true;
        return this;
    }

    /// <summary>
    /// What the organisation filter compares with: the organisation when there is one; otherwise null, which lets every
    /// row through, only after <see cref="AllOrganisations"/>, and an id no organisation has when nobody said so.
    /// Forgetting to name the organisation then shows nothing instead of everything.
    /// </summary>
    private Guid? FilterOrganisationId => OrganisationId ?? (_allOrganisations ? null : Guid.Empty);

    /// <summary>Whoever is acting, for the created/updated stamps.</summary>
    public Guid? ActingUserId => Actor?.UserId;

    /// <summary>Binds a pooled context to the scope that rents it, clearing what a previous renter set.</summary>
    public void UseActor(ICurrentActor? actor)
    {
        Actor = actor;
        _organisationOverride = null;
        _hasOrganisationOverride = false;
        _allOrganisations = false;
    }

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Person> Persons => Set<Person>();
    public DbSet<PersonAlias> PersonAliases => Set<PersonAlias>();
    public DbSet<Passport> Passports => Set<Passport>();
    public DbSet<ContactChannel> ContactChannels => Set<ContactChannel>();
    public DbSet<ServiceRecord> ServiceRecords => Set<ServiceRecord>();
    public DbSet<Case> Cases => Set<Case>();

    /// <summary>A principal's cases, the most recently opened first: "the person's case" in lists means the first of these.</summary>
    public IQueryable<Case> CasesLatestFirst => Cases.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id);

    /// <summary>Cases whose current stage is not terminal in the catalog: the one meaning of "open" for every page and report.</summary>
    public IQueryable<Case> OpenCases => Cases.Where(c => !Stages.Any(s => s.Code == c.CurrentStageCode && s.IsTerminal));
    public DbSet<CaseNumber> CaseNumbers => Set<CaseNumber>();
    public DbSet<Stage> Stages => Set<Stage>();
    public DbSet<StageEvent> StageEvents => Set<StageEvent>();
    public DbSet<DocumentItem> DocumentItems => Set<DocumentItem>();
    public DbSet<CaseNote> CaseNotes => Set<CaseNote>();
    public DbSet<PersonHistoryEntry> PersonHistory => Set<PersonHistoryEntry>();
    public DbSet<DocumentChange> DocumentChanges => Set<DocumentChange>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<CaseFlag> CaseFlags => Set<CaseFlag>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<ReviewAction> ReviewActions => Set<ReviewAction>();
    public DbSet<ImportRecord> Imports => Set<ImportRecord>();
    public DbSet<SavedImportMapping> ImportMappings => Set<SavedImportMapping>();
    public DbSet<StoredFile> StoredFiles => Set<StoredFile>();
    public DbSet<PortalInvitation> PortalInvitations => Set<PortalInvitation>();
    public DbSet<PortalChange> PortalChanges => Set<PortalChange>();
    public DbSet<PortalMessage> PortalMessages => Set<PortalMessage>();
    public DbSet<PortalAccount> PortalAccounts => Set<PortalAccount>();
    public DbSet<IntakeSubmission> IntakeSubmissions => Set<IntakeSubmission>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Consent> Consents => Set<Consent>();

    /// <summary>Not filtered by organisation: a referral belongs to both ends, and every query names its side.</summary>
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<ApiIdempotencyKey> ApiIdempotencyKeys => Set<ApiIdempotencyKey>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookMessage> WebhookMessages => Set<WebhookMessage>();
    public DbSet<StoredFileChunk> StoredFileChunks => Set<StoredFileChunk>();
    public DbSet<LetterTemplate> LetterTemplates => Set<LetterTemplate>();
    public DbSet<ReviewQueueCount> ReviewQueueCounts => Set<ReviewQueueCount>();
    public DbSet<SweepSlot> SweepSlots => Set<SweepSlot>();
    public DbSet<CaseSweepDue> SweepDue => Set<CaseSweepDue>();

    /// <summary>The key ring behind cookies and antiforgery tokens, shared by every app instance; each key is
    /// encrypted with the field encryption key before it is stored.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Identity's schema with passkeys. Identity reads it from the application's options (set in Auth).</summary>
    public static readonly Version IdentitySchema = IdentitySchemaVersions.Version3;

    /// <summary>
    /// Application services for a context made outside the host (migrations, design time): Identity builds its part of
    /// the model from these, so every context agrees with the migrations.
    /// </summary>
    public static readonly IServiceProvider StandaloneServices = new ServiceCollection()
        .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchema)
        .BuildServiceProvider();


    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name so the database reads on its own and reordering members never corrupts data.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
        base.ConfigureConventions(configurationBuilder);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // Identity names its tables explicitly; give them the same snake_case style as the rest.
        modelBuilder.Entity<AppUser>().ToTable("users").Property(u => u.Language).HasMaxLength(16);
        modelBuilder.Entity<IdentityRole<Guid>>().ToTable("roles");
        modelBuilder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        modelBuilder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        modelBuilder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        // Authenticator keys and recovery codes live here: sealed like every other secret.
        modelBuilder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens").Property(t => t.Value).HasConversion(FieldProtection.Encrypted!);
        modelBuilder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        // Passkeys hold public keys only: nothing here signs anyone in without the authenticator that made them.
        modelBuilder.Entity<IdentityUserPasskey<Guid>>().ToTable("user_passkeys");
        // A link is found by its token's hash, before anyone is signed in.
        modelBuilder.Entity<PortalInvitation>().HasIndex(i => i.LinkHash).IsUnique();
        modelBuilder.Entity<PortalInvitation>().HasIndex(i => i.PersonId);
        modelBuilder.Entity<PortalChange>().HasIndex(c => new { c.OrganisationId, c.Decision, c.SubmittedAt });
        modelBuilder.Entity<PortalChange>().HasIndex(c => c.PersonId);
        modelBuilder.Entity<PortalMessage>().HasIndex(m => new { m.PersonId, m.SentAt });
        modelBuilder.Entity<PortalMessage>().HasIndex(m => new { m.OrganisationId, m.FromApplicant, m.ReadAt });
        // The number is typed at sign-in, before any organisation is known.
        modelBuilder.Entity<PortalAccount>().HasIndex(a => a.SignInNumber).IsUnique();
        modelBuilder.Entity<PortalAccount>().HasIndex(a => a.PersonId).IsUnique();
        // One request per solved challenge: a replayed proof meets this index.
        modelBuilder.Entity<IntakeSubmission>().HasIndex(s => s.ProofHash).IsUnique();
        modelBuilder.Entity<IntakeSubmission>().HasIndex(s => new { s.OrganisationId, s.Status, s.SubmittedAt });
        modelBuilder.Entity<Person>().HasIndex(p => new { p.OrganisationId, p.IdempotencyKey }).IsUnique().HasFilter("idempotency_key is not null");
        // A request's bearer secret names its token before any organisation is known.
        modelBuilder.Entity<ApiToken>().HasIndex(t => t.SecretHash).IsUnique();
        modelBuilder.Entity<AppUser>().HasIndex(u => u.CalendarFeedHash).IsUnique().HasFilter("calendar_feed_hash is not null");
        modelBuilder.Entity<LetterTemplate>().HasIndex(t => new { t.OrganisationId, t.Kind }).IsUnique();
        modelBuilder.Entity<ReviewQueueCount>().HasKey(c => new { c.OrganisationId, c.Urgency });
        // A clock's figures on a given day, in queries: the SQL twins of CaseClock's rules (migration ClocksOnRead).
        foreach (var (method, name) in new[]
                 {
                     (nameof(CaseClock.GovernmentDaysOn), "clock_government_days"), (nameof(CaseClock.PausedDaysOn), "clock_paused_days"),
                     (nameof(CaseClock.DaysOverOn), "clock_days_over"), (nameof(CaseClock.ProjectedBreachOn), "clock_projected_breach_on"),
                     (nameof(CaseClock.PastLimitSinceOn), "clock_past_limit_since"),
                 })
        {
            modelBuilder.HasDbFunction(typeof(CaseClock).GetMethod(method)!).HasName(name);
        }
        modelBuilder.Entity<SweepSlot>().HasKey(s => s.StartsAt);
        modelBuilder.Entity<CaseSweepDue>(due =>
        {
            due.ToTable("sweep_due_cases").HasKey(d => d.CaseId);
            due.HasOne<Case>().WithOne().HasForeignKey<CaseSweepDue>(d => d.CaseId).OnDelete(DeleteBehavior.Cascade);
            // The daily sweep reads only the cases due.
            due.HasIndex(d => new { d.OrganisationId, d.DueOn });
        });
        modelBuilder.Entity<Consent>().HasIndex(c => c.PersonId);
        modelBuilder.Entity<Referral>().Property(r => r.Version).IsRowVersion();
        modelBuilder.Entity<Referral>().HasIndex(r => new { r.ToOrganisationId, r.Status, r.SentAt });
        modelBuilder.Entity<Referral>().HasIndex(r => new { r.FromOrganisationId, r.SentAt });
        modelBuilder.Entity<Referral>().HasIndex(r => r.ConsentId);
        // Every stage change looks for linked referrals of its case.
        modelBuilder.Entity<Referral>().HasIndex(r => r.CaseId);
        modelBuilder.Entity<Referral>().HasIndex(r => r.ReceivedCaseId).HasFilter("received_case_id is not null");
        modelBuilder.Entity<ApiIdempotencyKey>().HasKey(k => new { k.OrganisationId, k.Key });
        modelBuilder.Entity<WebhookSubscription>().HasIndex(s => s.OrganisationId);
        modelBuilder.Entity<WebhookMessage>().Property(m => m.Data).HasColumnType("jsonb");
        // The sender's next batch is a range of this index, however many messages were delivered before.
        modelBuilder.Entity<WebhookMessage>().HasIndex(m => m.NextAttemptAt).HasFilter("status = 'Pending'").HasDatabaseName("ix_webhook_messages_due");
        modelBuilder.Entity<WebhookMessage>().HasIndex(m => new { m.SubscriptionId, m.CreatedAt });
        modelBuilder.Entity<StoredFile>().HasIndex(f => f.IntakeSubmissionId).HasFilter("intake_submission_id is not null");
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.HasPostgresExtension("intarray");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

        // Sealing lives here, once: every [Sealed] property is stored encrypted, as text of whatever length the
        // ciphertext needs (forms keep the typed limits).
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetDeclaredProperties())
                     .Where(p => p.PropertyInfo?.IsDefined(typeof(SealedAttribute), inherit: true) == true))
        {
            property.SetValueConverter(FieldProtection.SealedConverterFor(property.ClrType));
            property.SetMaxLength(null);
        }

        // Isolation lives here, once: every organisation-owned entity is filtered by the current organisation, and with
        // none set, to nothing (see FilterOrganisationId).
        foreach (var entityType in modelBuilder.Model.GetEntityTypes()
                     .Where(t => typeof(IOrganisationOwned).IsAssignableFrom(t.ClrType) && t.BaseType is null))
        {
            typeof(AppDbContext).GetMethod(nameof(ApplyOrganisationFilter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(entityType.ClrType)
                .Invoke(this, [modelBuilder]);
        }
    }

    private void ApplyOrganisationFilter<TEntity>(ModelBuilder modelBuilder) where TEntity : class, IOrganisationOwned =>
        modelBuilder.Entity<TEntity>().HasQueryFilter(e => FilterOrganisationId == null || e.OrganisationId == FilterOrganisationId);
}

/// <summary>
/// Who is acting in this scope: the signed-in user in a request, nobody (null) in the CLI and background work, which
/// then name their organisation on the context or call <see cref="AppDbContext.AllOrganisations"/>.
/// </summary>
public interface ICurrentActor
{
    Guid? UserId { get; }
    Guid? OrganisationId { get; }
}
