using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelSharp.Generator.Analysis;

/// <summary>
/// Finds a name that does not bind in a piece of code: the sign, in a build that succeeds, that another source
/// generator makes it (generators never see each other's output, and the node runs none of them).
/// </summary>
internal static class MissingSymbols
{
    // The compiler's "this name does not exist" errors; other errors mean the code is wrong, which the compiler
    // reports itself, so they are not taken for another generator's output.
    private static readonly HashSet<string> s_missingNameIds = new(StringComparer.Ordinal)
    {
        "CS0103", // The name 'X' does not exist in the current context
        "CS0117", // 'T' does not contain a definition for 'X'
        "CS0234", // The type or namespace name 'X' does not exist in the namespace 'N'
        "CS0246", // The type or namespace name 'X' could not be found
        "CS0426", // The type name 'X' does not exist in the type 'T'
        "CS1061", // 'T' does not contain a definition for 'X' and no accessible extension method
    };

    /// <summary>The first name in <paramref name="node"/> that does not bind: its text and the compiler's error.</summary>
    /// <remarks>Binds <paramref name="node"/> for its diagnostics: call it only once something there is known not to bind.</remarks>
    public static (string Name, string Error)? Find(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        var error = model.GetDiagnostics(node.Span, cancellationToken)
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.IsInSource && s_missingNameIds.Contains(d.Id))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .FirstOrDefault();
        if (error is null)
            return null;

        // 'Default' in 'PeopleContext.Default' is reported on the member name; the user knows it by the whole access.
        var name = node.SyntaxTree.GetRoot(cancellationToken).FindNode(error.Location.SourceSpan, getInnermostNodeForTie: true);
        if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name)
            name = access;
        return (name.ToString(), $"{error.Id}: {error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
    }
}
