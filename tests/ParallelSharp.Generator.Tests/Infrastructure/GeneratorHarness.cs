using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ParallelSharp.Generator.Tests.Infrastructure;

/// <summary>Runs the generator over in-memory sources with the framework, JobServer and Newtonsoft.Json as references.</summary>
internal static class GeneratorHarness
{
    static GeneratorHarness()
    {
        // Every generator run of the tests also checks the fast text cutting against the syntax rewrite.
        ParallelSharp.Generator.Analysis.PackageWriter.CompareWithRewrite = true;
    }

    public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Latest)
        .WithFeatures([new("InterceptorsNamespaces", "ParallelSharp.Generated")]);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = trusted.Where(p => string.Equals(Path.GetDirectoryName(p), framework, StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        foreach (var type in new[] { typeof(JobServer), typeof(JobSource), typeof(Newtonsoft.Json.JsonConvert) })
            references.Add(MetadataReference.CreateFromFile(type.Assembly.Location));
        return [.. references];
    });

    public static CSharpCompilation Compile(params (string Path, string Text)[] sources) =>
        CSharpCompilation.Create(
            "UserApp",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)),
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create([new JobCaptureGenerator().AsSourceGenerator()], parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the output compilation, the generator's diagnostics and the generated text.</summary>
    public static Result Run(params (string Path, string Text)[] sources) => Run(Compile(sources));

    /// <summary>Runs the generator over a compilation made by the test (other references, aliases).</summary>
    public static Result Run(CSharpCompilation compilation)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var run = driver.GetRunResult();
        var generated = run.GeneratedTrees.Select(t => t.ToString()).FirstOrDefault() ?? string.Empty;
        return new Result(compilation, output, diagnostics, generated, driver);
    }

    public sealed record Result(Compilation Input, Compilation Output, ImmutableArray<Diagnostic> Diagnostics, string Generated, GeneratorDriver Driver)
    {
        /// <summary>Errors of the compilation with the generated code (none means the interceptors are valid).</summary>
        public IReadOnlyList<Diagnostic> OutputErrors => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        /// <summary>
        /// Warnings located in the generated code: a user whose build treats warnings as errors must not get any.
        /// </summary>
        public IReadOnlyList<Diagnostic> GeneratedWarnings => Output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && !Input.SyntaxTrees.Contains(tree))
            .ToList();
    }
}
