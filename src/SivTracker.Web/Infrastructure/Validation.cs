using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

public static class Validation
{
    /// <summary>Runs a page's validator and puts each message next to its field ("Input.Email").</summary>
    public static bool Validate<T>(this ModelStateDictionary modelState, IValidator<T> validator, T input, string prefix = "Input")
    {
        ValidationResult result = validator.Validate(input);
        foreach (var error in result.Errors)
        {
            modelState.AddModelError(string.IsNullOrEmpty(error.PropertyName) ? prefix : $"{prefix}.{error.PropertyName}", error.ErrorMessage);
        }
        return result.IsValid && modelState.IsValid;
    }

    /// <summary>
    /// Text fields reject control characters and NUL bytes, which PostgreSQL text cannot hold, and the invisible and
    /// direction-changing characters that would make the text display as something it is not (TextSafety).
    /// </summary>
    public static IRuleBuilderOptions<T, string?> PlainText<T>(this IRuleBuilder<T, string?> rule, int maxLength, bool multiline = false) =>
        rule.MaximumLength(maxLength).WithMessage(Text.T("Use at most {0} characters.", maxLength))
            .Must(value => value is null || !value.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
            .WithMessage(Text.T("Remove control characters (such as NUL bytes) from this field."))
            .Must(value => TextSafety.FirstRefused(value) is null)
            .WithMessage((_, value) => TextSafety.Refusal(TextSafety.FirstRefused(value) ?? '\uFFFD'));

    public static void AddIdentityErrors(this ModelStateDictionary modelState, Microsoft.AspNetCore.Identity.IdentityResult result, string key)
    {
        foreach (var error in result.Errors)
        {
            modelState.AddModelError(key, error.Description);
        }
    }
}

/// <summary>A named refusal from a handler: the field it concerns ("" for the whole form) and the message a user reads.</summary>
public sealed record FieldError(string Field, string Message);

public static class FieldErrors
{
    /// <summary>A validator's messages as handler errors, named by the property path the page prefixes ("Passports[0].Country").</summary>
    public static FieldError[] ToFieldErrors(this ValidationResult validation) =>
        validation.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage)).ToArray();

    /// <summary>Puts each handler error next to its field on the page ("Input.To").</summary>
    public static void AddErrors(this ModelStateDictionary modelState, IEnumerable<FieldError> errors, string prefix = "Input")
    {
        foreach (var error in errors)
        {
            modelState.AddModelError(error.Field.Length == 0 ? string.Empty : $"{prefix}.{error.Field}", error.Message);
        }
    }
}
