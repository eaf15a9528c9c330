using System.Globalization;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Applicants;

/// <summary>The person form shared by Create (principal or family member) and Edit.</summary>
public static class PersonForm
{
    public sealed record PassportRow
    {
        public string? Number { get; init; }
        public string? Country { get; init; }
        public DateOnly? ExpiresOn { get; init; }
    }

    public sealed record ContactRow
    {
        public ContactChannelKind Kind { get; init; } = ContactChannelKind.Phone;
        public string? Value { get; init; }
        public DateOnly? LastSuccessfulContactOn { get; init; }
    }

    public sealed record Command
    {
        public string GivenNames { get; init; } = "";
        public string? FamilyName { get; init; }
        public string? OtherSpellings { get; init; }
        public string? NativeName { get; init; }
        public string? FatherName { get; init; }
        public string? ClanOrTribe { get; init; }

        /// <summary>YYYY-MM-DD, or YYYY when only the year is known.</summary>
        public string? DateOfBirth { get; init; }

        public DatePrecision DateOfBirthPrecision { get; init; } = DatePrecision.Exact;
        public string? PlaceOfBirth { get; init; }
        public Sex? Sex { get; init; }
        public TazkiraType? TazkiraType { get; init; }
        public string? TazkiraNumber { get; init; }
        public string? TazkiraVolume { get; init; }
        public string? TazkiraPage { get; init; }
        public string? TazkiraRegister { get; init; }
        public string? CurrentCountry { get; init; }
        public string? CurrentProvince { get; init; }
        public SafetyStatus SafetyStatus { get; init; } = SafetyStatus.Unknown;
        public string? SafetyNotes { get; init; }
        public Relationship Relationship { get; init; } = Relationship.Principal;
        public DateOnly? MarriageDate { get; init; }
        public List<PassportRow> Passports { get; init; } = [];
        public List<ContactRow> Contacts { get; init; } = [];

        /// <summary>The row version the user started from; a newer one in the database is a conflict.</summary>
        public uint Version { get; init; }

        /// <summary>Set when the user has seen the possible duplicates and saves anyway.</summary>
        public bool ConfirmedNotDuplicate { get; init; }

        public IEnumerable<string> Spellings =>
            (OtherSpellings ?? "").Split('\n', ';').Select(s => s.Trim()).Where(s => s.Length > 0).Distinct();

        public IEnumerable<PassportRow> FilledPassports => Passports.Where(p => !string.IsNullOrWhiteSpace(p.Number));
        public IEnumerable<ContactRow> FilledContacts => Contacts.Where(c => !string.IsNullOrWhiteSpace(c.Value));

