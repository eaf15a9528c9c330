namespace SivTracker.Web.Infrastructure;

/// <summary>
/// Every action an audit row can name, in one place, so the log reads the same wherever a row comes from and a search
/// of it by action finds everything. A unit test refuses an action written as a literal at a call site, and one listed
/// here that nothing records. The values are stored in <c>audit_events.action</c>: renaming one splits the history,
/// so add a new name rather than change an old one.
/// </summary>
public static class AuditActions
{
    // People.

    /// <summary>A person's page was opened; details name the sections the user's role let through.</summary>
    public const string PersonViewed = "person.viewed";

    /// <summary>The edit form of a person was opened: it holds every field of the record, identifiers and contacts included.</summary>
    public const string PersonEditFormViewed = "person.edit-form-viewed";

    /// <summary>A page of the applicant list (names, family size, safety status) was shown; details give the filters and the row count.</summary>
    public const string PersonListViewed = "person.list-viewed";

    /// <summary>A search ran; details give the number of results, never the term.</summary>
    public const string ApplicantSearched = "applicant.searched";

    /// <summary>A page of the interpreter list (names and service history) was shown; details give the row count.</summary>
    public const string InterpreterListViewed = "interpreter.list-viewed";

    /// <summary>A principal or family member was registered.</summary>
    public const string PersonCreated = "person.created";

    /// <summary>A person was edited; details name the changed fields.</summary>
    public const string PersonEdited = "person.edited";

    /// <summary>The merge form was opened: the record and the people it may be a duplicate of; details give how many.</summary>
    public const string PersonMergeFormViewed = "person.merge-form-viewed";

    /// <summary>A duplicate record was merged into the one that survives.</summary>
    public const string PersonMerged = "person.merged";

    /// <summary>The edit form of a service record was opened (employer, supervisor, contract numbers).</summary>
    public const string ServiceRecordViewed = "service-record.viewed";

    /// <summary>A service record was added to a person.</summary>
    public const string ServiceRecordAdded = "service-record.added";

    /// <summary>A service record was changed; details name the changed fields.</summary>
    public const string ServiceRecordEdited = "service-record.edited";

    // Cases.

    /// <summary>A case's page was opened: its principal, family, numbers, documents, notes and timeline.</summary>
    public const string CaseViewed = "case.viewed";

    /// <summary>A page of the case list (principal names, stages, clocks) was shown; details give the filters and the row count.</summary>
    public const string CaseListViewed = "case.list-viewed";

    /// <summary>A case's settings form was opened (its case numbers, caseworker, priority and high-risk mark).</summary>
    public const string CaseSettingsViewed = "case.settings-viewed";

    /// <summary>A case was opened for a principal.</summary>
    public const string CaseOpened = "case.opened";

    /// <summary>A stage change was recorded, corrected or voided; details say which.</summary>
    public const string CaseHistoryChanged = "case.history-changed";

    /// <summary>A note was added to a case.</summary>
    public const string CaseNoteAdded = "case.note-added";

    /// <summary>Its author changed a note within the edit window.</summary>
    public const string CaseNoteEdited = "case.note-edited";

    /// <summary>An NVC case or USCIS receipt number was added; details give its kind, never the number.</summary>
    public const string CaseNumberAdded = "case.number-added";

    /// <summary>A case's caseworker or priority was set; details give the caseworker's id and the priority.</summary>
    public const string CaseAssigned = "case.assigned";

    /// <summary>An admin marked a case high-risk.</summary>
    public const string CaseHighRiskSet = "case.high-risk.set";

    /// <summary>An admin removed a case's high-risk mark.</summary>
    public const string CaseHighRiskCleared = "case.high-risk.cleared";

    /// <summary>A closed case past the retention period had its personal data removed; details give how many people.</summary>
    public const string CaseAnonymised = "case.anonymised";

    /// <summary>A stage of the shared catalog was renamed, reordered or given another clock owner; details name what changed.</summary>
    public const string StageCatalogChanged = "stage-catalog.changed";

    // Documents.

    /// <summary>A case's document checklist was opened: each family member's name with their documents and statements.</summary>
    public const string CaseDocumentsViewed = "case.documents-viewed";

    /// <summary>A checklist item changed; details give the document kind and what changed, never the statement.</summary>
    public const string CaseDocumentChanged = "case.document-changed";

