using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>Lambda packages: the source is the text of a lambda such as <c>(int x) =&gt; x * x</c>.</summary>
/// <remarks>
/// The lambda is wrapped in a static class and compiled like any other source, rather than run through
/// Microsoft.CodeAnalysis.CSharp.Scripting: a script costs 40–56 ms and ~350 MiB each, and its assembly can never be
/// unloaded, while a wrapped lambda is an ordinary cached, collectible package. Two steps: a probe binds the lambda
/// to learn its natural delegate type (parameters and return type), then the package compiles with a static method
/// of those parameters that calls the lambda, which the generated invoker calls like any entry method. In both steps
/// the lambda's text is placed verbatim at a known offset, so diagnostics map to its own lines and columns, and a
/// <c>#line</c> directive makes stack traces name the submitted document.
/// </remarks>
internal sealed partial class PackageCompiler
{
    private const string LambdaTypeName = "JobLambda";
    private const string LambdaMethodName = "Invoke";
    private const string LambdaLocal = "__psh_lambda";
    private const string LambdaDisplayName = "lambda";

    private CompiledPackage CompileLambda(JobPackage package, long started, CancellationToken cancellationToken)
    {
        if (package.Sources.Count != 1)
            throw Errors.LambdaPackageShape(package);

        var document = package.Sources[0];
        var lambdaText = SourceText.From(NormalizeLineEndings(document.Text), Encoding.UTF8);
        var references = ResolveReferences(package);
        var usings = ParseUsings(package, cancellationToken);

        // Step 1: the probe. The lambda is assigned to 'var', so the compiler gives it its natural delegate type.
        var probe = WrapLambda(document, lambdaText, "private static void Probe()", string.Empty, cancellationToken);
        DocumentTree[] probeDocuments = [probe];
        ThrowIfErrors(package, probe.Tree.GetDiagnostics(cancellationToken), probeDocuments);
        var lambda = FindLambda(probe, cancellationToken);
        foreach (var parameter in LambdaParameters(lambda))
        {
            if (parameter.Type is null)
                throw Errors.LambdaParameterUntyped(parameter.Identifier.ValueText);
        }

        var probeCompilation = CSharpCompilation.Create(AssemblyNameFor(package), [usings, probe.Tree], references, s_compilationOptions);
        var model = probeCompilation.GetSemanticModel(probe.Tree);
        ThrowIfErrors(package, model.GetDiagnostics(cancellationToken: cancellationToken), probeDocuments);
        if (model.GetSymbolInfo(lambda, cancellationToken).Symbol is not IMethodSymbol symbol || symbol.ReturnType.TypeKind == TypeKind.Error)
            throw Errors.LambdaTypeNotInferred();
        var shape = EntryPointResolver.Validate(symbol, probeCompilation, LambdaDisplayName);
        if (EntryPointResolver.ContainsAnonymousType(symbol.ReturnType))
            throw Errors.LambdaReturnsAnonymousType(shape.Signature);

        // Step 2: a static method with the lambda's own parameters (lambda parameters may shadow them) that calls it.
        var names = MethodParameterNames(symbol);
        var returnType = symbol.ReturnsVoid ? "void" : InvokerSource.CodeTypeName(symbol.ReturnType);
        var parameters = string.Join(", ", symbol.Parameters.Select((p, i) => $"{InvokerSource.CodeTypeName(p.Type)} {names[i]}"));
        var call = $"{(symbol.ReturnsVoid ? string.Empty : "return ")}{LambdaLocal}({string.Join(", ", names)});";
        var wrapped = WrapLambda(document, lambdaText, $"public static {returnType} {LambdaMethodName}({parameters})", call, cancellationToken);
        DocumentTree[] documents = [wrapped];

        var compilation = CSharpCompilation.Create(AssemblyNameFor(package), [usings, wrapped.Tree], references, s_compilationOptions);
        var entry = ResolveEntry(compilation, documents, package, $"{JobEntryPointContract.Namespace}.{LambdaTypeName}", LambdaMethodName,
            LambdaDisplayName, cancellationToken);
        return Emit(package, compilation, documents, entry, started, cancellationToken);
    }

    private static DocumentTree WrapLambda(SourceDocument document, SourceText lambdaText, string header, string call, CancellationToken cancellationToken)
    {
        // '#line' maps the lambda's lines to the submitted document in the PDB; the text starts a line, so columns match too.
        var prefix =
            $"namespace {JobEntryPointContract.Namespace}\n{{\n    internal static class {LambdaTypeName}\n    {{\n" +
            $"        {header}\n        {{\n            var {LambdaLocal} =\n#line 1 \"{LinePath(document.Path)}\"\n";
        var suffix = $"\n#line hidden\n            ;\n            {call}\n        }}\n    }}\n}}\n";
        var text = SourceText.From(string.Concat(prefix, lambdaText.ToString(), suffix), Encoding.UTF8);
        var tree = CSharpSyntaxTree.ParseText(text, s_parseOptions, document.Path, cancellationToken);
        return new DocumentTree(document, tree, prefix.Length, lambdaText);
    }

    private static AnonymousFunctionExpressionSyntax FindLambda(DocumentTree probe, CancellationToken cancellationToken)
    {
        var root = probe.Tree.GetRoot(cancellationToken);
        var declarator = root.DescendantNodes().OfType<VariableDeclaratorSyntax>()
            .FirstOrDefault(v => v.Identifier.ValueText == LambdaLocal);
        var value = declarator?.Initializer?.Value;
        if (value is null || declarator!.Parent is not VariableDeclarationSyntax { Variables.Count: 1 } declaration)
            throw Errors.LambdaNotALambda("not an expression");
        if (value is not AnonymousFunctionExpressionSyntax lambda)
            throw Errors.LambdaNotALambda($"'{Shorten(value.ToString())}', which is {Humanize(value.Kind())}");

        // Nothing may follow the lambda but a ';': "x => x; DoMore();" is a program, not a lambda.
        if (declaration.Parent?.Parent is BlockSyntax block &&
            block.Statements.Any(s => s != declaration.Parent && s is not EmptyStatementSyntax))
            throw Errors.LambdaNotALambda("a lambda followed by more statements");
        return lambda;
    }

    private static IEnumerable<ParameterSyntax> LambdaParameters(AnonymousFunctionExpressionSyntax lambda) => lambda switch
    {
        SimpleLambdaExpressionSyntax simple => [simple.Parameter],
        ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters,
        AnonymousMethodExpressionSyntax { ParameterList: { } list } => list.Parameters,
        _ => [],
    };

    private static string[] MethodParameterNames(IMethodSymbol lambda)
    {
        var names = new string[lambda.Parameters.Length];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = lambda.Parameters[i].Name;
            // Discards ('_') may repeat in a lambda but not in a method.
            names[i] = name.Length == 0 || name == "_" || !used.Add(name) ? $"arg{i}" : InvokerSource.EscapeIdentifier(name);
        }

        return names;
    }

    private static string LinePath(string path) =>
        path.Replace('"', '_').Replace('\n', '_').Replace('\r', '_');

    private static string Shorten(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
    }

    private static string Humanize(SyntaxKind kind)
    {
        // NumericLiteralExpression -> "a numeric literal expression".
        var words = new StringBuilder();
        foreach (var c in kind.ToString())
        {
            if (char.IsUpper(c) && words.Length > 0)
                words.Append(' ');
            words.Append(char.ToLowerInvariant(c));
        }

        var text = words.ToString();
        return ("aeiou".Contains(text[0], StringComparison.Ordinal) ? "an " : "a ") + text;
    }
}
