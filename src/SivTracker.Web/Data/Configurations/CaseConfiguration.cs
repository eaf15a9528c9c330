using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data.Configurations;

public sealed class CaseConfiguration : OwnedEntityConfiguration<Case>
{
    protected override void ConfigureEntity(EntityTypeBuilder<Case> builder)
    {
        builder.Property(e => e.Reference).HasMaxLength(40);
        builder.HasIndex(e => new { e.OrganisationId, e.Reference }).IsUnique();
        builder.Property(e => e.CurrentStageCode).HasMaxLength(40);
        builder.HasOne(e => e.Principal).WithMany().HasForeignKey(e => e.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Stage>().WithMany().HasForeignKey(e => e.CurrentStageCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(e => e.CaseNumbers).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.StageEvents).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Documents).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Notes).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => e.PrincipalId);
        builder.HasIndex(e => new { e.OrganisationId, e.CurrentStageCode });
        builder.HasIndex(e => new { e.OrganisationId, e.CaseworkerId });
        builder.Property(e => e.ReviewSort).HasComputedColumnSql("review_urgency::bigint * 1000000 - coalesce(days_over, -1)", stored: true);
        // The review queue's cases whose clock is not running (their days over stand still), in queue order, read page
        // by page (keyset) from this index.
        builder.HasIndex(e => new { e.OrganisationId, e.ReviewSort, e.Id }).HasFilter("review_urgency is not null and limit_reached_on is null");
        builder.Property(e => e.LimitReachedOn).HasComputedColumnSql("case when clock_state = 'Running' then clock_computed_for + (limit_days - government_days) end", stored: true);
        // Running clocks in the queue, in the order their days over grow from; the queue merges them with the index above.
        builder.HasIndex(e => new { e.OrganisationId, e.ReviewUrgency, e.LimitReachedOn, e.Id }).HasFilter("review_urgency is not null and limit_reached_on is not null");
        builder.HasIndex(e => new { e.OrganisationId, e.ReviewUrgency }).HasFilter("review_urgency is not null");
        // The case lists' order (CaseListOrder), one index per kind of clock; the paused and stopped clocks' index orders
        // by an expression (their days left), so migration CaseListOrder creates it.
        builder.HasIndex(e => new { e.OrganisationId, e.LimitReachedOn, e.Id }).HasFilter("limit_reached_on is not null").HasDatabaseName("ix_cases_list_running");
        builder.HasIndex(e => new { e.OrganisationId, e.Id }).HasFilter("limit_days is null").HasDatabaseName("ix_cases_list_unstarted");
    }
}

public sealed class CaseNumberConfiguration : OwnedEntityConfiguration<CaseNumber>
{
    protected override void ConfigureEntity(EntityTypeBuilder<CaseNumber> builder)
    {
        builder.Property(e => e.Lookup).HasMaxLength(64).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Indexed);
        builder.HasIndex(e => new { e.OrganisationId, e.Lookup });
    }
}

public sealed class DocumentItemConfiguration : OwnedEntityConfiguration<DocumentItem>
{
    protected override void ConfigureEntity(EntityTypeBuilder<DocumentItem> builder)
    {
        builder.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.CaseId, e.PersonId, e.Kind }).IsUnique().AreNullsDistinct(false);
        // The deadline sweep's medical expiry: a due case's earliest received medical, read from the index alone.
        builder.HasIndex(e => new { e.CaseId, e.StatusOn }).HasFilter("kind = 'Medical' and status in ('Received', 'Verified') and status_on is not null")
            .HasDatabaseName("ix_document_items_medical_received");
    }
}

public sealed class CaseNoteConfiguration : OwnedEntityConfiguration<CaseNote>
{
    protected override void ConfigureEntity(EntityTypeBuilder<CaseNote> builder)
    {
    }
}

public sealed class CaseFlagConfiguration : IEntityTypeConfiguration<CaseFlag>
{
    public void Configure(EntityTypeBuilder<CaseFlag> builder)
    {
        builder.HasKey(e => e.Id);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Case>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        // One open flag per case and type: with ON CONFLICT DO NOTHING, raising twice or on two instances is harmless.
        builder.HasIndex(e => new { e.CaseId, e.Type }).IsUnique().HasFilter("cleared_on is null").HasDatabaseName("ix_case_flags_one_open");
        builder.HasIndex(e => new { e.OrganisationId, e.Type, e.ClearedOn });
        // The case page lists every flag of the case, open and cleared.
        builder.HasIndex(e => e.CaseId).HasDatabaseName("ix_case_flags_case_id");
        builder.Ignore(e => e.IsStatutoryBreach);
    }
}

public sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.HasKey(e => e.Id);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Case>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CaseFlag>().WithMany().HasForeignKey(e => e.FlagId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.UserId, e.FlagId }).IsUnique();
        builder.HasIndex(e => new { e.UserId, e.ReadAt });
    }
}

public sealed class ReviewActionConfiguration : IEntityTypeConfiguration<ReviewAction>
{
    public void Configure(EntityTypeBuilder<ReviewAction> builder)
    {
        builder.HasKey(e => e.Id);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Case>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.CaseId, e.At });
    }
}

public sealed class ImportRecordConfiguration : IEntityTypeConfiguration<ImportRecord>
{
    public void Configure(EntityTypeBuilder<ImportRecord> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Summary).HasMaxLength(1000);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.OrganisationId, e.At });
    }
}

public sealed class SavedImportMappingConfiguration : OwnedEntityConfiguration<SavedImportMapping>
{
    protected override void ConfigureEntity(EntityTypeBuilder<SavedImportMapping> builder)
    {
        builder.ToTable("import_mappings");
        builder.Property(e => e.Name).HasMaxLength(100);
        builder.HasIndex(e => new { e.OrganisationId, e.Name }).IsUnique();
    }
}

public sealed class StoredFileConfiguration : OwnedEntityConfiguration<StoredFile>
{
    protected override void ConfigureEntity(EntityTypeBuilder<StoredFile> builder)
    {
        builder.Property(e => e.ContentType).HasMaxLength(100);
        builder.HasOne<Case>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<DocumentItem>().WithMany().HasForeignKey(e => e.DocumentItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => e.CaseId);
        builder.HasIndex(e => e.DocumentItemId);
        builder.HasIndex(e => e.PersonId);
    }
}

public sealed class StoredFileChunkConfiguration : IEntityTypeConfiguration<StoredFileChunk>
{
    public void Configure(EntityTypeBuilder<StoredFileChunk> builder)
    {
        builder.HasKey(e => new { e.FileId, e.Index });
        builder.HasOne<StoredFile>().WithMany().HasForeignKey(e => e.FileId).OnDelete(DeleteBehavior.Cascade);
    }
}
