using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Data;

/// <summary>
/// Generates a realistic, reproducible data set: principals with families and service histories, cases over every stage
/// of both step models and S1059, backdated histories so some cases are overdue, some paused, some closed.
/// Rows go in through binary COPY in batches, so memory stays flat and 100,000 cases load in well under a minute.
/// </summary>
public sealed class DemoDataGenerator(AppDbContext db, TimeProvider time, ClockSettings clockSettings, UserAccounts accounts)
{
    public sealed record Result(int Organisations, int Cases, int Persons, int StageEvents);

    public static readonly (string Slug, string Name, string TimeZone, string Prefix)[] DemoOrganisations =
    [
        ("ngo-a", "Allies Aid (demo)", "UTC", "A"),
        ("ngo-b", "Bridge Legal (demo)", "America/New_York", "B"),
    ];

    private const int BatchSize = 5_000;

    /// <summary>The demo accounts: each organisation's admin, caseworker and reviewer, and one system administrator.</summary>
    public static readonly (string Email, string Name, string? OrganisationSlug, string Role)[] DemoUsers =
    [
        ("admin@ngo-a.demo", "Amina Admin", "ngo-a", Roles.Admin),
        ("caseworker@ngo-a.demo", "Carlos Caseworker", "ngo-a", Roles.Caseworker),
        ("reviewer@ngo-a.demo", "Rahel Reviewer", "ngo-a", Roles.Reviewer),
        ("admin@ngo-b.demo", "Bilal Admin", "ngo-b", Roles.Admin),
        ("caseworker@ngo-b.demo", "Beth Caseworker", "ngo-b", Roles.Caseworker),
        ("reviewer@ngo-b.demo", "Bruno Reviewer", "ngo-b", Roles.Reviewer),
        ("system@demo.local", "Sam System", null, Roles.SystemAdmin),
    ];

    /// <summary>Creates the demo accounts that are missing and gives each organisation's unassigned cases to its caseworker.</summary>
    public async Task<int> EnsureDemoUsersAsync(string password, CancellationToken ct = default)
    {
        var created = 0;
        foreach (var (email, name, slug, role) in DemoUsers)
        {
            var organisationId = slug is null ? null : (Guid?)await db.Organisations.Where(o => o.Slug == slug).Select(o => o.Id).SingleAsync(ct);
            if (await db.Users.AnyAsync(u => u.Email == email, ct)) continue;
            var result = await accounts.CreateAsync(email, name, organisationId, [role], password, ct: ct);
            if (result.User is null)
            {
                throw new InvalidOperationException(string.Join(" ", result.Result.Errors.Select(e => e.Description)));
            }
            created++;
            if (role == Roles.Caseworker)
            {
                await db.Cases.Where(c => c.OrganisationId == organisationId && c.CaseworkerId == null)
                    .ExecuteUpdateAsync(c => c.SetProperty(x => x.CaseworkerId, result.User.Id), ct);
            }
        }
        return created;
    }

    public async Task<Result> GenerateAsync(int scale, int seed = 20_090_101, Action<string>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var catalog = await db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, ct);
        if (catalog.Count == 0)
        {
            throw new InvalidOperationException("The stage catalog is empty: run migrate first.");
        }

        var organisations = new List<(Organisation Org, string Prefix, int Cases)>();
        var remaining = scale;
        for (var i = 0; i < DemoOrganisations.Length; i++)
        {
            var (slug, name, zone, prefix) = DemoOrganisations[i];
            var org = await db.Organisations.FirstOrDefaultAsync(o => o.Slug == slug, ct);
            if (org is null)
            {
                org = new Organisation { Slug = slug, Name = name, TimeZone = zone };
                db.Organisations.Add(org);
                await db.SaveChangesAsync(ct);
            }
            // Two thirds to the first organisation so the two demo NGOs look different.
            var share = i == DemoOrganisations.Length - 1 ? remaining : (int)Math.Ceiling(scale * 2 / 3.0);
            share = Math.Min(share, remaining);
            remaining -= share;
            organisations.Add((org, prefix, share));
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(ct);
        }