        /// <summary>What was typed decides the precision; "estimated" is the form's only say, for a full date.</summary>
        public (DateOnly? Date, DatePrecision Precision) ParsedDateOfBirth =>
            Person.ParseDateOfBirth(DateOfBirth) is { } parsed
                ? (parsed.Date, parsed.Precision == DatePrecision.Exact && DateOfBirthPrecision == DatePrecision.Estimated ? DatePrecision.Estimated : parsed.Precision)
                : (null, DateOfBirthPrecision);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(DateOnly today)
        {
            RuleFor(c => c.GivenNames).NotEmpty().WithMessage(T("Enter the given names as written in the passport or tazkira (FNU if unknown).")).PlainText(200);
            RuleFor(c => c.FamilyName).PlainText(200);
            RuleFor(c => c.OtherSpellings).PlainText(2000, multiline: true);
            RuleForEach(c => c.Spellings).MaximumLength(200).WithMessage(T("Each spelling can have at most 200 characters.")).OverridePropertyName(nameof(Command.OtherSpellings));
            RuleFor(c => c.NativeName).PlainText(200);
            RuleFor(c => c.FatherName).PlainText(200);
            RuleFor(c => c.ClanOrTribe).PlainText(200);
            RuleFor(c => c.PlaceOfBirth).PlainText(200);
            RuleFor(c => c.DateOfBirth).PlainText(10)
                .Must(value => string.IsNullOrWhiteSpace(value) || Person.ParseDateOfBirth(value) is not null)
                .WithMessage(T("Write the date as YYYY-MM-DD, or only the year as YYYY; from a tazkira, the Solar Hijri date as 1370/02/22 or the year as 1370."))
                .Must(value => Person.ParseDateOfBirth(value) is not { } parsed || parsed.Date <= today)
                .WithMessage(T("The date of birth cannot be in the future."))
                .Must(value => Person.ParseDateOfBirth(value) is not { } parsed || parsed.Date.Year >= 1900)
                .WithMessage(T("Check the year: it is before 1900."));
            RuleFor(c => c.TazkiraNumber).PlainText(100);
            RuleFor(c => c.TazkiraVolume).PlainText(40);
            RuleFor(c => c.TazkiraPage).PlainText(40);
            RuleFor(c => c.TazkiraRegister).PlainText(40);
            RuleFor(c => c.CurrentCountry).Matches("^[A-Za-z]{2}$").When(c => !string.IsNullOrEmpty(c.CurrentCountry))
                .WithMessage(T("Use the two-letter country code (AF, PK, US...)."));
            RuleFor(c => c.CurrentProvince).PlainText(100);
            RuleFor(c => c.SafetyNotes).PlainText(4000, multiline: true);
            RuleFor(c => c.MarriageDate).LessThanOrEqualTo(today).When(c => c.MarriageDate is not null)
                .WithMessage(T("The marriage date cannot be in the future."));
            RuleForEach(c => c.Passports).ChildRules(passport =>
            {
                passport.RuleFor(p => p.Number).PlainText(40);
                passport.RuleFor(p => p.Country).NotEmpty().When(p => !string.IsNullOrWhiteSpace(p.Number))
                    .WithMessage(T("Enter the issuing country."))
                    .Matches("^[A-Za-z]{2}$").When(p => !string.IsNullOrEmpty(p.Country)).WithMessage(T("Use the two-letter country code."));
            });
            RuleForEach(c => c.Contacts).ChildRules(contact =>
            {
                contact.RuleFor(c => c.Value).PlainText(320);
                contact.RuleFor(c => c.Value).EmailAddress().When(c => c.Kind == ContactChannelKind.Email && !string.IsNullOrWhiteSpace(c.Value))
                    .WithMessage(T("Enter a valid email address."));
                contact.RuleFor(c => c.Value).Must(Identifiers.IsInternationalPhone)
                    .When(c => c.Kind != ContactChannelKind.Email && !string.IsNullOrWhiteSpace(c.Value))
                    .WithMessage(T("Write the number with its country code, e.g. +93 70 123 4567."));
                contact.RuleFor(c => c.LastSuccessfulContactOn).LessThanOrEqualTo(today).When(c => c.LastSuccessfulContactOn is not null)
                    .WithMessage(T("The last contact cannot be in the future."));
            });
        }
    }

    public static Command From(Person person) => new()
    {
        GivenNames = person.GivenNames, FamilyName = person.FamilyName, NativeName = person.NativeName, FatherName = person.FatherName,
        ClanOrTribe = person.ClanOrTribe, PlaceOfBirth = person.PlaceOfBirth, Sex = person.Sex,
        OtherSpellings = string.Join('\n', person.Aliases.Select(a => a.Spelling)),
        DateOfBirth = person.DateOfBirth is { } dob
            ? person.DateOfBirthPrecision switch
            {
                DatePrecision.YearOnly => dob.Year.ToString("D4"),
                DatePrecision.SolarHijriYear => SolarHijri.FromGregorian(dob).Year.ToString("D4"),
                _ => dob.ToString("yyyy-MM-dd"),
            }
            : null,
        DateOfBirthPrecision = person.DateOfBirthPrecision,
        TazkiraType = person.TazkiraType, TazkiraNumber = person.TazkiraNumber, TazkiraVolume = person.TazkiraVolume,
        TazkiraPage = person.TazkiraPage, TazkiraRegister = person.TazkiraRegister,
        CurrentCountry = person.CurrentCountry, CurrentProvince = person.CurrentProvince, SafetyStatus = person.SafetyStatus,
        SafetyNotes = person.SafetyNotes, Relationship = person.Relationship, MarriageDate = person.MarriageDate,
        Passports = person.Passports.Select(p => new PassportRow { Number = p.Number, Country = p.Country, ExpiresOn = p.ExpiresOn }).ToList(),
        Contacts = person.ContactChannels.Select(c => new ContactRow { Kind = c.Kind, Value = c.Value, LastSuccessfulContactOn = c.LastSuccessfulContactOn }).ToList(),
        Version = person.Version,
    };

