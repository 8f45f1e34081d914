using Microsoft.CodeAnalysis;

namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>A validated entry method: one the generated invoker can call directly with arguments read from JSON.</summary>
/// <param name="Method">The entry method.</param>
/// <param name="Call">The method as messages show it, for example <c>Primes.SumPrimes(int n)</c>.</param>
/// <param name="Signature">The method with its return type, for example <c>long Primes.SumPrimes(int n)</c>.</param>
/// <param name="ReturnKind">How the invoker treats the return value.</param>
/// <param name="ResultType">The type of the value the invoker serializes; <see langword="null"/> when it writes JSON <c>null</c>.</param>
internal sealed record EntryPoint(IMethodSymbol Method, string Call, string Signature, EntryReturnKind ReturnKind, ITypeSymbol? ResultType);
