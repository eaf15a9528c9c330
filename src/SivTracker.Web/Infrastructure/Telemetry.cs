using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// SivTracker's own spans and metrics. Every tag comes from a closed set (an outcome, a report's name, a file format):
/// never a person's data, an identifier or anything typed, so traces and metrics can go to any collector.
/// </summary>
public static class Telemetry
{
    public const string Name = "SivTracker";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> SweepRuns =
        Meter.CreateCounter<long>("sivtracker.sweep.runs", "{run}", "Deadline sweep attempts by outcome: ran, skipped (another instance held the lock) or failed");

    public static readonly Histogram<double> SweepDuration =
        Meter.CreateHistogram<double>("sivtracker.sweep.duration", "s", "How long a deadline sweep that ran took");

    public static readonly Counter<long> SweepFlags =
        Meter.CreateCounter<long>("sivtracker.sweep.flags", "{flag}", "Deadline flags the sweep raised or cleared");

    public static readonly Counter<long> ImportedCases =
        Meter.CreateCounter<long>("sivtracker.imports.cases", "{case}", "Cases a committed import created or updated");

    public static readonly Counter<long> Imports =
        Meter.CreateCounter<long>("sivtracker.imports", "{import}", "Imports by outcome: committed, checked (a dry run) or refused (problems found)");

    public static readonly Counter<long> ExportedRows =
        Meter.CreateCounter<long>("sivtracker.exports.rows", "{row}", "Rows streamed by report exports, by report and format");

    public static readonly Counter<long> WebhookDeliveries =
        Meter.CreateCounter<long>("sivtracker.webhooks.deliveries", "{attempt}", "Webhook delivery attempts by outcome: delivered, retry or failed (given up)");

    public static readonly Counter<long> ReplicaFallbacks =
        Meter.CreateCounter<long>("sivtracker.reports.replica_fallbacks", "{query}", "Report reads sent to the primary because the reports replica was unreachable");

    public static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
