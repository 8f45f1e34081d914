using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using ParallelSharp.NodeDaemon.Compilation;
using ParallelSharp.NodeDaemon.Tests.Infrastructure;

namespace ParallelSharp.NodeDaemon.Tests.Compilation;

[Collection(CompilerCollection.Name)]
public sealed class PackageCompilerTests(CompilerFixture fixture)
{
    private const string Primes = """
        public static class Primes
        {
            public static long SumPrimes(int n)
            {
                long sum = 0;
                for (var i = 2; i < n; i++)
                    if (Enumerable.Range(2, Math.Max(0, (int)Math.Sqrt(i) - 1)).All(d => i % d != 0))
                        sum += i;
                return sum;
            }
        }
        """;

    private CompiledPackage Compile(string code, string entryType, string entryMethod) =>
        fixture.Compiler.Compile(Packages.Method(code, entryType, entryMethod), CancellationToken.None);

    [Fact]
    public void Compile_StaticMethodWithInt_InvokerReturnsResult()
    {
        var compiled = Compile(Primes, "Primes", "SumPrimes");

        Assert.Equal("17", JobRunner.Run(compiled, "[10]"));
        Assert.Equal("long Primes.SumPrimes(int n)", compiled.EntrySignature);
        Assert.Equal(1, compiled.ParameterCount);
        Assert.Equal(("long Primes.SumPrimes(int n)", 1), JobRunner.ReadConstants(compiled));
        Assert.True(compiled.CompileTime > TimeSpan.Zero);
    }

