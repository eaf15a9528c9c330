namespace SivTracker.Web.Pages;

/// <summary>A horizontal bar chart drawn as SVG on the server, always with its data table.</summary>
public sealed record BarChart(string Id, string Title, string LabelHeading, string ValueHeading, IReadOnlyList<BarChart.Bar> Bars, string Format = "N0")
{
    public sealed record Bar(string Label, double Value, bool Alert = false);
}
