using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using SivTracker.Web.Infrastructure;
using static SivTracker.Web.Domain.Text;

namespace SivTracker.Web.Pages.Admin;

/// <summary>Lists the closed cases past the retention period and anonymises the ones the admin confirms.</summary>
public class Retention(Retention.Handler retention, OrganisationCalendar calendar, ILogger<Retention> logger) : PageModel
{
    public const int Limit = 500;

    /// <summary>
    /// Removes the personal data of long-closed cases while keeping what the reports count: the stage history with its
    /// dates, the stored clock, the program and the number and relationships of family members.
    /// A case is eligible when it, and every other case of the same principal, has been in a terminal stage for the
    /// configured number of years; a family shared with a still-active case is never touched. Records merged into a
    /// member of the family are anonymised with it.
    /// </summary>
    public sealed class Handler(AppDbContext db, Audit audit, RetentionSettings settings, SealedFiles sealedFiles)
    {
        public const string Placeholder = "Anonymised";

        public sealed record Candidate(Guid Id, string Reference, SivProgram Program, string StageCode, DateOnly ClosedOn);

        public int Years => settings.Years;

        public DateOnly Cutoff(DateOnly today) => today.AddYears(-Years);

        public IQueryable<Case> Eligible(DateOnly today)
        {
            var cutoff = Cutoff(today);
            return db.Cases.Where(c => c.AnonymisedOn == null)
                .Where(c => !db.Cases.Any(other => other.PrincipalId == c.PrincipalId
                    && (db.OpenCases.Any(open => open.Id == other.Id) || other.CurrentStageEnteredOn == null || other.CurrentStageEnteredOn > cutoff)));
        }

        public async Task<IReadOnlyList<Candidate>> CandidatesAsync(DateOnly today, int limit, CancellationToken ct) =>
            await Eligible(today).AsNoTracking().OrderBy(c => c.CurrentStageEnteredOn).ThenBy(c => c.Reference).Take(limit)
                .Select(c => new Candidate(c.Id, c.Reference, c.Program, c.CurrentStageCode, c.CurrentStageEnteredOn!.Value)).ToListAsync(ct);

        /// <summary>Anonymises those of <paramref name="caseIds"/> that are still eligible, all or nothing; returns how many.</summary>
        public async Task<int> AnonymiseAsync(IReadOnlyCollection<Guid> caseIds, DateOnly today, CancellationToken ct)
        {
            var organisationId = db.OrganisationId ?? throw new InvalidOperationException("Anonymising runs for one organisation.");
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var cases = await Eligible(today).Where(c => caseIds.Contains(c.Id)).Select(c => new { c.Id, c.PrincipalId }).ToListAsync(ct);
            var caseIdList = cases.Select(c => c.Id).ToList();
            var principals = cases.Select(c => c.PrincipalId).Distinct().ToList();
            var family = await db.Persons.Where(p => principals.Contains(p.Id) || (p.PrincipalId != null && principals.Contains(p.PrincipalId.Value)))
                .Select(p => p.Id).ToListAsync(ct);
            var people = await WithRecordsMergedIntoAsync(family, ct);

            await db.Persons.Where(p => people.Contains(p.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.GivenNames, Placeholder).SetProperty(p => p.FamilyName, (string?)null).SetProperty(p => p.FatherName, (string?)null)
                .SetProperty(p => p.NativeName, (string?)null).SetProperty(p => p.ClanOrTribe, (string?)null).SetProperty(p => p.DateOfBirth, (DateOnly?)null)
                .SetProperty(p => p.PlaceOfBirth, (string?)null).SetProperty(p => p.Sex, (Sex?)null).SetProperty(p => p.TazkiraType, (TazkiraType?)null)
                .SetProperty(p => p.TazkiraNumber, (string?)null).SetProperty(p => p.TazkiraVolume, (string?)null).SetProperty(p => p.TazkiraPage, (string?)null)
                .SetProperty(p => p.TazkiraRegister, (string?)null).SetProperty(p => p.TazkiraLookup, (string?)null).SetProperty(p => p.CurrentCountry, (string?)null)
                .SetProperty(p => p.CurrentProvince, (string?)null).SetProperty(p => p.SafetyNotes, (string?)null).SetProperty(p => p.SafetyStatus, SafetyStatus.Unknown)
                .SetProperty(p => p.SafetyLookup, Person.SafetyStatusLookup(organisationId, SafetyStatus.Unknown))
                .SetProperty(p => p.MarriageDate, (DateOnly?)null).SetProperty(p => p.SearchTokens, Array.Empty<string>()), ct);
            await db.PersonAliases.Where(a => people.Contains(a.PersonId)).ExecuteDeleteAsync(ct);
            await db.Passports.Where(a => people.Contains(a.PersonId)).ExecuteDeleteAsync(ct);
            await db.ContactChannels.Where(a => people.Contains(a.PersonId)).ExecuteDeleteAsync(ct);
            // Employer type, role and dates stay for the service statistics; everything naming a unit or a person goes.
            await db.ServiceRecords.Where(r => people.Contains(r.PersonId)).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Employer, Placeholder).SetProperty(r => r.PrimeContractNumber, (string?)null).SetProperty(r => r.SubcontractNumber, (string?)null)
                .SetProperty(r => r.Location, (string?)null).SetProperty(r => r.SupervisorName, (string?)null).SetProperty(r => r.SupervisorEmail, (string?)null), ct);

