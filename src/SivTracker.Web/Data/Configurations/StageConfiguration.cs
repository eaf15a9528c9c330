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
        builder.Property(e => e.Note).HasMaxLength(4000);
        builder.Property(e => e.VoidReason).HasMaxLength(1000);
        builder.Ignore(e => e.IsVoided);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Stage>().WithMany().HasForeignKey(e => e.ToStageCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Stage>().WithMany().HasForeignKey(e => e.FromStageCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.CaseId, e.EffectiveOn });
        builder.HasIndex(e => e.IdempotencyKey).IsUnique();
        builder.HasIndex(e => e.OrganisationId);
    }
}
