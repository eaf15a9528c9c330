using SivTracker.Web.Domain;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// One form field: label, input, hint and the error message linked to the input (aria-describedby, aria-invalid),
/// so every form gets the same accessible markup. Label, hint and empty choice are English keys, shown translated. <c>&lt;field for="Input.Email" label="Email" type="email" /&gt;</c>
/// </summary>
[HtmlTargetElement("field", Attributes = "for", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldTagHelper(IHtmlGenerator generator) : TagHelper
{
    [HtmlAttributeName("for")]
    public ModelExpression For { get; set; } = null!;

    public string Label { get; set; } = "";
    public string Type { get; set; } = "text";
    public string? Hint { get; set; }
    public string? Autocomplete { get; set; }
    public bool Multiline { get; set; }

    /// <summary>Choices for a select; with them the field is a drop-down.</summary>
    public IEnumerable<SelectListItem>? Options { get; set; }

    /// <summary>The empty first choice of an optional select.</summary>
    public string? EmptyOption { get; set; }

    /// <summary>"auto" for names typed in any script: Dari and Pashto then run right to left.</summary>
    public string? Dir { get; set; }

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = For.Name;
        var fullName = ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(name);
        var id = TagBuilder.CreateSanitizedId(fullName, "_");
        var hasError = ViewContext.ModelState.TryGetValue(fullName, out var entry) && entry.Errors.Count > 0;
        var describedBy = Hint is null ? $"{id}-error" : $"{id}-hint {id}-error";
        var attributes = new Dictionary<string, object?> { ["aria-describedby"] = describedBy };
        if (hasError) attributes["aria-invalid"] = "true";
        if (Autocomplete is not null) attributes["autocomplete"] = Autocomplete;
        if (Dir is not null) attributes["dir"] = Dir;

        TagBuilder input;
        if (Options is not null)
        {
            input = generator.GenerateSelect(ViewContext, For.ModelExplorer, EmptyOption is null ? null : Text.T(EmptyOption), name, Options, allowMultiple: false, attributes);
        }
        else if (Multiline)
        {
            input = generator.GenerateTextArea(ViewContext, For.ModelExplorer, name, rows: 4, columns: 0, attributes);
        }
        else if (Type == "password")
        {
            input = generator.GeneratePassword(ViewContext, For.ModelExplorer, name, value: null, attributes);
        }
        else if (Type == "date" && Text.Shown.SolarHijri)
        {
            SolarHijriDateInput.Describe(attributes);
            input = generator.GenerateTextBox(ViewContext, For.ModelExplorer, name, For.Model is DateOnly date ? SolarHijri.Format(date) : For.Model, format: null, attributes);
        }
        else
        {
            attributes["type"] = Type;
            var format = Type == "date" ? "{0:yyyy-MM-dd}" : null;
            input = generator.GenerateTextBox(ViewContext, For.ModelExplorer, name, For.Model, format, attributes);
        }

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", hasError ? "field has-error" : "field");
        output.Content.AppendHtml(generator.GenerateLabel(ViewContext, For.ModelExplorer, name, Text.T(Label), htmlAttributes: null));
        if (Hint is not null)
        {
            var hint = new TagBuilder("span");
            hint.Attributes["id"] = $"{id}-hint";
            hint.AddCssClass("hint");
            hint.InnerHtml.Append(Text.T(Hint));
            output.Content.AppendHtml(hint);
        }
        output.Content.AppendHtml(input);
        output.Content.AppendHtml(generator.GenerateValidationMessage(ViewContext, For.ModelExplorer, name, message: null, tag: "span",
            new { id = $"{id}-error", @class = "field-error" }));
    }
}

/// <summary>
/// Date fields for a reader of Solar Hijri dates: the browser's date picker knows only the Gregorian calendar, so the
/// field becomes text holding the date as the tazkira writes it (1403/05/12). Either calendar, in any digits, is read
/// back by the date binder (LocalDigits), so the choice changes what is shown, never what is accepted.
/// </summary>
[HtmlTargetElement("input", Attributes = "[type=date]")]
public sealed class SolarHijriDateInput : TagHelper
{
    public static void Describe(IDictionary<string, object?> attributes)
    {
        attributes["type"] = "text";
        attributes["inputmode"] = "numeric";
        attributes["dir"] = "ltr";
        attributes["placeholder"] = "1403/05/12";
        attributes["title"] = Text.T("A Solar Hijri date such as 1403/05/12; a Gregorian date such as 2024-08-02 works too.");
    }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (!Text.Shown.SolarHijri) return;
        var attributes = new Dictionary<string, object?>();
        Describe(attributes);
        foreach (var (name, value) in attributes) output.Attributes.SetAttribute(name, value);
        if (output.Attributes.TryGetAttribute("value", out var current)
            && DateOnly.TryParseExact(current.Value?.ToString(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            output.Attributes.SetAttribute("value", SolarHijri.Format(date));
        }
    }
}
