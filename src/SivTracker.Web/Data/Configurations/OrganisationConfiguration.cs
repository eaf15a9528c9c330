using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data.Configurations;

public sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> builder)
    {
        builder.Property(e => e.Slug).HasMaxLength(40);
        builder.HasIndex(e => e.Slug).IsUnique();
        builder.Property(e => e.Name).HasMaxLength(200);
        builder.Property(e => e.TimeZone).HasMaxLength(64);
        builder.Property(e => e.Version).IsRowVersion();
    }
}
