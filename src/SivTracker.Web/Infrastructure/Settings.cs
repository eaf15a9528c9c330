using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// Every settings class is bound from its configuration section and checked when the app (or a command) starts: a
/// wrong value stops it with a message naming the key, instead of surfacing as odd behaviour weeks later.
/// </summary>
public static class Settings
{
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, string section, Action<InlineValidator<T>> rules) where T : class =>
        services.AddSettings<T>(section, (validator, _) => rules(validator));

    /// <summary>Settings whose valid values depend on where the app runs (plain http only on a developer's machine, say).</summary>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, string section, Action<InlineValidator<T>, IHostEnvironment> rules) where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(sp =>
        {
            var validator = new InlineValidator<T>();
            rules(validator, sp.GetRequiredService<IHostEnvironment>());
            return new Checked<T>(section, validator);
        });
        // Consumers take the settings record itself; options stay the plumbing.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }

    /// <summary>Runs the checks that the web host runs when it starts, for commands that never start it.</summary>
    public static void ValidateNow(IServiceProvider services) => services.GetRequiredService<IStartupValidator>().Validate();

    /// <summary>The message a person reads when settings stop the app: each key and what is wrong with it.</summary>
    public static string? Problem(Exception exception) => exception switch
    {
        OptionsValidationException invalid => "SivTracker cannot start with these settings:\n  " + string.Join("\n  ", invalid.Failures),
        AggregateException { InnerExceptions: var inner } when inner.All(e => e is OptionsValidationException or InvalidOperationException) =>
            string.Join("\n", inner.Select(Problem)),
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            $"SivTracker cannot start with these settings:\n  {message}",
        _ => null,
    };

    private sealed class Checked<T>(string section, IValidator<T> validator) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var result = validator.Validate(options);
            return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(e => Message(section, e)));
        }

        /// <summary>The validator's message with the configuration key in place of the property's display name.</summary>
        private static string Message(string section, ValidationFailure failure)
        {
            var key = $"{section}:{failure.PropertyName}";
            var shown = failure.FormattedMessagePlaceholderValues?.TryGetValue("PropertyName", out var name) == true ? $"'{name}'" : null;
            return shown is not null && failure.ErrorMessage.Contains(shown)
                ? failure.ErrorMessage.Replace(shown, key)
                : $"{key} {failure.ErrorMessage} (it is '{failure.AttemptedValue}').";
        }
    }
}