    [Fact]
    public void Compile_SamePackageTwice_ProducesIdenticalImageNamedAfterKey()
    {
        var package = Packages.Method(Primes, "Primes", "SumPrimes");

        var first = fixture.Compiler.Compile(package, CancellationToken.None);
        var second = fixture.Compiler.Compile(package, CancellationToken.None);

        Assert.Equal(first.Image, second.Image);
        Assert.Equal(package.Key, first.Key);
        Assert.Equal("psh-job-" + package.Key[..16], PackageCompiler.AssemblyNameFor(package));
        using var pe = new PEReader(new MemoryStream(first.Image));
        var metadata = pe.GetMetadataReader();
        Assert.Equal(PackageCompiler.AssemblyNameFor(package), metadata.GetString(metadata.GetAssemblyDefinition().Name));
        Assert.Contains(pe.ReadDebugDirectory(), entry => entry.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
    }

    [Fact]
    public void Compile_StringsAndArrays_RoundTrip()
    {
        var compiled = Compile(
            "public static class Text { public static string[] Split(string s, char c, int[] keep) => keep.Select(i => s.Split(c)[i]).ToArray(); }",
            "Text", "Split");

        Assert.Equal("""["c","a"]""", JobRunner.Run(compiled, """["a,b,c", ",", [2, 0]]"""));
    }

    [Fact]
    public void Compile_ListAndDictionary_RoundTrip()
    {
        var compiled = Compile(
            "public static class Words { public static Dictionary<string, int> Count(List<string> words) => words.GroupBy(w => w).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()); }",
            "Words", "Count");

        Assert.Equal("""{"a":2,"b":1}""", JobRunner.Run(compiled, """[["a","b","a"]]"""));
    }

    [Fact]
    public void Compile_TupleParameterAndResult_RoundTrip()
    {
        var compiled = Compile(
            "public static class Stats { public static (int Min, int Max) Range((int, int) seed, int[] xs) => (Math.Min(seed.Item1, xs.Min()), Math.Max(seed.Item2, xs.Max())); }",
            "Stats", "Range");

        Assert.Equal("""{"Item1":-1,"Item2":9}""", JobRunner.Run(compiled, """[{"Item1":0,"Item2":9},[3,-1,4]]"""));
        Assert.Equal("(int Min, int Max) Stats.Range((int, int) seed, int[] xs)", compiled.EntrySignature);
    }

    [Fact]
    public void Compile_RecordDeclaredInSource_RoundTrip()
    {
        var compiled = Compile(
            """
            namespace Geometry;
            public sealed record Point(int X, int Y);
            public static class Moves
            {
                public static Point Move(Point p, int dx) => p with { X = p.X + dx };
            }
            """,
            "Geometry.Moves", "Move");

        Assert.Equal("""{"X":11,"Y":2}""", JobRunner.Run(compiled, """[{"X":1,"Y":2},10]"""));
        Assert.Equal("Point Moves.Move(Point p, int dx)", compiled.EntrySignature);
    }

    [Fact]
    public void Compile_ClassDeclaredInSource_RoundTrip()
    {
        var compiled = Compile(
            """
            public class Order
            {
                public string Id { get; set; }
                public List<decimal> Lines { get; set; } = new();
            }
            public class Invoice { public string OrderId; public decimal Total; }
            public static class Billing
            {
                public static Invoice Bill(Order order) => new Invoice { OrderId = order.Id, Total = order.Lines.Sum() };
            }
            """,
            "Billing", "Bill");

        Assert.Equal("""{"OrderId":"o-1","Total":3.75}""", JobRunner.Run(compiled, """[{"Id":"o-1","Lines":[1.25,2.5]}]"""));
    }

    [Fact]
    public void Compile_VoidMethod_WritesNull()
    {
        var compiled = Compile("public static class Sink { public static void Drop(int x) { } }", "Sink", "Drop");

        Assert.Equal("null", JobRunner.Run(compiled, "[1]"));
        Assert.Equal("void Sink.Drop(int x)", compiled.EntrySignature);
    }

    [Fact]
    public void Compile_NoParameters_AcceptsEmptyArray()
    {
        var compiled = Compile("public static class Answer { public static int Get() => 42; }", "Answer", "Get");

        Assert.Equal("42", JobRunner.Run(compiled, "[]"));
        Assert.Equal(0, compiled.ParameterCount);
    }

    [Theory]
    [InlineData("public static async Task<int> Run(int x) { await Task.Yield(); return x * 2; }", "42")]
    [InlineData("public static async ValueTask<string> Run(int x) { await Task.Delay(1); return x.ToString(); }", "\"21\"")]
    [InlineData("public static async Task Run(int x) { await Task.Yield(); }", "null")]
    [InlineData("public static ValueTask Run(int x) => ValueTask.CompletedTask;", "null")]
    public void Compile_AsyncEntry_WaitsAndWritesInnerValue(string method, string expected)
    {
        var compiled = Compile($"public static class Later {{ {method} }}", "Later", "Run");

        Assert.Equal(expected, JobRunner.Run(compiled, "[21]"));
    }

    [Fact]
    public void Compile_DynamicAndObjectResults_AreSerializedByRuntimeType()
    {
        var compiled = Compile("public static class Loose { public static object Box(int x) => new { Value = x }; }", "Loose", "Box");

        Assert.Equal("""{"Value":5}""", JobRunner.Run(compiled, "[5]"));
    }

    [Fact]
    public void Invoke_UserThrows_ExceptionPropagatesUnchangedWithSourceLine()
    {
        var compiled = Compile(
            """
            public sealed class QuotaExceededException(string message) : Exception(message);

            public static class Jobs
            {
                public static int Fail(int x)
                {
                    if (x > 0)
                        throw new QuotaExceededException($"quota {x} exceeded");
                    return x;
                }
            }
            """,
            "Jobs", "Fail");

        var error = Assert.ThrowsAny<Exception>(() => JobRunner.Run(compiled, "[3]"));

        Assert.Equal("QuotaExceededException", error.GetType().FullName);
        Assert.Equal("quota 3 exceeded", error.Message);
        Assert.False(JobEntryPointContract.IsArgumentBindingFailure(error));
        Assert.Contains("Job.cs:line 8", error.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_UserThrowsInsideTask_ExceptionIsNotWrapped()
    {
        var compiled = Compile(
            "public static class Jobs { public static async Task<int> Fail(int x) { await Task.Yield(); throw new InvalidOperationException(\"late \" + x); } }",
            "Jobs", "Fail");

        var error = Assert.Throws<InvalidOperationException>(() => JobRunner.Run(compiled, "[1]"));

        Assert.Equal("late 1", error.Message);
    }

    [Fact]
    public void Invoke_UserThrowsArgumentException_IsNotMistakenForBindingFailure()
    {
        var compiled = Compile(
            "public static class Jobs { public static int Check(int x) => x >= 0 ? x : throw new ArgumentOutOfRangeException(nameof(x)); }",
            "Jobs", "Check");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => JobRunner.Run(compiled, "[-1]"));

        Assert.False(JobEntryPointContract.IsArgumentBindingFailure(error));
    }

    [Theory]
    [InlineData("[1, 2]", "Primes.SumPrimes(int n) takes 1 argument(s), but the job passed 2.")]
    [InlineData("[1, {\"a\": [1, 2]}, \"x\"]", "Primes.SumPrimes(int n) takes 1 argument(s), but the job passed 3.")]
    [InlineData("[]", "Primes.SumPrimes(int n) takes 1 argument(s), but the job passed 0.")]
    public void Invoke_WrongArgumentCount_ThrowsBindingError(string arguments, string expected)
    {
        var compiled = Compile(Primes, "Primes", "SumPrimes");

        var error = Assert.Throws<ArgumentException>(() => JobRunner.Run(compiled, arguments));

        Assert.Equal(expected, error.Message);
        Assert.True(JobEntryPointContract.IsArgumentBindingFailure(error));
        Assert.Equal(true, error.Data[JobEntryPointContract.ArgumentBindingDataKey]);
    }

    [Theory]
    [InlineData("[\"ten\"]")]
    [InlineData("[1.5]")]
    [InlineData("[[1]]")]
    public void Invoke_ArgumentOfWrongType_ThrowsBindingErrorNamingTheParameter(string arguments)
    {
        var compiled = Compile(Primes, "Primes", "SumPrimes");

        var error = Assert.Throws<ArgumentException>(() => JobRunner.Run(compiled, arguments));

        Assert.StartsWith("Argument 1 'n' of Primes.SumPrimes(int n) could not be read as int: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(".", error.Message, StringComparison.Ordinal);
        Assert.True(JobEntryPointContract.IsArgumentBindingFailure(error));
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void Invoke_ArgumentsNotAnArray_ThrowsBindingError()
    {
        var compiled = Compile(Primes, "Primes", "SumPrimes");

        var error = Assert.Throws<ArgumentException>(() => JobRunner.Run(compiled, """{"n": 1}"""));

        Assert.Contains("expects its arguments as a JSON array", error.Message, StringComparison.Ordinal);
        Assert.True(JobEntryPointContract.IsArgumentBindingFailure(error));
    }

    [Theory]
    [InlineData("Outer+Inner")]
    [InlineData("Outer.Inner")]
    public void Compile_NestedEntryType_IsFoundWithPlusOrDot(string entryType)
    {
        var compiled = Compile("public static class Outer { public static class Inner { public static int Twice(int x) => 2 * x; } }", entryType, "Twice");

        Assert.Equal("8", JobRunner.Run(compiled, "[4]"));
        Assert.Equal("int Outer.Inner.Twice(int x)", compiled.EntrySignature);
    }

    [Fact]
    public void Compile_PackageUsings_AreGlobal()
    {
        var package = new JobPackage(
            JobPackageKind.Method,
            [new SourceDocument("Job.cs", "public static class R { public static bool Match(string s) => Regex.IsMatch(s, \"^a+$\"); }")],
            "R", "Match", ["System", "System.Text.RegularExpressions"]);

        var compiled = fixture.Compiler.Compile(package, CancellationToken.None);

        Assert.Equal("true", JobRunner.Run(compiled, "[\"aaa\"]"));
    }

    [Fact]
    public void Compile_StoredReference_BindsAndRuns()
    {
        var libraryPackage = Packages.Method("namespace Lib; public static class MathLib { public static int Triple(int x) => 3 * x; }", "Lib.MathLib", "Triple");
        var library = fixture.Compiler.Compile(libraryPackage, CancellationToken.None);
        var reference = new AssemblyReference(
            PackageCompiler.AssemblyNameFor(libraryPackage), Convert.ToHexStringLower(SHA256.HashData(library.Image)), library.Image.Length);
        var path = fixture.Store.Put(reference, library.Image);

        var compiled = fixture.Compiler.Compile(
            Packages.Method("public static class UsesLib { public static int Run(int x) => Lib.MathLib.Triple(x) + 1; }", "UsesLib", "Run", [reference]),
            CancellationToken.None);

        Assert.Equal([reference], compiled.References);
        Assert.Equal("10", JobRunner.Run(compiled, "[3]", new Dictionary<string, string> { [reference.Name] = path }));
    }

    [Fact]
    public void Compile_ReferenceNotInStore_ThrowsFileNotFoundNamingIt()
    {
        var missing = new AssemblyReference("Missing.Lib", new string('a', 64), 1234);

        var error = Assert.Throws<FileNotFoundException>(() => fixture.Compiler.Compile(
            Packages.Method("public static class P { public static int Run() => 1; }", "P", "Run", [missing]), CancellationToken.None));

        Assert.Contains("Missing.Lib", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing.Sha256, error.Message, StringComparison.Ordinal);
        Assert.Equal(missing.Sha256, error.FileName);
    }

    [Fact]
    public void Compile_CanceledToken_Throws()
    {
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => fixture.Compiler.Compile(Packages.Method(Primes, "Primes", "SumPrimes"), canceled.Token));
    }

    [Fact]
    public void WarmUp_AfterFixtureWarmUp_CompletesAgain()
    {
        Assert.True(fixture.WarmUpTime > TimeSpan.Zero);
        Assert.True(fixture.Compiler.WarmUp(CancellationToken.None) > TimeSpan.Zero);
    }
}
