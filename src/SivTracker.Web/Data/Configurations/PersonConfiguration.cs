using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Data.Configurations;

public sealed class PersonConfiguration : OwnedEntityConfiguration<Person>
{
    protected override void ConfigureEntity(EntityTypeBuilder<Person> builder)
    {
        builder.Property(e => e.GivenNames).HasMaxLength(200);
        builder.Property(e => e.FamilyName).HasMaxLength(200);
        builder.Property(e => e.FatherName).HasMaxLength(200);
        builder.Property(e => e.NativeName).HasMaxLength(200);
        builder.Property(e => e.ClanOrTribe).HasMaxLength(200);
        builder.Property(e => e.PlaceOfBirth).HasMaxLength(200);
        // Encrypted: the stored form is longer than what people type (validation keeps the typed limits).
        builder.Property(e => e.TazkiraNumber).HasMaxLength(400).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Encrypted);
        builder.Property(e => e.TazkiraVolume).HasMaxLength(40);
        builder.Property(e => e.TazkiraPage).HasMaxLength(40);
        builder.Property(e => e.TazkiraRegister).HasMaxLength(40);
        builder.Property(e => e.CurrentCountry).HasMaxLength(2);
        builder.Property(e => e.CurrentProvince).HasMaxLength(400).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Encrypted);
        builder.Property(e => e.SafetyNotes).HasMaxLength(8000).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Encrypted);
        builder.Ignore(e => e.DisplayName);
        builder.HasOne(e => e.Principal).WithMany(e => e.FamilyMembers).HasForeignKey(e => e.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(e => e.Aliases).WithOne().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Passports).WithOne().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.ContactChannels).WithOne().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.ServiceRecords).WithOne().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.OrganisationId, e.FamilyName, e.GivenNames, e.Id });
        builder.Property(e => e.SearchName).HasMaxLength(4000);
        builder.HasIndex(e => e.SearchName).HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.Property(e => e.TazkiraLookup).HasMaxLength(64).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Indexed);
        builder.HasIndex(e => new { e.OrganisationId, e.TazkiraLookup });
        builder.HasIndex(e => new { e.OrganisationId, e.UpdatedAt, e.Id });
        builder.HasOne<Person>().WithMany().HasForeignKey(e => e.MergedIntoId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class PersonAliasConfiguration : OwnedEntityConfiguration<PersonAlias>
{
    protected override void ConfigureEntity(EntityTypeBuilder<PersonAlias> builder) =>
        builder.Property(e => e.Spelling).HasMaxLength(200);
}

public sealed class PassportConfiguration : OwnedEntityConfiguration<Passport>
{
    protected override void ConfigureEntity(EntityTypeBuilder<Passport> builder)
    {
        builder.Property(e => e.Number).HasMaxLength(300).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Encrypted);
        builder.Property(e => e.Country).HasMaxLength(2);
        builder.Property(e => e.Lookup).HasMaxLength(64).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Indexed);
        builder.HasIndex(e => new { e.OrganisationId, e.Lookup });
    }
}

public sealed class ContactChannelConfiguration : OwnedEntityConfiguration<ContactChannel>
{
    protected override void ConfigureEntity(EntityTypeBuilder<ContactChannel> builder)
    {
        builder.Property(e => e.Value).HasMaxLength(800).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Encrypted);
        builder.Property(e => e.Lookup).HasMaxLength(64).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Indexed);
        builder.HasIndex(e => new { e.OrganisationId, e.Lookup });
    }
}

public sealed class ServiceRecordConfiguration : OwnedEntityConfiguration<ServiceRecord>
{
    protected override void ConfigureEntity(EntityTypeBuilder<ServiceRecord> builder)
    {
        builder.Property(e => e.Employer).HasMaxLength(200);
        builder.Property(e => e.PrimeContractNumber).HasMaxLength(60);
        builder.Property(e => e.SubcontractNumber).HasMaxLength(60);
        builder.Property(e => e.Location).HasMaxLength(200);
        builder.Property(e => e.SupervisorName).HasMaxLength(200);
        builder.Property(e => e.SupervisorEmail).HasMaxLength(800).HasConversion((Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter)FieldProtection.Encrypted);
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
