using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data;

// Add a migration from the repository root:
//   dotnet tool restore && dotnet ef migrations add <Name> --project src/SivTracker.Web --output-dir Data/Migrations
public class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    /// <summary>
    /// The signed-in user's organisation. Null means no filter: CLI commands, seeders and the sweep work across
    /// organisations on purpose. Set per scope because the context is pooled.
    /// </summary>
    public Guid? OrganisationId { get; set; }

    /// <summary>Whoever is acting, for the created/updated stamps.</summary>
    public Guid? ActingUserId { get; set; }

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Person> Persons => Set<Person>();
    public DbSet<PersonAlias> PersonAliases => Set<PersonAlias>();
    public DbSet<Passport> Passports => Set<Passport>();
    public DbSet<ContactChannel> ContactChannels => Set<ContactChannel>();
    public DbSet<ServiceRecord> ServiceRecords => Set<ServiceRecord>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseNumber> CaseNumbers => Set<CaseNumber>();
    public DbSet<Stage> Stages => Set<Stage>();
    public DbSet<StageEvent> StageEvents => Set<StageEvent>();
    public DbSet<DocumentItem> DocumentItems => Set<DocumentItem>();
    public DbSet<CaseNote> CaseNotes => Set<CaseNote>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name so the database reads on its own and reordering members never corrupts data.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

        // Isolation lives here, once: every organisation-owned entity is filtered by the current organisation.
        foreach (var entityType in modelBuilder.Model.GetEntityTypes()
                     .Where(t => typeof(IOrganisationOwned).IsAssignableFrom(t.ClrType) && t.BaseType is null))
        {
            typeof(AppDbContext).GetMethod(nameof(ApplyOrganisationFilter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(entityType.ClrType)
                .Invoke(this, [modelBuilder]);
        }
    }

    private void ApplyOrganisationFilter<TEntity>(ModelBuilder modelBuilder) where TEntity : class, IOrganisationOwned =>
        modelBuilder.Entity<TEntity>().HasQueryFilter(e => OrganisationId == null || e.OrganisationId == OrganisationId);
}
