namespace ParallelSharp;

/// <summary>One C# source file of a job package.</summary>
/// <param name="Path">A relative, forward-slash path used in diagnostics (for example <c>Primes.cs</c>).</param>
/// <param name="Text">The C# text.</param>
public sealed record SourceDocument(string Path, string Text);
