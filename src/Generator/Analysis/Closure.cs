using Microsoft.CodeAnalysis;
using ParallelSharp.Generator.Model;

namespace ParallelSharp.Generator.Analysis;

/// <summary>The outcome of capturing one function: its package, or why it cannot ship.</summary>
/// <param name="Package">The package; null when <paramref name="Problems"/> is not empty.</param>
/// <param name="Problems">What stops the function from shipping.</param>
internal sealed record Closure(PackageModel? Package, IReadOnlyList<Problem> Problems);

/// <summary>A reason a function cannot ship; the call site adds the API name as the message's first argument.</summary>
internal sealed record Problem(DiagnosticDescriptor Descriptor, IReadOnlyList<string> Arguments);

/// <summary>How much of a type declaration the package keeps.</summary>
internal enum TypeMode
{
    /// <summary>A container: only the static members and nested types the function uses, and no base list.</summary>
    Shell = 1,

    /// <summary>A type whose values exist in the function: its state, constructors, instance members, operators and bases.</summary>
    Full = 2,
}
