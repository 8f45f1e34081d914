using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>
/// A submitted source document and the syntax tree it was compiled in. The document's text starts at
/// <see cref="Offset"/> in the tree (zero for a plain source file, after the wrapper for a lambda), so diagnostics map
/// back to lines and columns of what the user submitted, whatever the node wrapped around it.
/// </summary>
/// <param name="Document">The document as submitted.</param>
/// <param name="Tree">The syntax tree holding it.</param>
/// <param name="Offset">Where the document's first character is in <paramref name="Tree"/>.</param>
/// <param name="Text">The document's own text (line endings normalized), for line and column numbers.</param>
internal sealed record DocumentTree(SourceDocument Document, SyntaxTree Tree, int Offset, SourceText Text)
{
    /// <summary>Converts compiler diagnostics to <see cref="CompilerDiagnostic"/>s positioned in the submitted documents.</summary>
    /// <remarks>Documents come first, in submission order, then anything else (usings, generated code, no location).</remarks>
    public static List<CompilerDiagnostic> Map(IEnumerable<Diagnostic> diagnostics, IReadOnlyList<DocumentTree> documents, int limit)
    {
        return diagnostics
            .Select(d => (Diagnostic: d, Order: Order(d, documents)))
            .OrderBy(x => x.Order.Document).ThenBy(x => x.Order.Position)
            .Take(limit)
            .Select(x => Map(x.Diagnostic, documents))
            .ToList();
    }

    private static CompilerDiagnostic Map(Diagnostic diagnostic, IReadOnlyList<DocumentTree> documents)
    {
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        var severity = diagnostic.Severity.ToString();
        var index = Find(diagnostic, documents);
        if (index >= 0)
        {
            var document = documents[index];
            // Clamp: an error just past a lambda (a missing ';' the wrapper would need) belongs to the lambda's end.
            var position = Math.Clamp(diagnostic.Location.SourceSpan.Start - document.Offset, 0, document.Text.Length);
            var line = document.Text.Lines.GetLinePosition(position);
            return new CompilerDiagnostic(diagnostic.Id, severity, document.Document.Path, line.Line + 1, line.Character + 1, message);
        }

        if (diagnostic.Location.IsInSource)
        {
            var span = diagnostic.Location.GetLineSpan();
            return new CompilerDiagnostic(diagnostic.Id, severity, span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, message);
        }

        return new CompilerDiagnostic(diagnostic.Id, severity, string.Empty, 0, 0, message);
    }

    private static (int Document, int Position) Order(Diagnostic diagnostic, IReadOnlyList<DocumentTree> documents)
    {
        var index = Find(diagnostic, documents);
        var position = diagnostic.Location.IsInSource ? diagnostic.Location.SourceSpan.Start : 0;
        return (index >= 0 ? index : int.MaxValue, position);
    }

    private static int Find(Diagnostic diagnostic, IReadOnlyList<DocumentTree> documents)
    {
        var tree = diagnostic.Location.SourceTree;
        if (tree is null)
            return -1;
        for (var i = 0; i < documents.Count; i++)
        {
            if (ReferenceEquals(documents[i].Tree, tree))
                return i;
        }

        return -1;
    }
}
