using ParallelSharp.NodeDaemon.Tests.Infrastructure;

namespace ParallelSharp.NodeDaemon.Tests.Compilation;

[Collection(CompilerCollection.Name)]
public sealed class CompileErrorTests(CompilerFixture fixture)
{
    [Fact]
    public void Compile_UndefinedName_ReportsErrorAtSubmittedLineAndColumn()
    {
        const string Code = """
            namespace MyApp;

            public static class Primes
            {
                public static long SumPrimes(int n) => total + n;
            }
            """;

        var error = Assert.Throws<JobCompilationException>(() =>
            fixture.Compiler.Compile(Packages.Method(Code, "MyApp.Primes", "SumPrimes"), CancellationToken.None));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(new CompilerDiagnostic("CS0103", "Error", "Job.cs", 5, 44, "The name 'total' does not exist in the current context"), diagnostic);
        Assert.Contains("MyApp.Primes.SumPrimes", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 error(s), first CS0103 at Job.cs line 5, column 44", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fix the submitted source", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_WindowsLineEndings_SamePositions()
    {
        const string Code = "public static class P\r\n{\r\n    public static int Run() =>\r\n        missing;\r\n}\r\n";

        var error = Assert.Throws<JobCompilationException>(() =>
            fixture.Compiler.Compile(Packages.Method(Code, "P", "Run"), CancellationToken.None));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal((4, 9), (diagnostic.Line, diagnostic.Column));
    }

    [Fact]
    public void Compile_ErrorsInSeveralDocuments_NamesEachDocumentInOrder()
    {
        var package = Packages.Documents(
            "Jobs", "Run",
            new SourceDocument("Jobs.cs", "public static class Jobs\n{\n    public static int Run(int x) => Helpers.Twice(x) + y;\n}\n"),
            new SourceDocument("Sub/Helpers.cs", "public static class Helpers\n{\n    public static int Twice(int x) => x * undefinedFactor;\n}\n"));

        var error = Assert.Throws<JobCompilationException>(() => fixture.Compiler.Compile(package, CancellationToken.None));

        Assert.Collection(
            error.Diagnostics,
            d => Assert.Equal(("Jobs.cs", 3, 56, "CS0103"), (d.Path, d.Line, d.Column, d.Id)),
            d => Assert.Equal(("Sub/Helpers.cs", 3, 43, "CS0103"), (d.Path, d.Line, d.Column, d.Id)));
        Assert.Contains("2 error(s), first CS0103 at Jobs.cs line 3, column 56", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SyntaxErrorHidingEntryType_ReportsCompilerErrorsNotMissingType()
    {
        const string Code = "public static clas Primes\n{\n    public static int Run() => 1;\n}\n";

        var error = Assert.Throws<JobCompilationException>(() =>
            fixture.Compiler.Compile(Packages.Method(Code, "Primes", "Run"), CancellationToken.None));

        Assert.NotEmpty(error.Diagnostics);
        Assert.All(error.Diagnostics, d => Assert.Equal("Error", d.Severity));
        Assert.Equal(1, error.Diagnostics[0].Line);
        Assert.DoesNotContain("was not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UnresolvedTypeInEntrySignature_ReportsCompilerError()
    {
        const string Code = "public static class P\n{\n    public static int Run(Widget w) => 1;\n}\n";

        var error = Assert.Throws<JobCompilationException>(() =>
            fixture.Compiler.Compile(Packages.Method(Code, "P", "Run"), CancellationToken.None));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(("CS0246", 3, 27), (diagnostic.Id, diagnostic.Line, diagnostic.Column));
    }

    [Fact]
    public void Compile_WarningsOnly_Succeeds()
    {
        const string Code = "public static class P { public static int Run() { int unused = 0; string s = null; return s?.Length ?? 1; } }";

        var compiled = fixture.Compiler.Compile(Packages.Method(Code, "P", "Run"), CancellationToken.None);

        Assert.Equal("1", JobRunner.Run(compiled, "[]"));
    }

    [Fact]
    public void Compile_UnknownUsing_ReportsItAgainstTheUsings()
    {
        var package = new JobPackage(
            JobPackageKind.Method, [new SourceDocument("Job.cs", "public static class P { public static int Run() => 1; }")],
            "P", "Run", ["System", "No.Such.Namespace"]);

        var error = Assert.Throws<JobCompilationException>(() => fixture.Compiler.Compile(package, CancellationToken.None));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("CS0246", diagnostic.Id);
        Assert.Equal("<ParallelSharp.Usings>", diagnostic.Path);
        Assert.Contains("No", diagnostic.Message, StringComparison.Ordinal);
    }
}
