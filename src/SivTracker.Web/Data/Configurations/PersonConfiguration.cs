using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data.Configurations;

public sealed class PersonConfiguration : OwnedEntityConfiguration<Person>
{
    protected override void ConfigureEntity(EntityTypeBuilder<Person> builder)
    {
        builder.Ignore(e => e.DisplayName);
        builder.HasOne(e => e.Principal).WithMany(e => e.FamilyMembers).HasForeignKey(e => e.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(e => e.Aliases).WithOne().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Passports).WithOne().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.ContactChannels).WithOne().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.ServiceRecords).WithOne().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        // The hashed words and trigrams of every spelling: candidates share hashes with the typed name (GIN, intarray).
        builder.Property(e => e.SearchTokens).HasColumnName("search_hashes").HasConversion(FieldProtection.SearchHashed, FieldProtection.TokensComparer);
        builder.HasIndex(e => e.SearchTokens).HasMethod("gin").HasOperators("gin__int_ops").HasDatabaseName("ix_persons_search_hashes");
        builder.Property(e => e.SafetyLookup).HasMaxLength(64).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Indexed);
        builder.HasIndex(e => new { e.OrganisationId, e.SafetyLookup });
        builder.Property(e => e.TazkiraLookup).HasMaxLength(64).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Indexed);
        builder.HasIndex(e => new { e.OrganisationId, e.TazkiraLookup });
        builder.HasIndex(e => new { e.OrganisationId, e.UpdatedAt, e.Id });
        builder.HasOne<Person>().WithMany().HasForeignKey(e => e.MergedIntoId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class PersonAliasConfiguration : OwnedEntityConfiguration<PersonAlias>
{
    protected override void ConfigureEntity(EntityTypeBuilder<PersonAlias> builder)
    {
    }
}

public sealed class PassportConfiguration : OwnedEntityConfiguration<Passport>
{
    protected override void ConfigureEntity(EntityTypeBuilder<Passport> builder)
    {
        builder.Property(e => e.Country).HasMaxLength(2);
        builder.Property(e => e.Lookup).HasMaxLength(64).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Indexed);
        builder.HasIndex(e => new { e.OrganisationId, e.Lookup });
    }
}

public sealed class ContactChannelConfiguration : OwnedEntityConfiguration<ContactChannel>
{
    protected override void ConfigureEntity(EntityTypeBuilder<ContactChannel> builder)
    {
        builder.Property(e => e.Lookup).HasMaxLength(64).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Indexed);
        builder.HasIndex(e => new { e.OrganisationId, e.Lookup });
    }
}

public sealed class ServiceRecordConfiguration : OwnedEntityConfiguration<ServiceRecord>
{
    protected override void ConfigureEntity(EntityTypeBuilder<ServiceRecord> builder)
    {
        builder.HasIndex(e => new { e.PersonId, e.Role });
    }
}

public sealed class PersonHistoryEntryConfiguration : IEntityTypeConfiguration<PersonHistoryEntry>
{
    public void Configure(EntityTypeBuilder<PersonHistoryEntry> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Fields).HasMaxLength(2000);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.PersonId, e.At });
    }
}
