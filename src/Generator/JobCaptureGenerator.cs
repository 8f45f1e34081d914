using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using ParallelSharp.Generator.Analysis;
using ParallelSharp.Generator.Emit;
using ParallelSharp.Generator.Model;

namespace ParallelSharp.Generator;

/// <summary>
/// Captures the functions passed to <c>JobServer.Submit</c>, <c>Map</c> and <c>MapUnordered</c>: for each call site,
/// the function's source and everything in the project it uses, and an interceptor that submits that package.
/// </summary>
/// <remarks>
/// The pipeline keeps the user's build fast: a syntactic filter picks the candidate calls, the semantic step turns
/// each into a value-equal <see cref="CallSite"/> (strings only, no symbols or compilations), and the file is
/// written again only when some call site's value changed. Diagnostics are reported from a separate, cheap step.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class JobCaptureGenerator : IIncrementalGenerator
{
    /// <summary>The tracking name of the step that analyzes call sites (for incrementality tests).</summary>
    public const string CallSitesStep = "CallSites";

    /// <summary>The tracking name of the step that gathers every call site for the generated file.</summary>
    public const string AllCallSitesStep = "AllCallSites";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var callSites = context.SyntaxProvider
            .CreateSyntaxProvider(static (node, _) => CallSiteAnalyzer.IsCandidate(node), static (c, ct) => CallSiteAnalyzer.Analyze(c, ct))
            .Where(static site => site is not null)
            .Select(static (site, _) => site!)
            .WithTrackingName(CallSitesStep);

        var all = callSites.Collect().WithTrackingName(AllCallSitesStep);
        context.RegisterSourceOutput(all, static (output, sites) =>
        {
            if (InterceptorWriter.Write(sites) is { } code)
                output.AddSource(InterceptorWriter.HintName, code);
        });

        var diagnostics = callSites
            .Where(static site => site.Diagnostics.Count > 0)
            .Select(static (site, _) => site.Diagnostics)
            .Collect()
            .Combine(context.CompilationProvider);
        context.RegisterSourceOutput(diagnostics, static (output, input) => Report(output, input.Left, input.Right));
    }

    private static void Report(SourceProductionContext output, ImmutableArray<EquatableArray<DiagnosticInfo>> diagnostics, Compilation compilation)
    {
        foreach (var info in diagnostics.SelectMany(d => d))
        {
            // A location in the compilation's own tree, so #pragma and .editorconfig apply to it.
            var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == info.FilePath);
            var location = tree is not null ? Location.Create(tree, info.Span) : Location.Create(info.FilePath, info.Span, info.LineSpan);
            output.ReportDiagnostic(Diagnostic.Create(Diagnostics.ById[info.Id], location, info.Arguments.Cast<object>().ToArray()));
        }
    }
}
