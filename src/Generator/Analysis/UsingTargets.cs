using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelSharp.Generator.Analysis;

/// <summary>Reads using directives: what they name and how a package lists them.</summary>
internal static class UsingTargets
{
    /// <summary>The namespace or type a using directive imports or aliases; null when it does not bind.</summary>
    public static ISymbol? Resolve(SemanticModel model, UsingDirectiveSyntax directive, CancellationToken cancellationToken)
    {
        if (directive.NamespaceOrType is null)
            return null;
        var symbol = model.GetSymbolInfo(directive.NamespaceOrType, cancellationToken).Symbol;
        return symbol is IAliasSymbol alias ? alias.Target : symbol;
    }

    /// <summary>The directive without <c>global using</c> and the semicolon, for example <c>static System.Math</c>.</summary>
    public static string Text(UsingDirectiveSyntax directive)
    {
        var text = directive.NamespaceOrType!.ToString();
        if (directive.Alias is not null)
            text = $"{directive.Alias.Name.Identifier.ValueText} = {text}";
        if (!directive.StaticKeyword.IsKind(SyntaxKind.None))
            text = "static " + text;
        return text;
    }
}
