using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>The pipeline's models compare by value, so edits that do not change a call site's package reuse the cached output.</summary>
public sealed class GeneratorIncrementalityTests
{
    private const string Job = """
        using ParallelSharp;
        namespace MyApp;

        public static class Job
        {
            public static int Twice(int x) => x * 2;
            public static object Run(JobServer server) => server.Submit(Job.Twice, 21);
        }
        """;

    [Fact]
    public void RunAgain_UnrelatedFileEdited_ReusesCallSitesAndOutput()
    {
        var compilation = GeneratorHarness.Compile(("/src/Job.cs", Job), ("/src/Other.cs", "namespace MyApp; public static class Other { }"));
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var other = compilation.SyntaxTrees.Single(t => t.FilePath == "/src/Other.cs");
        var edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText(
            "namespace MyApp; public static class Other { public static int Unused() => 1; }", GeneratorHarness.ParseOptions, "/src/Other.cs"));
        driver = driver.RunGenerators(edited);

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        Assert.All(steps[JobCaptureGenerator.CallSitesStep].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(steps[JobCaptureGenerator.AllCallSitesStep].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void RunAgain_CapturedMethodEdited_ProducesNewPackage()
    {
        var compilation = GeneratorHarness.Compile(("/src/Job.cs", Job));
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var before = driver.GetRunResult().GeneratedTrees.Single().ToString();

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(
            Job.Replace("x * 2", "x * 3", StringComparison.Ordinal), GeneratorHarness.ParseOptions, "/src/Job.cs"));
        driver = driver.RunGenerators(edited);
        var after = driver.GetRunResult().GeneratedTrees.Single().ToString();

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        Assert.Contains(steps[JobCaptureGenerator.CallSitesStep].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("x * 3", after, StringComparison.Ordinal);
        Assert.DoesNotContain("x * 3", before, StringComparison.Ordinal);
    }

    [Fact]
    public void CallSiteModel_HoldsNoSymbolsOrSyntax()
    {
        // A model holding a symbol, syntax node or compilation would keep old compilations alive and never compare equal.
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(SemanticModel), typeof(Location) };
        var models = typeof(JobCaptureGenerator).Assembly.GetTypes().Where(t => t.Namespace == "ParallelSharp.Generator.Model");
        foreach (var property in models.SelectMany(t => t.GetProperties()))
            Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(property.PropertyType));
    }
}
