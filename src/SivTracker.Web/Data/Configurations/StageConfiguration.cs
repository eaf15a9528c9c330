using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data.Configurations;

public sealed class StageConfiguration : IEntityTypeConfiguration<Stage>
{
    public void Configure(EntityTypeBuilder<Stage> builder)
    {
        builder.HasKey(e => e.Code);
        builder.Property(e => e.Code).HasMaxLength(40);
        builder.Property(e => e.Name).HasMaxLength(200);
        builder.Property(e => e.Version).IsRowVersion();
    }
}

public sealed class StageEventConfiguration : IEntityTypeConfiguration<StageEvent>
{
    public void Configure(EntityTypeBuilder<StageEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Version).IsRowVersion();
        builder.Property(e => e.FromStageCode).HasMaxLength(40);
        builder.Property(e => e.ToStageCode).HasMaxLength(40);
        builder.Ignore(e => e.IsVoided);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Stage>().WithMany().HasForeignKey(e => e.ToStageCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Stage>().WithMany().HasForeignKey(e => e.FromStageCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.CaseId, e.EffectiveOn });
        builder.HasIndex(e => e.IdempotencyKey).IsUnique();
        builder.HasIndex(e => e.OrganisationId);
    }
}

public sealed class DocumentChangeConfiguration : IEntityTypeConfiguration<DocumentChange>
{
    public void Configure(EntityTypeBuilder<DocumentChange> builder)
    {
        builder.HasKey(e => e.Id);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Case>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.CaseId, e.At });
    }
}

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Action).HasMaxLength(80);
        builder.Property(e => e.EntityType).HasMaxLength(80);
        builder.Property(e => e.EntityId).HasMaxLength(80);
        builder.Property(e => e.Details).HasMaxLength(4000);
        builder.HasIndex(e => new { e.OrganisationId, e.At });
        builder.HasIndex(e => new { e.EntityType, e.EntityId });
    }
}
