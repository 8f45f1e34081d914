using Microsoft.CodeAnalysis;

namespace ParallelSharp.Generator.Analysis;

/// <summary>Code that another source generator makes, which the compilation we read does not have.</summary>
/// <remarks>
/// Generators all read the same input compilation and never see each other's output, so a use of a
/// <c>[JsonSerializable]</c> context's <c>Default</c> or any type such a generator adds binds to an error type here,
/// although the user's build (which includes that output) succeeds. The node compiles the captured source without
/// those generators, so the job would only fail there: report it at the call site instead. A partial member that
/// such a generator implements (<c>[GeneratedRegex]</c>) does bind, to its declaration; it is reported as PSH0006.
/// </remarks>
internal sealed partial class ClosureBuilder
{
    private const string PartialWithoutImplementation =
        "which is declared partial without an implementation: another source generator writes it, and generators do not see each other's code";

    private readonly HashSet<SyntaxNode> _unboundChecked = [];

    /// <summary>Reports the name in <paramref name="node"/> that did not bind (it used an error type).</summary>
    private void ReportUnbound(SyntaxNode node)
    {
        // Asking for diagnostics binds the declaration again, so only on this error path and once per declaration.
        // An error type with no "name does not exist" error behind it is not reported: correct code stays silent.
        if (_unboundChecked.Add(node) && MissingSymbols.Find(_facts.Model(node.SyntaxTree), node, _cancellationToken) is { } missing)
            Report(Diagnostics.MadeByAnotherGenerator, missing.Name, missing.Error);
    }
}
