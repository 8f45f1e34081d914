using ParallelSharp.NodeDaemon.Tests.Infrastructure;

namespace ParallelSharp.NodeDaemon.Tests.Compilation;

[Collection(CompilerCollection.Name)]
public sealed class EntryValidationTests(CompilerFixture fixture)
{
    private JobCompilationException CompileFails(string code, string entryType, string entryMethod)
    {
        var error = Assert.Throws<JobCompilationException>(() =>
            fixture.Compiler.Compile(Packages.Method(code, entryType, entryMethod), CancellationToken.None));
        Assert.Empty(error.Diagnostics); // an entry-point problem, not a compiler error
        return error;
    }

    [Fact]
    public void Compile_EntryTypeMissing_ListsDeclaredTypesAndSuggests()
    {
        var error = CompileFails(
            "namespace MyApp { public static class Primes { public static int A() => 1; } public class Helper { public class Nested { } } }",
            "Primes", "A");

        Assert.Contains("entry type 'Primes' was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("MyApp.Helper, MyApp.Helper+Nested, MyApp.Primes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'MyApp.Primes'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SourceDeclaresNoTypes_SaysSo()
    {
        var error = CompileFails("namespace Empty { }", "Empty.Job", "Run");

        Assert.Contains("declares no types", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_EntryMethodMissing_ListsMethodsAndSuggests()
    {
        var error = CompileFails(
            "public static class Primes { public static int SumPrimes(int n) => n; static bool IsPrime(int n) => true; public static int Limit { get; } }",
            "Primes", "sumprimes");

        Assert.Contains("entry method 'sumprimes' was not found in type Primes", error.Message, StringComparison.Ordinal);
        Assert.Contains("IsPrime, SumPrimes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'SumPrimes'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_EntryMethodOverloaded_IsAmbiguous()
    {
        var error = CompileFails(
            "public static class M { public static int Run(int x) => x; public static int Run(string s) => 0; }", "M", "Run");

        Assert.Contains("is ambiguous", error.Message, StringComparison.Ordinal);
        Assert.Contains("M.Run(int x)", error.Message, StringComparison.Ordinal);
        Assert.Contains("M.Run(string s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_InstanceMethod_MustBeStatic()
    {
        var error = CompileFails("public class M { public int Run(int x) => x; }", "M", "Run");

        Assert.Contains("M.Run(int x) is an instance method", error.Message, StringComparison.Ordinal);
        Assert.Contains("'static'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_GenericMethod_IsRefused()
    {
        var error = CompileFails("public static class M { public static T Run<T>(T x) => x; }", "M", "Run");

        Assert.Contains("is generic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_MethodOfOpenGenericType_IsRefused()
    {
        var error = CompileFails("public static class M<T> { public static int Run(int x) => x; }", "M`1", "Run");

        Assert.Contains("generic type M<T>", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ref int x", "'ref'")]
    [InlineData("out int x", "'out'")]
    [InlineData("in int x", "'in'")]
    [InlineData("ref readonly int x", "'ref readonly'")]
    public void Compile_ByReferenceParameter_IsRefused(string parameter, string keyword)
    {
        var body = parameter.StartsWith("out", StringComparison.Ordinal) ? "{ x = 1; return 0; }" : "=> 0;";
        var error = CompileFails($"public static class M {{ public static int Run(int a, {parameter}) {body} }}", "M", "Run");

        Assert.Contains($"Parameter 2 'x'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"passed as {keyword}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ParamsParameter_IsRefused()
    {
        var error = CompileFails("public static class M { public static int Run(params int[] xs) => xs.Length; }", "M", "Run");

        Assert.Contains("is 'params'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public static class M { private static int Run(int x) => x; }", "the method is private")]
    [InlineData("public class M { protected static int Run(int x) => x; }", "the method is protected")]
    [InlineData("public class M { private protected static int Run(int x) => x; }", "the method is private protected")]
    [InlineData("public static class O { private static class M { public static int Run(int x) => x; } }", "its containing type O.M is private")]
    public void Compile_InaccessibleEntry_MustBePublicOrInternal(string code, string expected)
    {
        var entryType = code.Contains("class O", StringComparison.Ordinal) ? "O+M" : "M";

        var error = CompileFails(code, entryType, "Run");

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("'public' or 'internal'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_InternalEntry_IsAccepted()
    {
        var compiled = fixture.Compiler.Compile(
            Packages.Method("internal static class M { internal static int Run(int x) => x + 1; }", "M", "Run"), CancellationToken.None);

        Assert.Equal("2", JobRunner.Run(compiled, "[1]"));
    }

    [Fact]
    public void Compile_PrivateTypeInSignature_ReportsTheCompilersAccessibilityError()
    {
        var error = Assert.Throws<JobCompilationException>(() => fixture.Compiler.Compile(
            Packages.Method("public static class M { private sealed class Secret { } internal static int Run(List<Secret> xs) => 0; }", "M", "Run"),
            CancellationToken.None));

        Assert.Equal("CS0051", Assert.Single(error.Diagnostics).Id);
    }

    [Fact]
    public void Compile_FileLocalEntryType_IsRefused()
    {
        var error = CompileFails("namespace N { file static class M { public static int Run(int x) => x; } }", "N.M", "Run");

        Assert.Contains("file-local type M", error.Message, StringComparison.Ordinal);
        Assert.Contains("Remove the 'file' modifier", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public static unsafe int Run(int* p) => 0;", "pointer type")]
    [InlineData("public static unsafe int Run(delegate*<int, int> f) => 0;", "function pointer")]
    [InlineData("public static int Run(Span<int> xs) => 0;", "ref struct")]
    [InlineData("public static int Run(Func<int, int> f) => 0;", "delegate")]
    [InlineData("public static int Run(List<Action> fs) => 0;", "delegate")]
    public void Compile_ParameterTypeThatCannotTravel_IsRefused(string method, string expected)
    {
        var error = CompileFails($"public static class M {{ {method} }}", "M", "Run");

        Assert.Contains("Parameter 1", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public static unsafe int* Run() => null;", "pointer type")]
    [InlineData("public static Span<int> Run() => default;", "ref struct")]
    [InlineData("static int s_x; public static ref int Run() => ref s_x;", "returns by reference")]
    [InlineData("public static async void Run() { await Task.Yield(); }", "return Task instead")]
    public void Compile_ReturnThatCannotTravel_IsRefused(string method, string expected)
    {
        var error = CompileFails($"public static class M {{ {method} }}", "M", "Run");

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