    /// <summary>A file was stored on a checklist item; details give the file id, type and size, never its name.</summary>
    public const string CaseFileUploaded = "case.file-uploaded";

    /// <summary>A stored file was shown in the browser.</summary>
    public const string CaseFileViewed = "case.file-viewed";

    /// <summary>A stored file was downloaded.</summary>
    public const string CaseFileDownloaded = "case.file-downloaded";

    /// <summary>A case's files were downloaded as one ZIP; details count them.</summary>
    public const string CaseFilesZipped = "case.files-zipped";

    /// <summary>A file was stored on a person (tazkira, passport, photo); details give the file id, kind, type and size.</summary>
    public const string PersonFileUploaded = "person.file-uploaded";

    /// <summary>A stored file was deleted; an admin can restore it for 30 days.</summary>
    public const string CaseFileDeleted = "case.file-deleted";

    /// <summary>An admin restored a deleted file.</summary>
    public const string CaseFileRestored = "case.file-restored";

    // Reviews.

    /// <summary>A page of the review queue (principal names, clocks, flags) was shown; details give the filters and the row count.</summary>
    public const string ReviewQueueViewed = "review.queue-viewed";

    /// <summary>A reviewer acknowledged a case with a note.</summary>
    public const string ReviewAcknowledged = "review.acknowledged";

    /// <summary>A reviewer set the next review date of a case.</summary>
    public const string ReviewNextReviewSet = "review.next-review-set";

    /// <summary>A reviewer escalated a case; details give the reason code and the assignee's id.</summary>
    public const string ReviewEscalated = "review.escalated";

    /// <summary>A reviewer snoozed a flag that is not a statutory breach.</summary>
    public const string ReviewFlagSnoozed = "review.flag-snoozed";

    // Reports and exports.

    /// <summary>A report was shown on screen; details give the filters and the rows shown.</summary>
    public const string ReportViewed = "report.viewed";

    /// <summary>An export began, before its first row left; details give the export's id, the format and the filters.</summary>
    public const string ExportStarted = "export.started";

    /// <summary>An export wrote its last row; details repeat the start's and add the rows sent.</summary>
    public const string ExportFinished = "export.finished";

    /// <summary>An export stopped part way (an error, a dropped connection, a cancel); details add the rows sent before it stopped.</summary>
    public const string ExportAborted = "export.aborted";

    // Imports.

    /// <summary>A spreadsheet was checked without writing anything; details give its problems.</summary>
    public const string ImportChecked = "import.checked";

    /// <summary>An admin confirmed a checked spreadsheet, queueing it for import.</summary>
    public const string ImportConfirmed = "import.confirmed";

    /// <summary>An import was written; details count the cases and people created, updated and unchanged.</summary>
    public const string ImportCommitted = "import.committed";

    /// <summary>An admin saved (or replaced) a named way of reading the organisation's own sheets.</summary>
    public const string ImportMappingSaved = "import.mapping-saved";

    /// <summary>An admin downloaded a checked file's problems as CSV: row, column, the file's value and the message.</summary>
    public const string ImportProblemsExported = "import.problems-exported";

    // Accounts.

    /// <summary>An organisation was made, on the System page or by the create-admin command.</summary>
    public const string OrganisationCreated = "organisation.created";

    /// <summary>A user account was made; details give its roles.</summary>
    public const string UserCreated = "user.created";

    /// <summary>An admin changed a user's roles; details give the new ones.</summary>
    public const string UserRolesChanged = "user.roles-changed";

    /// <summary>An admin disabled a user, ending their sessions.</summary>
    public const string UserDisabled = "user.disabled";

    /// <summary>An admin enabled a user again.</summary>
    public const string UserEnabled = "user.enabled";

    /// <summary>An admin issued a user a one-time password, replacing theirs.</summary>
    public const string UserOneTimePasswordIssued = "user.one-time-password-issued";

    // Security.

    /// <summary>A sign-in completed, with the password alone or with the second factor after it.</summary>
    public const string SignInSucceeded = "sign-in.succeeded";

    /// <summary>The password was right and the second factor is still to come.</summary>
    public const string SignInPasswordAccepted = "sign-in.password-ok";

    /// <summary>A wrong password, an unknown email or a disabled account; the typed email is never stored.</summary>
    public const string SignInFailed = "sign-in.failed";

    /// <summary>A sign-in was refused because the account is locked after too many failures.</summary>
    public const string SignInLockedOut = "sign-in.locked-out";

