using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Binders;
using SivTracker.Web.Domain;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// Numbers and dates typed in Persian (۰–۹) or Arabic-Indic (٠–٩) digits bind as if typed in Western ones, and a date
/// typed as a Solar Hijri one (1370/02/22) binds as its Gregorian day: on every form, before the usual binding runs.
/// </summary>
public sealed class LocalDigitsBinderProvider : IModelBinderProvider
{
    private static readonly HashSet<Type> Types = [typeof(int), typeof(long), typeof(decimal), typeof(double), typeof(DateOnly)];

    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        var type = Nullable.GetUnderlyingType(context.Metadata.ModelType) ?? context.Metadata.ModelType;
        if (!Types.Contains(type)) return null;
        var loggers = context.Services.GetRequiredService<ILoggerFactory>();
        return new Binder(new SimpleTypeModelBinder(context.Metadata.ModelType, loggers), type == typeof(DateOnly));
    }

    private sealed class Binder(IModelBinder inner, bool isDate) : IModelBinder
    {
        public async Task BindModelAsync(ModelBindingContext bindingContext)
        {
            var original = bindingContext.ValueProvider;
            bindingContext.ValueProvider = new Folded(original, isDate);
            try
            {
                await inner.BindModelAsync(bindingContext);
            }
            finally
            {
                bindingContext.ValueProvider = original;
            }
        }
    }

    private sealed class Folded(IValueProvider inner, bool isDate) : IValueProvider
    {
        public bool ContainsPrefix(string prefix) => inner.ContainsPrefix(prefix);

        public ValueProviderResult GetValue(string key)
        {
            var result = inner.GetValue(key);
            if (result == ValueProviderResult.None) return result;
            return new ValueProviderResult(new Microsoft.Extensions.Primitives.StringValues(result.Values.Select(v => v is null ? v : Fold(v)).ToArray()), result.Culture);
        }

        private string Fold(string value)
        {
            var western = SolarHijri.WesternDigits(value.Trim());
            return isDate && SolarHijri.ParseDate(western) is { } gregorian ? gregorian.ToString("yyyy-MM-dd") : western;
        }
    }
}
