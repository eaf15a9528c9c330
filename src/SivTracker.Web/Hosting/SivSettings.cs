using FluentValidation;
using SivTracker.Web.Data;
using SivTracker.Web.Domain;
using MailKit.Security;
using SivTracker.Web.Infrastructure;

namespace SivTracker.Web.Hosting;

public static class SivSettings
{
    /// <summary>Every section SivTracker reads, with what a valid value is.</summary>
    public static IServiceCollection AddSivSettings(this IServiceCollection services)
    {
        services.AddSettings<AppSettings>("App", (v, environment) =>
        {
            // Plain http only where the app serves itself on loopback: anywhere else a reset link over http hands its token
            // to every network it crosses.
            var plainHttpAllowed = AppSettings.IsLocal(environment);
            v.RuleFor(s => s.PublicUrl).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("is required: the address people open SivTracker at, such as https://tracker.example.org")
                .Must(url => AppSettings.IsValidPublicUrl(url, plainHttpAllowed))
                .WithMessage(plainHttpAllowed
                    ? "must be an absolute http or https address with no query or fragment"
                    : "must be an absolute https address with no query or fragment, such as https://tracker.example.org");
        });
        services.AddSettings<PortalSettings>("Portal", (v, environment) =>
        {
            var plainHttpAllowed = AppSettings.IsLocal(environment);
            v.RuleFor(s => s.PublicUrl).Must(url => url.Length == 0 || AppSettings.IsValidPublicUrl(url, plainHttpAllowed))
                .WithMessage(plainHttpAllowed ? "must be empty or an absolute http or https address with no query or fragment"
                    : "must be empty or an absolute https address with no query or fragment, such as https://portal.example.org");
        });
        services.AddSettings<Domain.ClockSettings>("Clock", v =>
        {
            v.RuleFor(s => s.LimitMode).IsInEnum();
            v.RuleFor(s => s.LimitMonths).InclusiveBetween(1, 60);
            v.RuleFor(s => s.FixedLimitDays).InclusiveBetween(1, 2000);
            v.RuleFor(s => s.FirstWarningDays).InclusiveBetween(0, 2000).GreaterThanOrEqualTo(s => s.SecondWarningDays).WithMessage("must be at least SecondWarningDays");
            v.RuleFor(s => s.SecondWarningDays).InclusiveBetween(0, 2000);
            v.RuleFor(s => s.InternalTargetMonths).InclusiveBetween(1, 60);
        });
        services.AddSettings<Background.SweepSettings>("Sweep", v =>
        {
            v.RuleFor(s => s.Interval).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
            v.RuleFor(s => s.AppealWindowDays).GreaterThan(0);
            v.RuleFor(s => s.AppealWarningDays).GreaterThanOrEqualTo(0).LessThanOrEqualTo(s => s.AppealWindowDays);
            v.RuleFor(s => s.MedicalValidMonths).GreaterThan(0);
            v.RuleFor(s => s.MedicalWarningDays).GreaterThanOrEqualTo(0);
            v.RuleFor(s => s.PassportWarningMonths).GreaterThanOrEqualTo(0);
            v.RuleFor(s => s.Refusal221gDays).GreaterThan(0);
            v.RuleFor(s => s.Refusal221gWarningDays).GreaterThanOrEqualTo(0).LessThanOrEqualTo(s => s.Refusal221gDays);
            v.RuleFor(s => s.InactivityDays).GreaterThan(0);
            v.RuleFor(s => s.NoContactDays).GreaterThan(0);
        });
        services.AddSettings<Background.WebhookSettings>("Webhooks", v =>
        {
            v.RuleFor(s => s.PollInterval).InclusiveBetween(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
            v.RuleFor(s => s.Timeout).InclusiveBetween(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
            v.RuleFor(s => s.FirstRetry).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromHours(2));
            v.RuleFor(s => s.GiveUpAfter).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
            v.RuleFor(s => s.BatchSize).InclusiveBetween(1, 1000);
        });
        services.AddSettings<SmtpSettings>("Smtp", v =>
        {
            v.RuleFor(s => s.Port).InclusiveBetween(1, 65535);
            v.RuleFor(s => s.From).Must(from => System.Net.Mail.MailAddress.TryCreate(from, out _)).WithMessage("must be an email address");
            v.RuleFor(s => s.Security).Must(security => security is SecureSocketOptions.StartTls or SecureSocketOptions.SslOnConnect or SecureSocketOptions.None)
                .WithMessage("must be StartTls, SslOnConnect or None (for a local mail sink only): the other choices send in clear when the server offers no TLS");
        });
        services.AddSettings<SessionSettings>("Session", v =>
        {
            v.RuleFor(s => s.IdleTimeout).InclusiveBetween(TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
            v.RuleFor(s => s.AbsoluteLifetime).GreaterThanOrEqualTo(s => s.IdleTimeout).WithMessage("must be at least IdleTimeout");
            v.RuleFor(s => s.SecurityStampInterval).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        });
        services.AddSettings<RateLimitSettings>("RateLimits", v =>
        {
            v.RuleFor(s => s.ExportsPerMinute).GreaterThan(0);
            v.RuleFor(s => s.SignInsPerMinute).GreaterThan(0);
            v.RuleFor(s => s.SearchesPerMinute).GreaterThan(0);
            v.RuleFor(s => s.IntakesPerHour).GreaterThan(0);
            v.RuleFor(s => s.ApiRequestsPerMinute).GreaterThan(0);
        });
        services.AddSettings<IntakeSettings>("Intake", v => v.RuleFor(s => s.ProofBits).InclusiveBetween(0, 28));
        services.AddSettings<Backlog.DashboardSettings>("Dashboard", v => v.RuleFor(s => s.CacheSeconds).InclusiveBetween(0, 86_400));
        services.AddSettings<Pages.Admin.RetentionSettings>("Retention", v => v.RuleFor(s => s.Years).InclusiveBetween(1, 100));
        services.AddSettings<DocumentSettings>("Documents", v =>
        {
            v.RuleFor(s => s.MaxFileBytes).InclusiveBetween(1024, 1L << 32);
            v.RuleFor(s => s.MaxCaseBytes).InclusiveBetween(1024, 1L << 40);
            v.RuleFor(s => s.Store).IsInEnum();
            v.RuleFor(s => s.S3.Bucket).NotEmpty().When(s => s.Store == FileStore.S3)
                .WithMessage("is required with Documents__Store=S3: the bucket the sealed files go to (Documents__S3__ServiceUrl, AccessKey and SecretKey for a server other than AWS)");
            v.RuleFor(s => s.S3.ServiceUrl).Must(url => url.Length == 0 || Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                .WithMessage("must be an absolute http or https address, such as https://minio.example.org:9000");
            v.RuleFor(s => s.Types).NotEmpty();
            v.RuleForEach(s => s.Types).Must(t => FileTypes.Accepted.Contains(t)).WithMessage("must be one of " + string.Join(", ", FileTypes.Accepted));
        });
        services.AddSettings<Imports.ImportSettings>("Import", v =>
        {
            v.RuleFor(s => s.MaxBytes).InclusiveBetween(1024, 1L << 30);
            v.RuleFor(s => s.MaxUncompressedBytes).InclusiveBetween(1024, 1L << 32);
            v.RuleFor(s => s.MaxCompressionRatio).InclusiveBetween(2, 10_000);
            v.RuleFor(s => s.MaxRows).InclusiveBetween(1, 10_000_000);
            // XFD, the last column a spreadsheet has.
            v.RuleFor(s => s.MaxColumns).InclusiveBetween(1, 16_384);
            v.RuleFor(s => s.MaxCells).InclusiveBetween(1, 100_000_000);
        });
        services.AddSettings<DatabaseSettings>("Database", v => v.RuleFor(s => s.AppRole)
            .Must(role => string.IsNullOrWhiteSpace(role) || AppRoleGrants.IsValidRoleName(role))
            .WithMessage("must be a PostgreSQL role name in lower case (letters, digits and underscores, not starting with a digit, at most 63 characters), such as sivtracker_app"));
        services.AddSettings<SecuritySettings>("Security", v => v.RuleForEach(s => s.RolesRequiringTwoFactor)
            .Must(role => Roles.All.Contains(role)).WithMessage("names a role that does not exist"));
        return services;
    }
}
