using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ParallelSharp.Generator.Analysis;

/// <summary>
/// Makes captured code compile on the node exactly as it compiled here: the code inside inactive <c>#if</c>
/// branches is dropped and the directives with it (the node has other preprocessor symbols), as are regions,
/// pragmas and <c>#line</c>. <c>#nullable</c> stays: it is part of what the code means.
/// </summary>
internal sealed class TriviaCleaner : CSharpSyntaxRewriter
{
    private static readonly TriviaCleaner s_instance = new();

    private TriviaCleaner()
        : base(visitIntoStructuredTrivia: false)
    {
    }

    public static TNode Clean<TNode>(TNode node)
        where TNode : SyntaxNode => (TNode)s_instance.Visit(node);

    public override SyntaxTrivia VisitTrivia(SyntaxTrivia trivia)
    {
        if (trivia.IsKind(SyntaxKind.DisabledTextTrivia))
            return default;
        if (trivia.IsDirective && !trivia.IsKind(SyntaxKind.NullableDirectiveTrivia))
            return default;
        return trivia;
    }
}
