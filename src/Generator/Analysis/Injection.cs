using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelSharp.Generator.Analysis;

/// <summary>The code the generator writes: lambdas and local functions turned into static methods, and entry wrappers.</summary>
internal static class Injection
{
    /// <summary>The name of the class that holds injected members of top-level statements.</summary>
    public const string TopLevelClass = "PshTopLevel";

    /// <summary>The class of generated entry wrappers.</summary>
    public const string EntryClass = "PshEntry";

    /// <summary>The namespace of generated code (and of the interceptors).</summary>
    public const string Namespace = "ParallelSharp.Generated";

    /// <summary>A lambda as a static method with the lambda's own parameters, body and (inferred) types.</summary>
    public static string Lambda(AnonymousFunctionExpressionSyntax lambda, IMethodSymbol symbol, string name)
    {
        var parameters = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < symbol.Parameters.Length; i++)
        {
            var parameter = symbol.Parameters[i];
            // Discards ('_') may repeat in a lambda but not in a method; the body cannot read them anyway.
            var parameterName = parameter.Name.Length == 0 || parameter.IsDiscard || !used.Add(parameter.Name) ? $"__discard{i}" : Names.Identifier(parameter.Name);
            parameters.Add($"{parameter.Type.ToDisplayString(Names.Qualified)} {parameterName}");
        }

        var returnType = symbol.ReturnsVoid ? "void" : symbol.ReturnType.ToDisplayString(Names.Qualified);
        var text = new StringBuilder();
        text.Append("internal static ");
        if (lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
            text.Append("async ");
        text.Append(returnType).Append(' ').Append(name).Append('(').Append(string.Join(", ", parameters)).Append(")\n");
        switch (lambda.Body)
        {
            case BlockSyntax block:
                text.Append(TriviaCleaner.Clean(block).ToFullString().Trim()).Append('\n');
                break;
            case ExpressionSyntax expression:
                text.Append("    => ").Append(TriviaCleaner.Clean(expression).ToFullString().Trim()).Append(";\n");
                break;
        }

        return text.ToString();
    }

    /// <summary>A local function as a static method of the same name and signature.</summary>
    public static string LocalFunction(LocalFunctionStatementSyntax local)
    {
        var clean = TriviaCleaner.Clean(local);
        var text = new StringBuilder("internal static ");
        foreach (var modifier in clean.Modifiers)
        {
            if (modifier.IsKind(SyntaxKind.AsyncKeyword) || modifier.IsKind(SyntaxKind.UnsafeKeyword))
                text.Append(modifier.ValueText).Append(' ');
        }

        text.Append(clean.ReturnType.ToString()).Append(' ').Append(clean.Identifier.ValueText);
        text.Append(clean.TypeParameterList?.ToString() ?? string.Empty).Append(clean.ParameterList.ToString());
        foreach (var constraint in clean.ConstraintClauses)
            text.Append(' ').Append(constraint.ToString());
        text.Append('\n');
        if (clean.Body is not null)
            text.Append(clean.Body.ToFullString().Trim()).Append('\n');
        else if (clean.ExpressionBody is not null)
            text.Append("    ").Append(clean.ExpressionBody.ToString()).Append(";\n");
        return text.ToString();
    }

    /// <summary>
    /// A static method that calls <paramref name="method"/>: for methods the node cannot call as they are (instance
    /// methods, whose object comes first; generic ones; methods of referenced assemblies).
    /// </summary>
    public static string Wrapper(IMethodSymbol method, bool hasReceiver)
    {
        var parameters = new List<string>();
        var arguments = new List<string>();
        string target;
        if (method.ReducedFrom is { } extension)
        {
            // server.Submit(values.Scale, 2.0): the object is the extension method's first argument.
            parameters.Add($"{method.ReceiverType!.ToDisplayString(Names.Qualified)} self");
            arguments.Add("self");
            target = $"{extension.ContainingType.ToDisplayString(Names.Qualified)}.{Names.Identifier(method.Name)}{TypeArguments(method)}";
        }
        else if (hasReceiver)
        {
            parameters.Add($"{method.ContainingType.ToDisplayString(Names.Qualified)} self");
            target = $"self.{Names.Identifier(method.Name)}{TypeArguments(method)}";
        }
        else
        {
            target = $"{method.ContainingType.ToDisplayString(Names.Qualified)}.{Names.Identifier(method.Name)}{TypeArguments(method)}";
        }

        for (var i = 0; i < method.Parameters.Length; i++)
        {
            parameters.Add($"{method.Parameters[i].Type.ToDisplayString(Names.Qualified)} arg{i + 1}");
            arguments.Add($"arg{i + 1}");
        }

        var returnType = method.ReturnsVoid ? "void" : method.ReturnType.ToDisplayString(Names.Qualified);
        return $$"""
            namespace {{Namespace}}
            {
                internal static class {{EntryClass}}
                {
                    public static {{returnType}} Invoke({{string.Join(", ", parameters)}})
                        => {{target}}({{string.Join(", ", arguments)}});
                }
            }

            """;
    }

    private static string TypeArguments(IMethodSymbol method) =>
        method.IsGenericMethod ? "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(Names.Qualified))) + ">" : string.Empty;
}