        var random = new Random(seed);
        int persons = 0, events = 0, cases = 0;
        foreach (var (org, prefix, count) in organisations)
        {
            var existingCases = await db.Cases.CountAsync(c => c.OrganisationId == org.Id, ct);
            for (var start = 0; start < count; start += BatchSize)
            {
                var batch = new Batch();
                for (var n = start; n < Math.Min(count, start + BatchSize); n++)
                {
                    GenerateCase(batch, org, $"{prefix}-{existingCases + n + 1:D6}", random, today, catalog);
                }
                await using (var tx = await connection.BeginTransactionAsync(ct))
                {
                    await BulkCopy.WriteAsync(db, connection, batch.Persons, ct);
                    await BulkCopy.WriteAsync(db, connection, batch.Aliases, ct);
                    await BulkCopy.WriteAsync(db, connection, batch.Passports, ct);
                    await BulkCopy.WriteAsync(db, connection, batch.Contacts, ct);
                    await BulkCopy.WriteAsync(db, connection, batch.Service, ct);
                    await BulkCopy.WriteAsync(db, connection, batch.Cases, ct);
                    await BulkCopy.WriteAsync(db, connection, batch.CaseNumbers, ct);
                    await BulkCopy.WriteAsync(db, connection, batch.Events, ct);
                    await BulkCopy.WriteAsync(db, connection, batch.Documents, ct);
                    await tx.CommitAsync(ct);
                }
                persons += batch.Persons.Count;
                events += batch.Events.Count;
                cases += batch.Cases.Count;
                progress?.Invoke($"{cases} of {scale} cases written");
            }
        }
        return new Result(organisations.Count, cases, persons, events);
    }

    private sealed class Batch
    {
        public List<Person> Persons { get; } = [];
        public List<PersonAlias> Aliases { get; } = [];
        public List<Passport> Passports { get; } = [];
        public List<ContactChannel> Contacts { get; } = [];
        public List<ServiceRecord> Service { get; } = [];
        public List<Case> Cases { get; } = [];
        public List<CaseNumber> CaseNumbers { get; } = [];
        public List<StageEvent> Events { get; } = [];
        public List<DocumentItem> Documents { get; } = [];
    }

    private void GenerateCase(Batch batch, Organisation org, string reference, Random random, DateOnly today, Dictionary<string, Stage> catalog)
    {
        var now = time.GetUtcNow();
        T Stamp<T>(T entity) where T : OwnedEntity
        {
            entity.OrganisationId = org.Id;
            entity.CreatedAt = now;
            entity.UpdatedAt = now;
            return entity;
        }

        var program = Pick(random, (SivProgram.AF602B, 80), (SivProgram.S1059, 14), (SivProgram.IQ1244, 6));
        var (principal, principalGiven, principalFamily) = NewPerson(random, male: random.Next(100) < 94, today.AddYears(-random.Next(24, 58)), today);
        Stamp(principal);
        batch.Persons.Add(principal);
        AddIdentityDetails(batch, principal, principalGiven, principalFamily, random, today, Stamp);

        var isInterpreter = program == SivProgram.S1059 || random.Next(100) < 55;
        var serviceStart = today.AddYears(program == SivProgram.IQ1244 ? -random.Next(13, 20) : -random.Next(6, 20)).AddDays(-random.Next(365));
        var records = random.Next(100) < 30 ? 2 : 1;
        for (var r = 0; r < records; r++)
        {
            var months = random.Next(8, 60);
            var (employerType, employer) = Employers[random.Next(Employers.Length)];
            var end = serviceStart.AddMonths(months);
            batch.Service.Add(Stamp(new ServiceRecord
            {
                PersonId = principal.Id,
                EmployerType = employerType,
                Employer = employer,
                PrimeContractNumber = employerType == EmployerType.Contractor ? $"W91B4N-{random.Next(10, 20)}-C-{random.Next(1000, 9999)}" : null,
                Role = isInterpreter && r == 0 ? ServiceRole.Interpreter : Pick(random, (ServiceRole.Security, 3), (ServiceRole.Driver, 2), (ServiceRole.Engineer, 1), (ServiceRole.Administrative, 2), (ServiceRole.Interpreter, 2)),
                StartDate = serviceStart,
                EndDate = end,
                Location = Provinces[random.Next(Provinces.Length)],
                SupervisorName = $"{UsGivenNames[random.Next(UsGivenNames.Length)]} {UsFamilyNames[random.Next(UsFamilyNames.Length)]}",
                SupervisorEmail = random.Next(100) < 60 ? $"supervisor{random.Next(100000)}@example.mil" : null,
                SupervisorEmailVerified = random.Next(100) < 40,
                SupervisorIsUsCitizen = random.Next(100) < 85,
                HrLetterObtained = random.Next(100) < 70,
                RecommendationLetterObtained = random.Next(100) < 60,
            }));
            serviceStart = end.AddDays(random.Next(10, 200));
        }

        if (random.Next(100) < 80)
        {
            var (spouse, given, _) = NewPerson(random, !IsMale(principal), principal.DateOfBirth!.Value.AddYears(random.Next(2, 9)), today);
            Stamp(spouse);
            spouse.Relationship = Relationship.Spouse;
            spouse.PrincipalId = principal.Id;
            spouse.FamilyName = principal.FamilyName;
            spouse.MarriageDate = principal.DateOfBirth.Value.AddYears(random.Next(19, 28)).AddDays(random.Next(365));
            batch.Persons.Add(spouse);
            AddIdentityDetails(batch, spouse, given, principalFamily, random, today, Stamp);
        }
        var children = random.Next(100) < 85 ? random.Next(1, 6) : 0;
        for (var c = 0; c < children; c++)
        {
            // Some children are close to 21, the age the CSPA freezes at filing: the NGO must watch them.
            var (child, given, _) = NewPerson(random, random.Next(2) == 0, today.AddYears(-random.Next(0, 22)).AddDays(-random.Next(365)), today);
            Stamp(child);
            child.Relationship = Relationship.Child;
            child.PrincipalId = principal.Id;
            child.FamilyName = principal.FamilyName;
            child.FatherName = IsMale(principal) ? principal.GivenNames : child.FatherName;
            batch.Persons.Add(child);
            AddIdentityDetails(batch, child, given, principalFamily, random, today, Stamp);
        }

        var @case = Stamp(new Case
        {
            Reference = reference,
            PrincipalId = principal.Id,
            Program = program,
            CurrentStageCode = StageCatalog.PreCom,
            Priority = Pick(random, (CasePriority.Normal, 80), (CasePriority.High, 15), (CasePriority.Urgent, 5)),
            HighRisk = random.Next(100) < 4,
        });
        if (@case.HighRisk)
        {
            @case.HighRiskReason = "National-security review announced by the post.";
        }

        var history = GenerateHistory(random, program, today, out var stepModel);
        @case.StepModel = stepModel;
        for (var i = 0; i < history.Count; i++)
        {
            var (code, on) = history[i];
            batch.Events.Add(new StageEvent
            {
                OrganisationId = org.Id,
                CaseId = @case.Id,
                FromStageCode = i == 0 ? null : history[i - 1].Code,
                ToStageCode = code,
                EffectiveOn = on,
                RecordedAt = now,
                Note = i == 0 ? "Imported from the NGO's spreadsheet." : null,
            });
        }
        @case.CurrentStageCode = history[^1].Code;
        @case.CurrentStageEnteredOn = history[^1].On;
        var clock = StatutoryClock.Compute(
            history.Select((h, i) => new ClockEvent(h.Code, h.On, i)), catalog, program, stepModel, @case.HighRisk, today, clockSettings);
        CaseClock.Apply(@case, clock, today);
        batch.Cases.Add(@case);

        var reached = history.Select(h => h.Code).ToHashSet();
        if (reached.Contains(StageCatalog.ComSubmitted) || reached.Contains(StageCatalog.NvcReview))
        {
            batch.CaseNumbers.Add(Stamp(new CaseNumber
            {
                CaseId = @case.Id, Kind = CaseNumberKind.NvcCase,
                Number = $"{Posts[random.Next(Posts.Length)]}{history[0].On.Year}{random.Next(100_000, 999_999):D6}",
                AssignedOn = history[Math.Min(1, history.Count - 1)].On,
            }));
        }
        if (reached.Contains(StageCatalog.I360Pending))
        {
            batch.CaseNumbers.Add(Stamp(new CaseNumber
            {
                CaseId = @case.Id, Kind = CaseNumberKind.UscisReceipt,
                Number = $"IOE{random.NextInt64(1_000_000_000, 9_999_999_999):D10}",
                AssignedOn = history.First(h => h.Code == StageCatalog.I360Pending).On,
            }));
        }

        if (stepModel != StepModel.S1059)
        {
            var packageComplete = reached.Contains(StageCatalog.ComSubmitted);
            foreach (var kind in new[] { DocumentKind.Ds157, DocumentKind.HrLetter, DocumentKind.RecommendationLetter, DocumentKind.ProofOfNationality })
            {
                var status = packageComplete ? DocumentStatus.Verified : Pick(random, (DocumentStatus.Missing, 3), (DocumentStatus.Requested, 3), (DocumentStatus.Received, 2));
                batch.Documents.Add(Stamp(new DocumentItem { CaseId = @case.Id, Kind = kind, Status = status, StatusOn = history[0].On.AddDays(random.Next(1, 60)) }));
            }
        }
    }

    /// <summary>A walk along the step model's path with realistic durations, stopping at a random stage or today.</summary>
    private static List<(string Code, DateOnly On)> GenerateHistory(Random random, SivProgram program, DateOnly today, out StepModel stepModel)
    {
        var first = program == SivProgram.IQ1244
            ? new DateOnly(2011, 1, 1).AddDays(random.Next(0, 1300))
            : today.AddDays(-random.Next(60, 2600));
        var history = new List<(string Code, DateOnly On)>();
        DateOnly on = first;
        if (program == SivProgram.S1059)
        {
            stepModel = StepModel.S1059;
        }
        else
        {
            var submitted = first.AddDays(random.Next(20, 300));
            stepModel = StageCatalog.DefaultStepModel(program, submitted);
        }

        var path = new List<string>(stepModel switch
        {
            StepModel.S1059 => [StageCatalog.I360Prep, StageCatalog.I360Pending],
            StepModel.LEGACY => [StageCatalog.PreCom, StageCatalog.ComSubmitted, StageCatalog.ComReview, StageCatalog.ComApproved, StageCatalog.I360Prep, StageCatalog.I360Pending],
            _ => [StageCatalog.PreCom, StageCatalog.ComSubmitted, StageCatalog.ComReview, StageCatalog.ComApproved],
        });
        if (stepModel != StepModel.S1059 && random.Next(100) < 20)
        {
            // Requests for more information are common in COM review.
            path.InsertRange(path.IndexOf(StageCatalog.ComReview) + 1, [StageCatalog.ComRfi, StageCatalog.ComReview]);
        }
        if (stepModel != StepModel.S1059 && random.Next(100) < 6)
        {
            path.InsertRange(path.IndexOf(StageCatalog.ComApproved), [StageCatalog.ComDenied, StageCatalog.ComAppeal]);
        }
        path.AddRange([StageCatalog.Ds260Prep, StageCatalog.NvcReview, StageCatalog.InterviewPending, StageCatalog.InterviewScheduled]);
        if (random.Next(100) < 45)
        {
            path.Add(StageCatalog.AdminProcessing);
        }
        path.AddRange([StageCatalog.Medical, StageCatalog.VisaIssued, StageCatalog.Arrived]);

        // IQ1244 applications closed in 2014: those cases have run their course.
        var stopAt = program == SivProgram.IQ1244 ? (random.Next(100) < 25 ? -1 : path.Count - 1)
            : random.Next(100) < 7 ? -1 : random.Next(path.Count);
        for (var i = 0; i < path.Count; i++)
        {
            history.Add((path[i], on));
            if (i == stopAt) break;
            var next = on.AddDays(DurationIn(path[i], random));
            if (next > today) break;
            on = next;
        }
        if (stopAt == -1 && history[^1].Code != StageCatalog.Arrived)
        {
            history.Add((StageCatalog.Closed, on.AddDays(random.Next(1, 30)) is var closed && closed <= today ? closed : today));
        }
        return history;
    }

    private static int DurationIn(string stage, Random random) => stage switch
    {
        StageCatalog.PreCom => random.Next(20, 300),
        StageCatalog.ComRfi or StageCatalog.I360Prep or StageCatalog.Ds260Prep or StageCatalog.Medical => random.Next(10, 120),
        StageCatalog.ComDenied => random.Next(20, 110),
        StageCatalog.VisaIssued => random.Next(10, 90),
        _ => random.Next(15, 260),
    };

    private static (Person Person, Name Given, Name? Family) NewPerson(Random random, bool male, DateOnly dateOfBirth, DateOnly today)
    {
        var given = male ? MaleNames[random.Next(MaleNames.Length)] : FemaleNames[random.Next(FemaleNames.Length)];
        // Many Afghans have no family name; U.S. documents then carry only the given name.
        var family = random.Next(100) < 25 ? null : FamilyNames[random.Next(FamilyNames.Length)];
        var precision = Pick(random, (DatePrecision.Exact, 60), (DatePrecision.YearOnly, 25), (DatePrecision.Estimated, 15));
        var dob = precision == DatePrecision.YearOnly ? new DateOnly(dateOfBirth.Year, 1, 1) : dateOfBirth;
        var person = new Person
        {
            GivenNames = given.Spellings[0],
            FamilyName = family?.Spellings[0],
            NativeName = family is null ? given.Native : $"{given.Native} {family.Native}",
            FatherName = MaleNames[random.Next(MaleNames.Length)].Spellings[0],
            ClanOrTribe = random.Next(100) < 40 ? Tribes[random.Next(Tribes.Length)] : null,
            DateOfBirth = dob > today ? today : dob,
            DateOfBirthPrecision = precision,
            PlaceOfBirth = Provinces[random.Next(Provinces.Length)],
            Sex = male ? Domain.Sex.M : Domain.Sex.F,
            CurrentCountry = Pick(random, ("AF", 60), ("PK", 25), ("IR", 5), ("QA", 3), ("AE", 3), ("DE", 4)),
            CurrentProvince = Provinces[random.Next(Provinces.Length)],
            SafetyStatus = Pick(random, (SafetyStatus.Unknown, 10), (SafetyStatus.InHiding, 25), (SafetyStatus.Displaced, 20),
                (SafetyStatus.ThirdCountry, 20), (SafetyStatus.DeportationRisk, 10), (SafetyStatus.Safe, 15)),
        };
        return (person, given, family);
    }

    private static void AddIdentityDetails(Batch batch, Person person, Name given, Name? family, Random random, DateOnly today, Func<OwnedEntity, OwnedEntity> stamp)
    {
        var (firstAlias, firstPassport, firstContact) = (batch.Aliases.Count, batch.Passports.Count, batch.Contacts.Count);
        if (given.Spellings.Length > 1)
        {
            foreach (var spelling in given.Spellings.Skip(1).Take(random.Next(1, 3)))
            {
                var alias = family is null || person.FamilyName is null ? spelling : $"{spelling} {family.Spellings[random.Next(family.Spellings.Length)]}";
                batch.Aliases.Add((PersonAlias)stamp(new PersonAlias { PersonId = person.Id, Spelling = alias }));
            }
        }

        var adult = person.DateOfBirth is { } dob && dob.AddYears(16) <= today;
        person.TazkiraType = random.Next(100) < 70 ? TazkiraType.Paper : TazkiraType.Electronic;
        person.TazkiraNumber = person.TazkiraType == TazkiraType.Paper
            ? random.Next(100_000, 9_999_999).ToString()
            : $"{random.Next(1390, 1402)}-{random.Next(100, 9999):D4}-{random.Next(10_000, 99_999)}";
        if (person.TazkiraType == TazkiraType.Paper && random.Next(100) < 50)
        {
            person.TazkiraVolume = random.Next(1, 400).ToString();
            person.TazkiraPage = random.Next(1, 300).ToString();
            person.TazkiraRegister = random.Next(1, 9000).ToString();
        }
        if (random.Next(100) < 75)
        {
            batch.Passports.Add((Passport)stamp(new Passport
            {
                PersonId = person.Id,
                Number = $"P{random.Next(1_000_000, 9_999_999)}",
                Country = "AF",
                // Some already expired or expiring soon, which the deadline service flags.
                ExpiresOn = today.AddDays(random.Next(-400, 3000)),
            }));
        }
        if (person.Relationship == Relationship.Principal || (adult && random.Next(100) < 30))
        {
            var phone = $"+937{random.Next(0, 10)}{random.Next(1_000_000, 9_999_999)}";
            var lastContact = today.AddDays(-random.Next(0, 200));
            batch.Contacts.Add((ContactChannel)stamp(new ContactChannel { PersonId = person.Id, Kind = ContactChannelKind.Phone, Value = phone, LastSuccessfulContactOn = lastContact }));
            if (random.Next(100) < 70)
            {
                batch.Contacts.Add((ContactChannel)stamp(new ContactChannel { PersonId = person.Id, Kind = ContactChannelKind.WhatsApp, Value = phone, LastSuccessfulContactOn = lastContact }));
            }
            if (random.Next(100) < 30)
            {
                batch.Contacts.Add((ContactChannel)stamp(new ContactChannel { PersonId = person.Id, Kind = ContactChannelKind.Email, Value = $"applicant{random.Next(1_000_000)}@example.org" }));
            }
        }
        if (person.Relationship == Relationship.Principal && random.Next(100) < 25)
        {
            person.SafetyNotes = SafetyNotes[random.Next(SafetyNotes.Length)];
        }
        // The generated rows live in the batch lists, not on the person, so attach them while refreshing.
        person.Aliases = batch.Aliases[firstAlias..];
        person.Passports = batch.Passports[firstPassport..];
        person.ContactChannels = batch.Contacts[firstContact..];
        person.RefreshSearchFields();
    }

    private static bool IsMale(Person person) => person.Sex == Domain.Sex.M;

    private static T Pick<T>(Random random, params (T Value, int Weight)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if ((roll -= weight) < 0) return value;
        }
        return choices[^1].Value;
    }

    public sealed record Name(string Native, params string[] Spellings);

    // The first spelling is the one written in the record; the others become aliases, as NGOs find them on other documents.
    private static readonly Name[] MaleNames =
    [
        new("محمد", "Mohammad", "Muhammad", "Mohammed", "Mohd"), new("احمد", "Ahmad", "Ahmed", "Ahmet"),
        new("عبدالرحمن", "Abdul Rahman", "Abdulrahman", "Abdur Rahman", "Abdul Rehman"), new("حمید", "Hamid", "Hameed"),
        new("کریم", "Karim", "Kareem"), new("نجیب الله", "Najibullah", "Najeebullah", "Najib Ullah"),
        new("ذبیح الله", "Zabihullah", "Zabiullah", "Zabeehullah"), new("رحمت الله", "Rahmatullah", "Rahmatulla", "Rahmat Ullah"),
        new("نور", "Noor", "Nur", "Nour"), new("فرید", "Farid", "Fareed"), new("جواد", "Jawad", "Javad"),
        new("سید", "Sayed", "Sayyid", "Syed", "Said"), new("حکمت الله", "Hekmatullah", "Hikmatullah"),
        new("حبیب", "Habib", "Habeeb"), new("خالد", "Khalid", "Khaled"), new("وحید", "Wahid", "Waheed", "Vahid"),
        new("غلام", "Ghulam", "Gholam", "Golam"), new("عبدالله", "Abdullah", "Abdulla", "Abdallah"),
        new("یوسف", "Yousuf", "Yusuf", "Yosuf"), new("شفیق", "Shafiq", "Shafeeq"), new("مصطفی", "Mustafa", "Mostafa"),
        new("اسدالله", "Asadullah", "Asadulla"), new("ضیا", "Zia", "Ziya"), new("قدیر", "Qadir", "Kadir", "Qadeer"),
    ];

    private static readonly Name[] FemaleNames =
    [
        new("فاطمه", "Fatima", "Fatema", "Fatemah"), new("مریم", "Maryam", "Mariam", "Meryem"), new("زهرا", "Zahra", "Zahraa"),
        new("نازیه", "Nazia", "Naziya"), new("شبنم", "Shabnam"), new("پروانه", "Parwana", "Parvana"),
        new("فرشته", "Freshta", "Fereshta", "Fereshteh"), new("سیما", "Sima", "Seema"), new("رویا", "Roya", "Roia"),
        new("نرگس", "Nargis", "Narges"), new("ثریا", "Soraya", "Suraya", "Thuraya"), new("فرزانه", "Farzana", "Farzaneh"),
    ];

    private static readonly Name[] FamilyNames =
    [
        new("احمدزی", "Ahmadzai", "Ahmadzay", "Ahmedzai"), new("پوپلزی", "Popalzai", "Popalzay"), new("ستانکزی", "Stanikzai", "Stanekzai"),
        new("نوری", "Noori", "Nuri", "Nouri"), new("رحیمی", "Rahimi", "Raheemi"), new("کریمی", "Karimi", "Kareemi"),
        new("هاشمی", "Hashimi", "Hashemi"), new("سلطانی", "Sultani", "Soltani"), new("صافی", "Safi", "Saafi"),
        new("مومند", "Mohmand", "Momand"), new("وردک", "Wardak", "Wardag"), new("هوتک", "Hotak", "Hotaki"),
        new("بارکزی", "Barakzai", "Barakzay"), new("سادات", "Sadat", "Saadat"), new("امیری", "Amiri", "Ameeri"),
        new("حیدری", "Haidari", "Haydari", "Heidari"), new("جلالی", "Jalali", "Jelali"), new("نیازی", "Niazi", "Nyazi"),
        new("یوسفزی", "Yousafzai", "Yusufzai", "Yousufzai"), new("درانی", "Durrani", "Durani"),
    ];

    private static readonly string[] Tribes = ["Pashtun (Ghilzai)", "Pashtun (Durrani)", "Tajik", "Hazara", "Uzbek", "Turkmen", "Nuristani", "Pashai"];

    private static readonly string[] Provinces =
        ["Kabul", "Kandahar", "Helmand", "Herat", "Balkh", "Nangarhar", "Kunduz", "Paktia", "Khost", "Ghazni", "Logar", "Parwan", "Bamyan", "Zabul", "Uruzgan"];

    private static readonly string[] Posts = ["KBL", "ISL", "DOH", "ABD"];

    private static readonly (EmployerType, string)[] Employers =
    [
        (EmployerType.UsMilitary, "2nd Battalion, 8th Marines"), (EmployerType.UsMilitary, "1st Brigade, 82nd Airborne Division"),
        (EmployerType.UsMilitary, "Combined Joint Special Operations Task Force"), (EmployerType.UsEmbassyOrAgency, "U.S. Embassy Kabul"),
        (EmployerType.UsEmbassyOrAgency, "USAID Afghanistan"), (EmployerType.Contractor, "Linguist services prime contractor"),
        (EmployerType.Contractor, "Base life-support subcontractor"), (EmployerType.IsafResoluteSupport, "ISAF Regional Command South"),
    ];

    private static readonly string[] UsGivenNames = ["James", "Sarah", "Michael", "Jennifer", "Robert", "Emily", "David", "Laura"];
    private static readonly string[] UsFamilyNames = ["Miller", "Johnson", "Garcia", "Brown", "Davis", "Wilson", "Anderson", "Clark"];

    private static readonly string[] SafetyNotes =
    [
        "Moved between relatives' houses twice this month; do not call before 20:00 local time.",
        "Received a threatening letter at the family home; brother detained briefly.",
        "In Peshawar on an expired visa; police checks in the area.",
        "Prefers Signal; phone shared with a neighbour.",
    ];
}