    /// <summary>Copies the form onto a tracked person (with aliases, passports and contacts loaded); returns the names of changed fields.</summary>
    public static List<string> ApplyTo(Command command, Person person, AppDbContext db)
    {
        var (dateOfBirth, precision) = command.ParsedDateOfBirth;
        person.GivenNames = command.GivenNames.Trim();
        person.FamilyName = Blank(command.FamilyName);
        person.NativeName = Blank(command.NativeName);
        person.FatherName = Blank(command.FatherName);
        person.ClanOrTribe = Blank(command.ClanOrTribe);
        person.DateOfBirth = dateOfBirth;
        person.DateOfBirthPrecision = precision;
        person.PlaceOfBirth = Blank(command.PlaceOfBirth);
        person.Sex = command.Sex;
        person.TazkiraType = command.TazkiraType;
        person.TazkiraNumber = Blank(command.TazkiraNumber);
        person.TazkiraVolume = Blank(command.TazkiraVolume);
        person.TazkiraPage = Blank(command.TazkiraPage);
        person.TazkiraRegister = Blank(command.TazkiraRegister);
        person.CurrentCountry = Blank(command.CurrentCountry)?.ToUpperInvariant();
        person.CurrentProvince = Blank(command.CurrentProvince);
        person.SafetyStatus = command.SafetyStatus;
        person.SafetyNotes = Blank(command.SafetyNotes);
        person.MarriageDate = person.Relationship == Relationship.Spouse ? command.MarriageDate : null;

        var spellings = command.Spellings.ToList();
        foreach (var alias in person.Aliases.Where(a => !spellings.Contains(a.Spelling)).ToList())
        {
            person.Aliases.Remove(alias);
            db.PersonAliases.Remove(alias);
        }
        // New rows are added explicitly: with client-made keys, rows found only through a navigation would be taken for existing ones.
        foreach (var spelling in spellings.Where(s => person.Aliases.All(a => a.Spelling != s)))
        {
            var alias = new PersonAlias { OrganisationId = person.OrganisationId, PersonId = person.Id, Spelling = spelling };
            db.PersonAliases.Add(alias);
            person.Aliases.Add(alias);
        }

        db.Passports.RemoveRange(person.Passports);
        person.Passports = command.FilledPassports.Select(p => new Passport
        {
            OrganisationId = person.OrganisationId, PersonId = person.Id, Number = p.Number!.Trim().ToUpperInvariant(),
            Country = p.Country!.Trim().ToUpperInvariant(), ExpiresOn = p.ExpiresOn,
        }).ToList();
        db.Passports.AddRange(person.Passports);
        db.ContactChannels.RemoveRange(person.ContactChannels);
        person.ContactChannels = command.FilledContacts.Select(c => new ContactChannel
        {
            OrganisationId = person.OrganisationId, PersonId = person.Id, Kind = c.Kind, Value = c.Value!.Trim(),
            LastSuccessfulContactOn = c.LastSuccessfulContactOn,
        }).ToList();
        db.ContactChannels.AddRange(person.ContactChannels);
        person.RefreshSearchFields();

        return db.Entry(person).Properties.Where(p => p.IsModified && !p.Metadata.IsShadowProperty()
                && p.Metadata.Name is not (nameof(Person.SearchTokens) or nameof(Person.SafetyLookup) or nameof(Person.TazkiraLookup) or nameof(Person.Version)))
            .Select(p => p.Metadata.Name).ToList();
    }

