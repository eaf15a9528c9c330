using System.Reflection;
using SivTracker.Web.Domain;

namespace SivTracker.UnitTests.Domain;

/// <summary>Domain/ is pure C#: no EF Core, ASP.NET or database driver, in signatures or in source.</summary>
public class DomainPurityTests
{
    private static readonly string[] ForbiddenPrefixes = ["Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Npgsql"];

    [Fact]
    public void DomainTypes_ExposeNoFrameworkTypes()
    {
        var domainTypes = typeof(StatutoryClock).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(StatutoryClock).Namespace).ToList();
        Assert.NotEmpty(domainTypes);

        var offenders = domainTypes.SelectMany(type =>
                type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                    .SelectMany(ReferencedTypes)
                    .Append(type.BaseType)
                    .Concat(type.GetInterfaces())
                    .Where(t => t?.Namespace is { } ns && ForbiddenPrefixes.Any(ns.StartsWith))
                    .Select(t => $"{type.Name} -> {t!.FullName}"))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void DomainSources_ImportNoFrameworkNamespaces()
    {
        var folder = Path.Combine(Repository.Root(), "src", "SivTracker.Web", "Domain");
        var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);

        var offenders = files.Where(file => ForbiddenPrefixes.Any(File.ReadAllText(file).Contains)).Select(Path.GetFileName).ToList();

        Assert.Empty(offenders);
    }

    private static IEnumerable<Type?> ReferencedTypes(MemberInfo member) => member switch
    {
        FieldInfo f => [f.FieldType],
        PropertyInfo p => [p.PropertyType],
        MethodInfo m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType),
        ConstructorInfo c => c.GetParameters().Select(p => p.ParameterType),
        _ => [],
    };
}