    /// <summary>A wrong authenticator code after a right password.</summary>
    public const string SignInTwoFactorFailed = "sign-in.two-factor-failed";

    /// <summary>A sign-in completed with a recovery code instead of the authenticator; details give how many codes are left.</summary>
    public const string SignInWithRecoveryCode = "sign-in.recovery-code-used";

    /// <summary>A wrong or already used recovery code after a right password.</summary>
    public const string SignInRecoveryCodeFailed = "sign-in.recovery-code-failed";

    /// <summary>A user signed out, ending every session of theirs.</summary>
    public const string SignedOut = "sign-out";

    /// <summary>A user changed their own password.</summary>
    public const string PasswordChanged = "password.changed";

    /// <summary>A wrong current password on Change password: a guess that counts toward lockout.</summary>
    public const string PasswordChangeFailed = "password.change-failed";

    /// <summary>A reset link was mailed for an existing, enabled account.</summary>
    public const string PasswordResetRequested = "password.reset-requested";

    /// <summary>A password was set through a reset or invitation link.</summary>
    public const string PasswordReset = "password.reset";

    /// <summary>A reset link for an existing account was refused (expired, used or altered).</summary>
    public const string PasswordResetRefused = "password.reset-refused";

    /// <summary>Two-factor sign-in was turned on, with a first set of recovery codes.</summary>
    public const string TwoFactorEnabled = "two-factor.enabled";

    /// <summary>Two-factor sign-in was turned off and the authenticator key discarded.</summary>
    public const string TwoFactorDisabled = "two-factor.disabled";

    /// <summary>A new authenticator key was made, so codes from any earlier key stop working.</summary>
    public const string TwoFactorAuthenticatorReset = "two-factor.authenticator-reset";

    /// <summary>New recovery codes were made, and every earlier one stopped working.</summary>
    public const string TwoFactorRecoveryCodesRegenerated = "two-factor.recovery-codes-regenerated";

    /// <summary>A passkey was added to the user's account; details give its name.</summary>
    public const string PasskeyAdded = "two-factor.passkey-added";

    /// <summary>A passkey was removed from the user's account.</summary>
    public const string PasskeyRemoved = "two-factor.passkey-removed";

    /// <summary>The browser offered a passkey that did not verify, or that belongs to someone else.</summary>
    public const string SignInPasskeyFailed = "sign-in.passkey-failed";

    /// <summary>A wrong current password with a factor change: refused, and a guess that counts toward lockout.</summary>
    public const string TwoFactorChangeRefused = "two-factor.change-refused";

    // The applicant portal.

    /// <summary>A caseworker made a portal invitation for a person (the link and code were shown once).</summary>
    public const string PortalInvitationCreated = "portal.invitation-created";

    /// <summary>A caseworker revoked a portal invitation before it was used.</summary>
    public const string PortalInvitationRevoked = "portal.invitation-revoked";

    /// <summary>An applicant opened the portal with an invitation's link, code and year of birth.</summary>
    public const string PortalSignedIn = "portal.signed-in";

    /// <summary>A wrong code or year of birth on an invitation; details give the attempts so far.</summary>
    public const string PortalSignInFailed = "portal.sign-in-failed";

    /// <summary>An applicant read their case's status in the portal.</summary>
    public const string PortalStatusViewed = "portal.status-viewed";

    /// <summary>An applicant left the portal (signed out).</summary>
    public const string PortalLeft = "portal.left";

    /// <summary>An applicant asked for their details to change; details name the fields, never the values.</summary>
    public const string PortalChangeSubmitted = "portal.change-submitted";

    /// <summary>A caseworker accepted an applicant's change: the record changed, as an edit would.</summary>
    public const string PortalChangeAccepted = "portal.change-accepted";

    /// <summary>A caseworker rejected an applicant's change.</summary>
    public const string PortalChangeRejected = "portal.change-rejected";

    /// <summary>Staff opened the list of applicants' changes, names and proposed values included.</summary>
    public const string PortalChangesViewed = "portal.changes-viewed";

    /// <summary>An applicant opened their details as the portal shows them.</summary>
    public const string PortalDetailsViewed = "portal.details-viewed";

    /// <summary>A message in an applicant's thread, from the applicant or from staff.</summary>
    public const string PortalMessageSent = "portal.message-sent";

    /// <summary>A thread of messages read, by the applicant or by staff.</summary>
    public const string PortalMessagesViewed = "portal.messages-viewed";