    /// <summary>Pads the repeating rows so the form always offers a few empty ones.</summary>
    public static Command WithEmptyRows(Command command) => command with
    {
        Passports = command.Passports.Concat(Enumerable.Repeat(new PassportRow(), Math.Max(1, 2 - command.Passports.Count))).ToList(),
        Contacts = command.Contacts.Concat(Enumerable.Repeat(new ContactRow(), Math.Max(1, 3 - command.Contacts.Count))).ToList(),
    };

    /// <summary>"Principal", "Spouse" or "Child", in the reader's language.</summary>
    public static string RelationshipName(Relationship relationship) => relationship switch
    {
        Relationship.Spouse => T("Spouse"),
        Relationship.Child => T("Child"),
        _ => T("Principal"),
    };

    public sealed record Duplicate(Guid Id, string Name, string? NativeName, int? BirthYear, IReadOnlyList<string> Reasons);

    /// <summary>
    /// People in the organisation who may be the same person: a similar name and the same birth year, or the same
    /// tazkira, passport or phone. Identifiers compare in lookup form; names through the trigram index.
    /// </summary>
    public static async Task<IReadOnlyList<Duplicate>> FindDuplicatesAsync(AppDbContext db, Command command, Guid? excludeId, CancellationToken ct)
    {
        var name = NameNormaliser.Normalise($"{command.GivenNames} {command.FamilyName}");
        var birthYears = Person.BirthYearSpan(command.ParsedDateOfBirth.Date, command.ParsedDateOfBirth.Precision);
        var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Duplicates are looked for within one organisation.");
        var tazkira = string.IsNullOrWhiteSpace(command.TazkiraNumber) ? null : Identifiers.TazkiraLookup(organisationId, command.TazkiraNumber);
        var passports = command.FilledPassports.Select(p => Identifiers.PassportLookup(organisationId, p.Number)).ToList();
        var phones = command.FilledContacts.Where(c => c.Kind != ContactChannelKind.Email).Select(c => Identifiers.ContactLookup(organisationId, c.Kind, c.Value)).Distinct().ToList();

        var reasons = new Dictionary<Guid, List<string>>();
        void Add(IEnumerable<Guid> ids, string reason)
        {
            foreach (var id in ids.Where(id => id != excludeId))
            {
                (reasons.TryGetValue(id, out var list) ? list : reasons[id] = []).Add(reason);
            }
        }

        if (birthYears is { } years && name.Length > 0)
        {
            // The same path as search; the birth year is compared here, since the date of birth is sealed.
            Add((await SimilarNames.BornSameYearAsync(db, name, years, ct)).Select(p => p.Id).Take(20), T("similar name and the same birth year"));
        }
        if (tazkira is not null)
        {
            Add(await db.Persons.Where(p => p.TazkiraLookup == tazkira && p.MergedIntoId == null).Select(p => p.Id).Take(20).ToListAsync(ct), T("same tazkira number"));
        }
        if (passports.Count > 0)
        {
            Add(await db.Passports.Where(p => passports.Contains(p.Lookup)).Select(p => p.PersonId).Distinct().Take(20).ToListAsync(ct), T("same passport number"));
        }
        if (phones.Count > 0)
        {
            Add(await db.ContactChannels.Where(c => c.Kind != ContactChannelKind.Email && phones.Contains(c.Lookup)).Select(c => c.PersonId).Distinct().Take(20).ToListAsync(ct), T("same phone number"));
        }
        if (reasons.Count == 0) return [];

        var ids = reasons.Keys.ToList();
        var people = await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id) && p.MergedIntoId == null)
            .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.NativeName, p.DateOfBirth }).ToListAsync(ct);
        return people.Select(p => new Duplicate(p.Id, Person.FormatName(p.GivenNames, p.FamilyName),
                p.NativeName, p.DateOfBirth?.Year, reasons[p.Id].Distinct().ToList()))
            .OrderByDescending(d => d.Reasons.Count).ToList();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
