using System.Reflection;
using System.Text;

namespace ParallelSharp.ApiTests;

/// <summary>
/// Writes the public signatures of each shipped assembly to api/&lt;Assembly&gt;.txt and fails when they differ from the
/// committed file, so that a public API change shows up in review (CONVENTIONS.md §4).
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> ShippedAssemblies => new()
    {
        typeof(JobSource).Assembly.GetName().Name!,
        typeof(Protocol.Framing.FrameReader).Assembly.GetName().Name!,
        typeof(Discovery.ServiceBrowser).Assembly.GetName().Name!,
        typeof(NodeDaemon.NodeHost).Assembly.GetName().Name!,
        typeof(JobServer).Assembly.GetName().Name!,
    };

    [Theory]
    [MemberData(nameof(ShippedAssemblies))]
    public void PublicApi_MatchesApprovedFile(string assemblyName)
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == assemblyName);
        var actual = Describe(assembly);
        var path = Path.Combine(RepositoryRoot(), "api", assembly.GetName().Name + ".txt");
        var approved = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : null;

        if (approved != actual)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            Assert.Fail($"The public API of {assembly.GetName().Name} changed; {path} was rewritten. Review the diff and commit it if the change is intended.");
        }
    }

    [Fact]
    public void PublicApi_DiscoveryHasNoPublicTypeOutsideItsNamespace()
    {
        var stray = typeof(Discovery.ServiceBrowser).Assembly.GetExportedTypes().Where(t => t.Namespace != "ParallelSharp.Discovery").ToList();

        Assert.Empty(stray);
    }

    private static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add($"{TypeKind(type)} {type.FullName}{BaseList(type)}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = new List<string>();
            foreach (var member in type.GetMembers(flags))
            {
                if (Describe(member) is { } text)
                    members.Add("  " + text);
            }

            members.Sort(StringComparer.Ordinal);
            lines.AddRange(members);
        }

        return string.Join("\n", lines) + "\n";
    }

    private static string? Describe(MemberInfo member)
    {
        switch (member)
        {
            case ConstructorInfo ctor when IsVisible(ctor):
                return $"{Access(ctor)}ctor({Parameters(ctor)})";
            case MethodInfo method when IsVisible(method) && !method.IsSpecialName:
                return $"{Access(method)}{Modifiers(method)}{Name(method.ReturnType)} {method.Name}({Parameters(method)})";
            case PropertyInfo property when property.GetMethod is { } get && IsVisible(get):
                var set = property.SetMethod is { } s && IsVisible(s) ? (s.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? " init;" : " set;") : "";
                return $"{Access(get)}{Modifiers(get)}{Name(property.PropertyType)} {property.Name} {{ get;{set} }}";
            case EventInfo @event when @event.AddMethod is { } add && IsVisible(add):
                return $"{Access(add)}{Modifiers(add)}event {Name(@event.EventHandlerType!)} {@event.Name}";
            case FieldInfo field when field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly:
                if (field.IsSpecialName)
                    return null;
                return field.IsLiteral
                    ? $"const {Name(field.FieldType)} {field.Name} = {field.GetRawConstantValue()}"
                    : $"{(field.IsStatic ? "static " : "")}{(field.IsInitOnly ? "readonly " : "")}{Name(field.FieldType)} {field.Name}";
            default:
                return null;
        }
    }

    private static bool IsVisible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Access(MethodBase method) => method.IsPublic ? "" : "protected ";

    private static string Modifiers(MethodInfo method) =>
        method.IsStatic ? "static " : method.IsAbstract ? "abstract " : method.IsVirtual && method.GetBaseDefinition() == method && !method.IsFinal ? "virtual " : method.GetBaseDefinition() != method ? "override " : "";

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string TypeKind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
        : type.IsAbstract && type.IsSealed ? "static class" : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";

    private static string BaseList(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(Enum) && b != typeof(ValueType))
            bases.Add(Name(b));
        bases.AddRange(type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Name(Type type)
    {
        if (type.IsGenericType)
        {
            var name = type.GetGenericTypeDefinition().FullName!;
            name = name[..name.IndexOf('`', StringComparison.Ordinal)];
            return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
        }

        if (Nullable.GetUnderlyingType(type) is { } inner)
            return Name(inner) + "?";
        return type.FullName ?? type.Name;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"No Directory.Packages.props above {AppContext.BaseDirectory}: cannot find the repository root.");
    }
}