    /// <summary>An applicant sent a file for a requested checklist item.</summary>
    public const string PortalFileUploaded = "portal.file-uploaded";

    /// <summary>An applicant chose a passphrase (or a new one).</summary>
    public const string PortalPassphraseSet = "portal.passphrase-set";

    /// <summary>A caseworker switched off an applicant's passphrase.</summary>
    public const string PortalPassphraseRemoved = "portal.passphrase-removed";

    // The public intake form.

    /// <summary>Someone sent a request through an organisation's public intake form.</summary>
    public const string IntakeSubmitted = "intake.submitted";

    /// <summary>A file sent with an intake request.</summary>
    public const string IntakeFileReceived = "intake.file-received";

    /// <summary>Staff opened the intake queue, names and duplicate candidates included.</summary>
    public const string IntakeListViewed = "intake.list-viewed";

    /// <summary>A caseworker registered an intake request as a new person.</summary>
    public const string IntakeRegistered = "intake.registered";

    /// <summary>A caseworker attached an intake request to a person already registered.</summary>
    public const string IntakeAttached = "intake.attached";

    /// <summary>A caseworker rejected an intake request.</summary>
    public const string IntakeRejected = "intake.rejected";

    /// <summary>An admin opened or closed the organisation's public intake form.</summary>
    public const string IntakeSwitched = "intake.switched";

    // The API.

    /// <summary>An API token was made (on the API access page or with create-token); details give its scopes.</summary>
    public const string ApiTokenCreated = "api-token.created";

    /// <summary>An admin revoked an API token.</summary>
    public const string ApiTokenRevoked = "api-token.revoked";

    /// <summary>An admin subscribed a URL to events (on the Webhooks page or through the API); details give the events.</summary>
    public const string WebhookSubscribed = "webhook.subscribed";

    /// <summary>An admin paused, resumed or removed a subscription.</summary>
    public const string WebhookChanged = "webhook.changed";

    /// <summary>Deliveries to a subscription kept failing for the retry window, so it was paused.</summary>
    public const string WebhookPaused = "webhook.paused";

    // Consent and referrals.

    /// <summary>A person's consent was recorded; details give its kind and how it was given.</summary>
    public const string ConsentRecorded = "consent.recorded";

    /// <summary>A person's consent was withdrawn; referrals still waiting under it are cancelled.</summary>
    public const string ConsentWithdrawn = "consent.withdrawn";

    /// <summary>A case was referred or transferred; recorded in the sender's log (case, receiver, consent) and the receiver's.</summary>
    public const string ReferralSent = "referral.sent";

    /// <summary>The receiver accepted a referral, making the case its own; recorded on both sides.</summary>
    public const string ReferralAccepted = "referral.accepted";

    /// <summary>The receiver declined a referral; recorded on both sides.</summary>
    public const string ReferralDeclined = "referral.declined";

    /// <summary>A referral was cancelled by its sender or by a withdrawn consent; recorded on both sides.</summary>
    public const string ReferralCancelled = "referral.cancelled";

    /// <summary>Someone opened the organisation's referrals, in and out: counts only.</summary>
    public const string ReferralsViewed = "referral.list-viewed";

    /// <summary>A system administrator changed an organisation's directory entry.</summary>
    public const string DirectoryChanged = "organisation.directory-changed";

    // Evidence of delay.

    /// <summary>Someone downloaded a case's delay evidence packet; details say whether names and identifiers were in it.</summary>
    public const string EvidencePacketDownloaded = "case.evidence-packet";

    /// <summary>Someone downloaded the organisation's backlog brief (figures only).</summary>
    public const string BacklogBriefDownloaded = "report.backlog-brief";

    /// <summary>A letter was generated from a template for a case and kept with its documents.</summary>
    public const string LetterGenerated = "case.letter-generated";

    /// <summary>An admin changed a letter template, or put the built-in text back.</summary>
    public const string LetterTemplateChanged = "letter-template.changed";

    /// <summary>A user turned on their calendar feed or replaced its address (the old one stops answering).</summary>
    public const string CalendarFeedIssued = "calendar-feed.issued";

    /// <summary>A user turned their calendar feed off.</summary>
    public const string CalendarFeedRevoked = "calendar-feed.revoked";

    /// <summary>A calendar service fetched a user's feed: events counted, no names in it.</summary>
    public const string CalendarFeedRead = "calendar-feed.read";
}
