using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelSharp.Generator.Analysis;

/// <summary>
/// Decides whether the object of an instance method can travel as JSON and come back as an equal object on the
/// node: JSON carries public properties and fields, and creates objects through a public constructor.
/// </summary>
internal static class Receivers
{
    private static readonly string[] s_resourceTypes =
    [
        "System.IO.Stream", "System.Threading.Tasks.Task", "System.Threading.Thread", "System.Delegate", "System.Net.Sockets.Socket",
    ];

    /// <summary>Why values of <paramref name="type"/> cannot travel, as the end of a sentence; null when they can.</summary>
    public static string? Problem(ITypeSymbol type)
    {
        switch (type)
        {
            case { TypeKind: TypeKind.Delegate }:
                return "is a delegate, which is code rather than data";
            case { TypeKind: TypeKind.Interface }:
                return "is an interface, which JSON cannot create";
            case { IsRefLikeType: true }:
                return "is a ref struct, which cannot be boxed or serialized";
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return "is a pointer";
            case { SpecialType: SpecialType.System_Object }:
                return "is object, whose shape JSON cannot know";
            case { IsAbstract: true, TypeKind: TypeKind.Class }:
                return "is abstract, which JSON cannot create";
        }

        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            var name = baseType.ToDisplayString();
            if (s_resourceTypes.Contains(name, StringComparer.Ordinal))
                return $"is a {name}, which lives in this process and cannot be copied to another";
        }

        if (type.AllInterfaces.Any(i => i.ToDisplayString() is "System.IDisposable" or "System.IAsyncDisposable"))
            return "holds a resource (it implements IDisposable), which cannot be copied to another process";
        if (type.Locations.Any(l => l.IsInSource) && type is INamedTypeSymbol named)
            return SourceTypeProblem(named);
        return null;
    }

    private static string? SourceTypeProblem(INamedTypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Class && !type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public))
            return "has no public constructor for JSON to create it with";

        for (var current = type; current is not null && current.Locations.Any(l => l.IsInSource); current = current.BaseType)
        {
            foreach (var field in current.GetMembers().OfType<IFieldSymbol>())
            {
                if (field.IsStatic || field.IsConst)
                    continue;
                if (field.AssociatedSymbol is IPropertySymbol property)
                {
                    if (property.DeclaredAccessibility != Accessibility.Public)
                        return $"keeps state in the non-public property '{property.Name}', which JSON does not carry";
                }
                else if (field.DeclaredAccessibility != Accessibility.Public && !field.IsImplicitlyDeclared)
                {
                    return $"keeps state in the non-public field '{field.Name}', which JSON does not carry";
                }
            }

            // A class's primary-constructor parameter captured by its members is hidden state, unless a public
            // property of the same name carries it (JSON then passes it back to the constructor).
            if (!current.IsRecord)
            {
                foreach (var declaration in current.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>())
                {
                    foreach (var parameter in declaration.ParameterList?.Parameters ?? default)
                    {
                        var name = parameter.Identifier.ValueText;
                        var carried = current.GetMembers().OfType<IPropertySymbol>()
                            .Any(p => p.DeclaredAccessibility == Accessibility.Public && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                        if (!carried)
                            return $"keeps its constructor parameter '{name}' as hidden state, which JSON does not carry";
                    }
                }
            }
        }

        return null;
    }
}
