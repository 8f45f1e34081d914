using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ParallelSharp.Generator.Analysis;

/// <summary>How the generator names things in the code it writes.</summary>
internal static class Names
{
    /// <summary>Fully qualified, with nullable annotations: safe to paste anywhere (<c>global::MyApp.Point?</c>).</summary>
    public static readonly SymbolDisplayFormat Qualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// Fully qualified, without nullable annotations on reference types (<c>global::MyApp.Point</c>): for code in a
    /// <c>#nullable disable</c> region, where such a type is oblivious.
    /// </summary>
    public static readonly SymbolDisplayFormat Oblivious = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>For messages: <c>Primes.SumPrimes(int)</c>.</summary>
    public static readonly SymbolDisplayFormat Short = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    /// <summary>The name the node's <c>GetTypeByMetadataName</c> finds: <c>MyApp.Outer+Inner</c>.</summary>
    public static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
            name = containing.MetadataName + "+" + name;
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
    }

    /// <summary>An identifier as code: keywords get an <c>@</c>.</summary>
    public static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A short, stable hash (FNV-1a) for generated names: the same input names the same member in every build.</summary>
    public static string Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash ^= c;
            hash = unchecked(hash * 16777619u);
        }

        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A C# string literal holding <paramref name="text"/>.</summary>
    public static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);
}
