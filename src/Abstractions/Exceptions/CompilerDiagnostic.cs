namespace ParallelSharp;

/// <summary>One compiler error or warning, positioned in the submitted source.</summary>
/// <param name="Id">The compiler's id, for example <c>CS0103</c>.</param>
/// <param name="Severity"><c>Error</c> or <c>Warning</c>.</param>
/// <param name="Path">The source document (<see cref="SourceDocument.Path"/>).</param>
/// <param name="Line">One-based line in that document.</param>
/// <param name="Column">One-based column.</param>
/// <param name="Message">The compiler's message.</param>
public sealed record CompilerDiagnostic(string Id, string Severity, string Path, int Line, int Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}({Line},{Column}): {Severity.ToLowerInvariant()} {Id}: {Message}";
}