            // Their files go whole, keys and chunks: scans of tazkiras and letters naming units have no statistical use.
            var files = db.StoredFiles.Where(f => (f.CaseId != null && caseIdList.Contains(f.CaseId.Value)) || (f.PersonId != null && people.Contains(f.PersonId.Value)));
            var inBucket = await files.Where(f => f.Store == FileStore.S3).Select(f => f.Id).ToListAsync(ct);
            await files.ExecuteDeleteAsync(ct);
            await db.CaseNotes.Where(n => caseIdList.Contains(n.CaseId)).ExecuteDeleteAsync(ct);
            await db.CaseNumbers.Where(n => caseIdList.Contains(n.CaseId)).ExecuteDeleteAsync(ct);
            await db.DocumentItems.Where(d => caseIdList.Contains(d.CaseId)).ExecuteUpdateAsync(s => s.SetProperty(d => d.UnavailabilityStatement, (string?)null), ct);
            // Free text on the history may name people; the stages and dates the statistics rest on stay.
            await db.StageEvents.Where(e => caseIdList.Contains(e.CaseId)).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Note, (string?)null).SetProperty(e => e.Reason, (string?)null)
                .SetProperty(e => e.VoidReason, e => e.VoidReason == null ? null : Placeholder), ct);
            await db.ReviewActions.Where(r => caseIdList.Contains(r.CaseId)).ExecuteUpdateAsync(s => s.SetProperty(r => r.Note, (string?)null), ct);
            // Consent notes, and the free text of referrals about these cases on this organisation's side; a referral still
            // waiting goes nowhere and its packet is dropped.
            await db.Consents.Where(c => people.Contains(c.PersonId)).ExecuteUpdateAsync(s => s.SetProperty(c => c.Note, (string?)null), ct);
            await db.Referrals.Where(r => (r.FromOrganisationId == organisationId && caseIdList.Contains(r.CaseId))
                    || (r.ToOrganisationId == organisationId && r.ReceivedCaseId != null && caseIdList.Contains(r.ReceivedCaseId.Value)))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Message, (string?)null).SetProperty(r => r.Packet, (string?)null).SetProperty(r => r.DeclineReason, (string?)null)
                    .SetProperty(r => r.Status, r => r.Status == ReferralStatus.Pending ? ReferralStatus.Cancelled : r.Status), ct);
            await db.Cases.Where(c => caseIdList.Contains(c.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.AnonymisedOn, today).SetProperty(c => c.HighRiskReason, (string?)null)
                .SetProperty(c => c.StepModelOverrideReason, c => c.StepModelOverrideReason == null ? null : Placeholder), ct);

            foreach (var id in caseIdList) audit.Record(AuditActions.CaseAnonymised, "case", id, $"people={people.Count}");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            // With their keys gone the objects are noise; should this fail, migrate-documents' sweep deletes them later.
            await sealedFiles.DeleteObjectsAsync(inBucket, ct);
            return caseIdList.Count;
        }

        /// <summary>
        /// The people and every record merged into any of them, directly or through a chain of merges. A merged record
        /// keeps the duplicate's names, identifiers and whereabouts for the history, so it is the same person's data and
        /// goes with the record it was merged into.
        /// </summary>
        private async Task<List<Guid>> WithRecordsMergedIntoAsync(List<Guid> people, CancellationToken ct)
        {
            var all = new List<Guid>(people);
            var reached = people;
            while (reached.Count > 0)
            {
                var survivors = reached;
                var known = all.ToList();
                reached = await db.Persons.Where(p => p.MergedIntoId != null && survivors.Contains(p.MergedIntoId.Value) && !known.Contains(p.Id))
                    .Select(p => p.Id).ToListAsync(ct);
                all.AddRange(reached);
            }
            return all;
        }
    }

    public IReadOnlyList<Handler.Candidate> Candidates { get; private set; } = [];
    public int Years => retention.Years;
    public DateOnly Cutoff { get; private set; }
    public string? Error { get; private set; }

    [BindProperty]
    public List<Guid> Selected { get; set; } = [];

    [BindProperty]
    public bool Confirmed { get; set; }

    [NotAudited("Case references, programs, stages and closing dates: no personal data.")]
    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = await calendar.TodayAsync(ct);
        Cutoff = retention.Cutoff(today);
        Candidates = await retention.CandidatesAsync(today, Limit, ct);
    }

    [Audited(AuditActions.CaseAnonymised)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Selected.Count == 0 || !Confirmed)
        {
            await OnGetAsync(ct);
            Error = Selected.Count == 0 ? T("Choose at least one case.") : T("Tick the box to confirm that this cannot be undone.");
            return Page();
        }
        var done = await retention.AnonymiseAsync(Selected, await calendar.TodayAsync(ct), ct);
        logger.LogInformation("Retention: {Count} cases anonymised by {UserId}", done, User.UserId());
        TempData["Flash"] = done == Selected.Count
            ? T("{0} case(s) anonymised. Their stage history and clock figures remain in the reports.", done)
            : T("{0} of {1} case(s) anonymised; the others are no longer eligible.", done, Selected.Count);
        return RedirectToPage();
    }
}

public sealed record RetentionSettings
{
    /// <summary>How long after every case of a family has closed its personal data is kept.</summary>
    public int Years { get; init; } = 7;
}
