using ParallelSharp.NodeDaemon.Compilation;
using ParallelSharp.NodeDaemon.Tests.Infrastructure;

namespace ParallelSharp.NodeDaemon.Tests.Compilation;

[Collection(CompilerCollection.Name)]
public sealed class LambdaPackageTests(CompilerFixture fixture)
{
    private CompiledPackage Compile(string lambda) => fixture.Compiler.Compile(Packages.Lambda(lambda), CancellationToken.None);

    private JobCompilationException CompileFails(string lambda) =>
        Assert.Throws<JobCompilationException>(() => fixture.Compiler.Compile(Packages.Lambda(lambda), CancellationToken.None));

    [Fact]
    public void Compile_SquareLambda_RunsWithItsSignature()
    {
        var compiled = Compile("(int x) => x * x");

        Assert.Equal("49", JobRunner.Run(compiled, "[7]"));
        Assert.Equal("int lambda(int x)", compiled.EntrySignature);
        Assert.Equal(1, compiled.ParameterCount);
    }

    [Fact]
    public void Compile_TwoParameterLambda_InfersStringReturn()
    {
        var compiled = Compile("(string s, int n) => string.Concat(Enumerable.Repeat(s, n))");

        Assert.Equal("\"ababab\"", JobRunner.Run(compiled, """["ab", 3]"""));
        Assert.Equal("string lambda(string s, int n)", compiled.EntrySignature);
    }

    [Theory]
    [InlineData("async (int x) => { await Task.Yield(); return x + 1; }", "[1]", "2")]
    [InlineData("(int x) => { }", "[1]", "null")]
    [InlineData("() => new List<int> { 1, 2 }", "[]", "[1,2]")]
    [InlineData("long (int x) => x", "[5]", "5")]
    [InlineData("static (int a, int b) => (a + b, a * b)", "[2, 3]", """{"Item1":5,"Item2":6}""")]
    [InlineData("(int x) => x * 2;", "[4]", "8")]
    [InlineData("(int _, int _) => 7", "[1, 2]", "7")]
    [InlineData("delegate (int x) { return x - 1; }", "[1]", "0")]
    public void Compile_LambdaShapes_RunAsJobs(string lambda, string arguments, string expected)
    {
        Assert.Equal(expected, JobRunner.Run(Compile(lambda), arguments));
    }

    [Fact]
    public void Invoke_LambdaWithTooManyArguments_BindingErrorNamesLambda()
    {
        var compiled = Compile("(int x) => x");

        var error = Assert.Throws<ArgumentException>(() => JobRunner.Run(compiled, "[1, 2]"));

        Assert.Equal("lambda(int x) takes 1 argument(s), but the job passed 2.", error.Message);
        Assert.True(JobEntryPointContract.IsArgumentBindingFailure(error));
    }

    [Fact]
    public void Compile_ErrorInsideLambda_PointsAtLambdaText()
    {
        var error = CompileFails("(int x) => x * y");

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(new CompilerDiagnostic("CS0103", "Error", "Lambda.cs", 1, 16, "The name 'y' does not exist in the current context"), diagnostic);
        Assert.Contains("lambda", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ErrorOnLaterLineOfLambda_PointsAtThatLine()
    {
        var error = CompileFails("(int x) =>\n{\n    var y = x +;\n    return y;\n}");

        Assert.Equal(("Lambda.cs", 3, 16), (error.Diagnostics[0].Path, error.Diagnostics[0].Line, error.Diagnostics[0].Column));
    }

    [Fact]
    public void Compile_UnfinishedLambda_ErrorStaysInsideLambdaText()
    {
        var error = CompileFails("(int x) => x +");

        Assert.All(error.Diagnostics, d => Assert.Equal((1, 15), (d.Line, d.Column)));
    }

    [Fact]
    public void Invoke_LambdaThrows_StackTraceNamesLambdaLine()
    {
        var compiled = Compile("(int x) =>\n{\n    if (x > 0) throw new InvalidOperationException(\"positive\");\n    return x;\n}");

        var error = Assert.Throws<InvalidOperationException>(() => JobRunner.Run(compiled, "[1]"));

        Assert.Contains("Lambda.cs:line 3", error.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UntypedParameter_AsksForTypes()
    {
        var error = CompileFails("x => x * 2");

        Assert.Contains("parameter 'x' has no type", error.Message, StringComparison.Ordinal);
        Assert.Contains("(int x) => ...", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42", "'42', which is a numeric literal expression")]
    [InlineData("Math.Max", "'Math.Max', which is a simple member access expression")]
    [InlineData("(int x) => x; Console.WriteLine();", "a lambda followed by more statements")]
    public void Compile_NotALambda_SaysWhatItIs(string text, string expected)
    {
        var error = CompileFails(text);

        Assert.Contains("must be a single lambda expression", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_LambdaReturningAnonymousType_IsRefused()
    {
        var error = CompileFails("(int x) => new { x }");

        Assert.Contains("anonymous type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_LambdaWithRefParameter_IsRefused()
    {
        var error = CompileFails("(ref int x) => x");

        Assert.Contains("'ref'", error.Message, StringComparison.Ordinal);
        Assert.Contains("lambda(ref int x)", error.Message, StringComparison.Ordinal);
    }
}
