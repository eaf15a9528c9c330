using Microsoft.EntityFrameworkCore;
using Npgsql;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Demo;

/// <summary>
/// Generates a realistic, reproducible data set: principals with families and service histories, cases over every stage
/// of both step models and S1059, backdated histories so some cases are overdue, some paused, some closed.
/// Rows go in through binary COPY in batches, so memory stays flat and 100,000 cases load in well under a minute.
/// It fills every demo organisation, so it opens its context to all of them.
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
        db.AllOrganisations();
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
        db.AllOrganisations();
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

    /// <summary>The day U.S. forces and the Kabul embassy left Afghanistan: no Afghan service record runs past it.</summary>
    private static readonly DateOnly AfghanServiceEnded = new(2021, 8, 31);

    /// <summary>IQ1244 covers service from March 2003 to September 2013; its COM applications closed on 30 September 2014.</summary>
    private static readonly (DateOnly From, DateOnly To, DateOnly ApplicationsClosed) IraqiProgram = (new(2003, 3, 20), new(2013, 9, 30), new(2014, 9, 30));

    private void GenerateCase(Batch batch, Organisation org, string reference, Random random, DateOnly today, Dictionary<string, Stage> catalog)
    {
        var now = time.GetUtcNow();
        T Stamp<T>(T entity) where T : OwnedEntity
        {
            entity.OrganisationId = org.Id;
            entity.CreatedAt = now;
            entity.UpdatedAt = now;
            // People's lookups cover their aliases and are refreshed once those are added (RefreshSearchFields).
            if (entity is IHasLookups lookups and not Person) lookups.RefreshLookups();
            return entity;
        }

        var program = Pick(random, (SivProgram.AF602B, 80), (SivProgram.S1059, 14), (SivProgram.IQ1244, 6));
        var iraqi = program == SivProgram.IQ1244 || (program == SivProgram.S1059 && random.Next(100) < 15);
        var names = iraqi ? IraqiNames : AfghanNames;

        // Service first, then a person old enough to have done it: 18 to 35 at its start.
        var (serviceFrom, serviceTo) = iraqi ? (IraqiProgram.From, IraqiProgram.To) : (new DateOnly(2002, 1, 1), AfghanServiceEnded);
        var serviceStart = RandomDate(random, serviceFrom, serviceTo.AddMonths(-14));
        var principalMale = random.Next(100) < 94;
        var principalBorn = serviceStart.AddYears(-random.Next(18, 36)).AddDays(-random.Next(365));
        var (principal, principalGiven, principalFamily) = NewPerson(random, names, principalMale, principalBorn, today, iraqi, null);
        Stamp(principal);
        batch.Persons.Add(principal);
        AddIdentityDetails(batch, principal, principalGiven, principalFamily, random, today, iraqi, Stamp);

        var isInterpreter = program == SivProgram.S1059 || random.Next(100) < 55;
        var records = random.Next(100) < 30 ? 2 : 1;
        var start = serviceStart;
        for (var r = 0; r < records && start < serviceTo; r++)
        {
            var (employerType, employer) = (iraqi ? IraqiEmployers : Employers)[random.Next((iraqi ? IraqiEmployers : Employers).Length)];
            var end = Min(start.AddMonths(random.Next(12, 72)), serviceTo);
            batch.Service.Add(Stamp(new ServiceRecord
            {
                PersonId = principal.Id,
                EmployerType = employerType,
                Employer = employer,
                PrimeContractNumber = employerType == EmployerType.Contractor ? $"W91B4N-{start.Year % 100:D2}-C-{random.Next(1000, 9999)}" : null,
                Role = isInterpreter && r == 0 ? ServiceRole.Interpreter : Pick(random, (ServiceRole.Security, 3), (ServiceRole.Driver, 2), (ServiceRole.Engineer, 1), (ServiceRole.Administrative, 2), (ServiceRole.Interpreter, 2)),
                StartDate = start,
                EndDate = end,
                Location = (iraqi ? IraqiProvinces : Provinces)[random.Next((iraqi ? IraqiProvinces : Provinces).Length)],
                SupervisorName = $"{UsGivenNames[random.Next(UsGivenNames.Length)]} {UsFamilyNames[random.Next(UsFamilyNames.Length)]}",
                SupervisorEmail = random.Next(100) < 60 ? $"supervisor{random.Next(100000)}@example.mil" : null,
                SupervisorEmailVerified = random.Next(100) < 40,
                SupervisorIsUsCitizen = random.Next(100) < 85,
                HrLetterObtained = random.Next(100) < 70,
                RecommendationLetterObtained = random.Next(100) < 60,
            }));
            start = end.AddDays(random.Next(10, 200));
        }

        var family = new List<Guid> { principal.Id };
        // Married at 19 to 30 to someone up to ten years younger (or, for a woman principal, older), and never before 18.
        if (random.Next(100) < 80)
        {
            var spouseBorn = principalMale ? principalBorn.AddYears(random.Next(1, 11)).AddDays(random.Next(365)) : principalBorn.AddYears(-random.Next(0, 8)).AddDays(-random.Next(365));
            // A young principal's spouse is young too, but an adult by now.
            spouseBorn = Min(spouseBorn, today.AddYears(-19).AddDays(-random.Next(365)));
            var (spouse, given, _) = NewPerson(random, names, !principalMale, spouseBorn, today, iraqi, principal);
            Stamp(spouse);
            spouse.Relationship = Relationship.Spouse;
            spouse.PrincipalId = principal.Id;
            var married = Max(principalBorn.AddYears(random.Next(19, 31)), spouseBorn.AddYears(18)).AddDays(random.Next(365));
            spouse.MarriageDate = Min(married, today.AddMonths(-1));
            batch.Persons.Add(spouse);
            family.Add(spouse.Id);
            AddIdentityDetails(batch, spouse, given, principalFamily, random, today, iraqi, Stamp);

            // Children from a year after the wedding, one every one to four years; some close to 21, the age the CSPA freezes at filing.
            var born = spouse.MarriageDate.Value.AddMonths(random.Next(10, 30));
            var children = random.Next(100) < 85 ? random.Next(1, 7) : 0;
            for (var c = 0; c < children && born < today; c++)
            {
                var (child, childGiven, _) = NewPerson(random, names, random.Next(2) == 0, born, today, iraqi, principal);
                Stamp(child);
                child.Relationship = Relationship.Child;
                child.PrincipalId = principal.Id;
                batch.Persons.Add(child);
                family.Add(child.Id);
                AddIdentityDetails(batch, child, childGiven, principalFamily, random, today, iraqi, Stamp);
                born = born.AddMonths(random.Next(12, 48));
            }
        }

        var history = GenerateHistory(random, program, today, Max(serviceStart.AddMonths(12), iraqi ? new DateOnly(2008, 1, 28) : new DateOnly(2009, 3, 11)), out var stepModel);
        var actor = new Case.Actor(null, now);
        var @case = Case.Open(org.Id, reference, principal.Id, family, program, stepModel, history[0].On, actor, "Imported from the NGO's spreadsheet.");
        foreach (var (code, on) in history.Skip(1))
        {
            // The generator walks the real process; a refusal is a bug in the walk, not data to keep.
            if (@case.Record(catalog, code, on, today, actor) is { } refused) throw new InvalidOperationException($"Demo history refused: {refused.Message}");
        }
        Stamp(@case);
        @case.Priority = Pick(random, (CasePriority.Normal, 80), (CasePriority.High, 15), (CasePriority.Urgent, 5));
        @case.HighRisk = random.Next(100) < 4;
        @case.HighRiskReason = @case.HighRisk ? "National-security review announced by the post." : null;
        var live = @case.LiveHistory(catalog);
        @case.CurrentStageCode = live[^1].ToStageCode;
        @case.CurrentStageEnteredOn = live[^1].EffectiveOn;
        CaseClock.Apply(@case, StatutoryClock.Compute(StatutoryClock.ClockEvents(live), catalog, program, stepModel, @case.HighRisk, today, clockSettings), today);
        batch.Cases.Add(@case);
        batch.Events.AddRange(@case.StageEvents);

        var reached = history.Select(h => h.Code).ToHashSet();
        if (reached.Contains(StageCatalog.ComSubmitted) || reached.Contains(StageCatalog.NvcReview))
        {
            batch.CaseNumbers.Add(Stamp(new CaseNumber
            {
                CaseId = @case.Id, Kind = CaseNumberKind.NvcCase,
                Number = $"{(iraqi ? IraqiPosts : Posts)[random.Next((iraqi ? IraqiPosts : Posts).Length)]}{history[0].On.Year}{random.Next(100_000, 999_999):D6}",
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

        // The checklist the case opened with, filled in as far as the history has gone.
        foreach (var item in @case.Documents)
        {
            Stamp(item);
            if (Checklist.ComPackage.Contains(item.Kind))
            {
                item.Status = reached.Contains(StageCatalog.ClockStartStage(stepModel)) ? DocumentStatus.Verified
                    : Pick(random, (DocumentStatus.Missing, 3), (DocumentStatus.Requested, 3), (DocumentStatus.Received, 2));
                item.StatusOn = item.Status == DocumentStatus.Missing ? null : Min(history[0].On.AddDays(random.Next(1, 60)), today);
            }
            else if (item.Kind != DocumentKind.Badge && reached.Contains(StageCatalog.NvcReview))
            {
                var medical = item.Kind == DocumentKind.Medical;
                var due = history.FirstOrDefault(h => h.Code == (medical ? StageCatalog.VisaIssued : StageCatalog.NvcReview)).On;
                item.Status = due != default ? DocumentStatus.Received : medical ? DocumentStatus.Requested : DocumentStatus.Received;
                item.StatusOn = due != default ? due.AddDays(-random.Next(5, 40)) : today.AddDays(-random.Next(1, 60));
            }
        }
        batch.Documents.AddRange(@case.Documents);
    }

    private static DateOnly RandomDate(Random random, DateOnly from, DateOnly to) => from.AddDays(random.Next(Math.Max(1, to.DayNumber - from.DayNumber)));

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    /// <summary>A walk along the step model's path with realistic durations, stopping at a random stage or today.</summary>
    private static List<(string Code, DateOnly On)> GenerateHistory(Random random, SivProgram program, DateOnly today, DateOnly earliest, out StepModel stepModel)
    {
        var first = program == SivProgram.IQ1244
            ? RandomDate(random, Max(earliest, new DateOnly(2008, 1, 28)), IraqiProgram.ApplicationsClosed.AddMonths(-3))
            : Max(earliest, today.AddDays(-random.Next(60, 2600)));
        var history = new List<(string Code, DateOnly On)>();
        DateOnly on = first;
        // The package goes in after weeks or months of collecting; the step model follows from that date.
        var submitted = first.AddDays(random.Next(20, 300));
        if (program == SivProgram.IQ1244) submitted = Min(submitted, IraqiProgram.ApplicationsClosed);
        stepModel = program == SivProgram.S1059 ? StepModel.S1059 : StageCatalog.DefaultStepModel(program, submitted);

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
            var next = path[i] == StageCatalog.PreCom ? submitted : on.AddDays(DurationIn(path[i], random));
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

    private sealed record NamePool(WeightedNames Male, WeightedNames Female, WeightedNames Family);

    /// <summary>Names drawn as often as they occur: a few very common, a long tail of rare ones, as in a real caseload.</summary>
    private sealed class WeightedNames(DemoNames.Name[] names)
    {
        private readonly int[] _cumulative = names.Select(n => n.Weight).Aggregate(new List<int>(), (sums, w) => { sums.Add((sums.Count == 0 ? 0 : sums[^1]) + w); return sums; }).ToArray();

        public DemoNames.Name Next(Random random)
        {
            var index = Array.BinarySearch(_cumulative, random.Next(_cumulative[^1]) + 1);
            return names[index >= 0 ? index : ~index];
        }
    }

    private static readonly NamePool AfghanNames = new(new(DemoNames.AfghanMale), new(DemoNames.AfghanFemale), new(DemoNames.AfghanFamily));
    private static readonly NamePool IraqiNames = new(new(DemoNames.IraqiMale), new(DemoNames.IraqiFemale), new(DemoNames.IraqiFamily));

    /// <summary>A person; family members share the principal's family name (or lack of one), and children name their father.</summary>
    private static (Person Person, DemoNames.Name Given, DemoNames.Name? Family) NewPerson(Random random, NamePool names, bool male, DateOnly dateOfBirth, DateOnly today,
        bool iraqi, Person? principal)
    {
        var given = (male ? names.Male : names.Female).Next(random);
        // Many Afghans have no family name; U.S. documents then carry only the given name. Iraqis carry a tribal or family name.
        var family = principal is not null ? null : !iraqi && random.Next(100) < 25 ? null : names.Family.Next(random);
        var precision = Pick(random, (DatePrecision.Exact, 60), (DatePrecision.YearOnly, 25), (DatePrecision.Estimated, 15));
        var dob = precision == DatePrecision.YearOnly ? new DateOnly(dateOfBirth.Year, 1, 1) : dateOfBirth;
        var father = principal is { Sex: Domain.Sex.M } && dateOfBirth > principal.DateOfBirth!.Value.AddYears(15) ? principal.GivenNames : names.Male.Next(random).Spellings[0];
        var provinces = iraqi ? IraqiProvinces : Provinces;
        var person = new Person
        {
            GivenNames = given.Spellings[0],
            FamilyName = principal?.FamilyName ?? family?.Spellings[0],
            NativeName = principal is { NativeName: { } native } && principal.FamilyName is not null ? $"{given.Native} {native.Split(' ')[^1]}"
                : family is null ? given.Native : $"{given.Native} {family.Native}",
            FatherName = father,
            ClanOrTribe = principal?.ClanOrTribe ?? (random.Next(100) < 40 ? (iraqi ? IraqiTribes : Tribes)[random.Next((iraqi ? IraqiTribes : Tribes).Length)] : null),
            DateOfBirth = dob > today ? today : dob,
            DateOfBirthPrecision = precision,
            PlaceOfBirth = provinces[random.Next(provinces.Length)],
            Sex = male ? Domain.Sex.M : Domain.Sex.F,
            CurrentCountry = principal?.CurrentCountry ?? (iraqi
                ? Pick(random, ("IQ", 70), ("JO", 10), ("TR", 10), ("LB", 5), ("DE", 5))
                : Pick(random, ("AF", 60), ("PK", 25), ("IR", 5), ("QA", 3), ("AE", 3), ("DE", 4))),
            CurrentProvince = principal?.CurrentProvince ?? provinces[random.Next(provinces.Length)],
            SafetyStatus = principal?.SafetyStatus ?? Pick(random, (SafetyStatus.Unknown, 10), (SafetyStatus.InHiding, 25), (SafetyStatus.Displaced, 20),
                (SafetyStatus.ThirdCountry, 20), (SafetyStatus.DeportationRisk, 10), (SafetyStatus.Safe, 15)),
        };
        return (person, given, family);
    }

    private static void AddIdentityDetails(Batch batch, Person person, DemoNames.Name given, DemoNames.Name? family, Random random, DateOnly today, bool iraqi,
        Func<OwnedEntity, OwnedEntity> stamp)
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
        if (!iraqi)
        {
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
        }
        if (random.Next(100) < 75)
        {
            batch.Passports.Add((Passport)stamp(new Passport
            {
                PersonId = person.Id,
                Number = iraqi ? $"A{random.Next(1_000_000, 9_999_999)}" : $"P{random.Next(1_000_000, 9_999_999)}",
                Country = iraqi ? "IQ" : "AF",
                // Some already expired or expiring soon, which the deadline service flags.
                ExpiresOn = today.AddDays(random.Next(-400, 3000)),
            }));
        }
        if (person.Relationship == Relationship.Principal || (adult && random.Next(100) < 30))
        {
            var phone = iraqi ? $"+9647{random.Next(7, 10)}{random.Next(10_000_000, 99_999_999)}" : $"+937{random.Next(0, 10)}{random.Next(1_000_000, 9_999_999)}";
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

    private static T Pick<T>(Random random, params (T Value, int Weight)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if ((roll -= weight) < 0) return value;
        }
        return choices[^1].Value;
    }

    private static readonly string[] Tribes = ["Pashtun (Ghilzai)", "Pashtun (Durrani)", "Tajik", "Hazara", "Uzbek", "Turkmen", "Nuristani", "Pashai"];

    private static readonly string[] Provinces =
        ["Kabul", "Kandahar", "Helmand", "Herat", "Balkh", "Nangarhar", "Kunduz", "Paktia", "Khost", "Ghazni", "Logar", "Parwan", "Bamyan", "Zabul", "Uruzgan"];

    private static readonly string[] Posts = ["KBL", "ISL", "DOH", "ABD"];
    private static readonly string[] IraqiPosts = ["BGH", "AMM", "ERB"];

    private static readonly string[] IraqiProvinces =
        ["Baghdad", "Basra", "Nineveh", "Anbar", "Erbil", "Kirkuk", "Diyala", "Salah ad-Din", "Babil", "Karbala", "Najaf", "Wasit", "Dhi Qar", "Maysan"];

    private static readonly string[] IraqiTribes = ["Dulaim", "Shammar", "Jubur", "Bani Tamim", "Ubaid", "Zubaid", "Rabia", "Albu Nimr", "Azza"];

    private static readonly (EmployerType, string)[] IraqiEmployers =
    [
        (EmployerType.UsMilitary, "3rd Infantry Division"), (EmployerType.UsMilitary, "1st Marine Expeditionary Force"),
        (EmployerType.UsMilitary, "101st Airborne Division"), (EmployerType.UsEmbassyOrAgency, "U.S. Embassy Baghdad"),
        (EmployerType.UsEmbassyOrAgency, "USAID Iraq"), (EmployerType.Contractor, "Linguist services prime contractor"),
        (EmployerType.Contractor, "Reconstruction engineering subcontractor"),
    ];

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
