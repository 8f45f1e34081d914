using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>What the generator captures: the closure's contents, the usings, the assemblies, and the generated code's validity.</summary>
public sealed class GeneratorClosureTests
{
    private const string Primes = """
        using System.Text;
        using ParallelSharp;
        namespace MyApp;

        public static class Primes
        {
            private const int Start = 2;
            public static bool IsPrime(int n)
            {
                for (var d = 2; d * d <= n; d++)
                    if (n % d == 0) return false;
                return n >= Start;
            }

            public static long SumPrimes(int n)
            {
                long sum = 0;
                for (var i = Start; i < n; i++)
                    if (IsPrime(i)) sum += i;
                return sum;
            }

            public static void Unrelated(JobServer server) => System.Console.WriteLine(server);
        }
        """;

    private static string Caller(string call) => $$"""
        using ParallelSharp;
        namespace MyApp;

        public static class Caller
        {
            public static object Run(JobServer server) => {{call}};
        }
        """;

    [Fact]
    public void Generate_MethodGroup_ShipsMethodAndItsHelpersOnly()
    {
        var result = GeneratorHarness.Run(("/src/Primes.cs", Primes), ("/src/Caller.cs", Caller("server.Submit(Primes.SumPrimes, 10)")));

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.OutputErrors);
        var document = Packages.Single(result.Generated);
        Assert.Contains("public static long SumPrimes(int n)", document, StringComparison.Ordinal);
        Assert.Contains("public static bool IsPrime(int n)", document, StringComparison.Ordinal);
        Assert.Contains("private const int Start = 2;", document, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrelated", document, StringComparison.Ordinal);
        Assert.DoesNotContain("using ParallelSharp;", document, StringComparison.Ordinal);
        Assert.Contains("using System.Text;", document, StringComparison.Ordinal);
        Assert.DoesNotContain("class Caller", document, StringComparison.Ordinal);
        var package = Assert.Single(Packages.Read(result.Generated));
        Assert.Equal(("MyApp.Primes", "SumPrimes"), (package.EntryType, package.EntryMethod));
    }

    [Fact]
    public void Generate_HelpersAcrossFilesAndTypes_ShipsEachFileItNeeds()
    {
        const string helpers = """
            namespace MyApp.Helpers;

            public static class Squares
            {
                public static readonly int[] Table = [0, 1, 4, 9, 16];
                public static int Of(int x) => x < Table.Length ? Table[x] : x * x;
                public static int NotUsed() => 42;
            }
            """;
        const string job = """
            using System.Linq;
            using MyApp.Helpers;
            namespace MyApp;

            public static class Job
            {
                public static int SumOfSquares(int n) => Enumerable.Range(0, n).Sum(Squares.Of);
            }
            """;
        var result = GeneratorHarness.Run(("/src/Helpers.cs", helpers), ("/src/Job.cs", job), ("/src/Caller.cs", Caller("server.Submit(Job.SumOfSquares, 10)")));

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.OutputErrors);
        Assert.Equal(["Helpers.cs", "Job.cs"], Assert.Single(Packages.Read(result.Generated)).Documents.Select(d => d.Path));
        Assert.Contains("public static readonly int[] Table", result.Generated, StringComparison.Ordinal);
        Assert.DoesNotContain("NotUsed", result.Generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_RecordUsedAsValue_ShipsItsInstanceSideAndOperators()
    {
        const string types = """
            using System.Linq;
            namespace MyApp;

            public sealed record Money(decimal Amount, string Currency)
            {
                public static Money Zero(string currency) => new(0, currency);
                public static Money operator +(Money a, Money b) => a with { Amount = a.Amount + b.Amount };
                public string Display => $"{Amount} {Currency}";
                public static string Unused() => "x";
            }

            public static class Bank
            {
                public static Money Total(Money[] items) => items.Aggregate((a, b) => a + b);
            }
            """;
        var result = GeneratorHarness.Run(("/src/Money.cs", types), ("/src/Caller.cs", Caller("server.Submit(Bank.Total, new Money[0])")));

        Assert.Empty(result.Diagnostics);
        var document = Packages.Single(result.Generated);
        Assert.Contains("record Money(decimal Amount, string Currency)", document, StringComparison.Ordinal);
        Assert.Contains("operator +", document, StringComparison.Ordinal);
        Assert.Contains("Display", document, StringComparison.Ordinal);
        Assert.DoesNotContain("Unused", document, StringComparison.Ordinal);
        Assert.DoesNotContain("Zero", document, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_ThirdPartyAssembly_RecordsItWithTypeofAnchor()
    {
        const string job = """
            namespace MyApp;

            public static class Jobs
            {
                public static string Pretty(string json) => Newtonsoft.Json.Linq.JToken.Parse(json).ToString();
            }
            """;
        var result = GeneratorHarness.Run(("/src/Jobs.cs", job), ("/src/Caller.cs", Caller("server.Submit(Jobs.Pretty, \"{}\")")));

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.OutputErrors);
        Assert.Contains("typeof(global::Newtonsoft.Json.Linq.JToken).Assembly", result.Generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_GlobalUsings_KeepsOnlyThoseTheNodeCanResolve()
    {
        const string usings = """
            global using System.Text;
            global using MyApp.Unshipped;
            global using Newtonsoft.Json;
            """;
        const string unshipped = "namespace MyApp.Unshipped; public static class Nothing { }";
        var result = GeneratorHarness.Run(("/src/Usings.cs", usings), ("/src/Unshipped.cs", unshipped), ("/src/Primes.cs", Primes),
            ("/src/Caller.cs", Caller("server.Submit(Primes.SumPrimes, 10)")));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["System.Text"], Assert.Single(Packages.Read(result.Generated)).Usings);
    }

    [Fact]
    public void Generate_PreprocessorBranches_ShipsOnlyTheActiveCodeWithoutDirectives()
    {
        const string job = """
            namespace MyApp;

            public static class Jobs
            {
                public static int Mode(int x)
                {
            #if SOMETHING_UNDEFINED
                    return x + 1;
            #else
                    return x - 1;
            #endif
                }
            }
            """;
        var result = GeneratorHarness.Run(("/src/Jobs.cs", job), ("/src/Caller.cs", Caller("server.Submit(Jobs.Mode, 1)")));

        var document = Packages.Single(result.Generated);
        Assert.Contains("return x - 1;", document, StringComparison.Ordinal);
        Assert.DoesNotContain("return x + 1;", document, StringComparison.Ordinal);
        Assert.DoesNotContain("#if", document, StringComparison.Ordinal);
        Assert.DoesNotContain("#endif", document, StringComparison.Ordinal);
        Assert.StartsWith("#nullable enable", document, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_StaticLambda_InjectsItIntoTheEnclosingTypeWithInferredTypes()
    {
        var result = GeneratorHarness.Run(("/src/Primes.cs", Primes), ("/src/Caller.cs", Caller("server.Submit(static x => Primes.SumPrimes(x) * 2, 10)")));

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.OutputErrors);
        var caller = Packages.All(result.Generated).Single(d => d.Contains("class Caller", StringComparison.Ordinal));
        Assert.Contains("internal static long PshLambda_", caller, StringComparison.Ordinal);
        Assert.Contains("(int x)", caller, StringComparison.Ordinal);
        Assert.DoesNotContain("public static object Run", caller, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_TopLevelStatementsWithLocalFunctions_InjectsThemIntoAClass()
    {
        const string program = """
            using System.Linq;
            using ParallelSharp;

            var server = new JobServer();
            var job = server.Submit(SumSquares, 10);

            static int Square(int x) => x * x;
            static int SumSquares(int n) => Enumerable.Range(1, n).Sum(Square);
            """;
        var compilation = GeneratorHarness.Compile(("/src/Program.cs", program));
        var exe = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
        GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(exe, out var output, out var diagnostics);
        var generated = output.SyntaxTrees.Last().ToString();

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var document = Packages.Single(generated);
        Assert.Contains("internal static class PshTopLevel", document, StringComparison.Ordinal);
        Assert.Contains("internal static int Square(int x)", document, StringComparison.Ordinal);
        Assert.Contains("internal static int SumSquares(int n)", document, StringComparison.Ordinal);
        Assert.DoesNotContain("new JobServer()", document, StringComparison.Ordinal);
        var package = Assert.Single(Packages.Read(generated));
        Assert.Equal(("PshTopLevel", "SumSquares"), (package.EntryType, package.EntryMethod));
    }

    [Fact]
    public void Generate_PrivateEntryMethod_MakesItInternalInThePackage()
    {
        const string job = """
            using ParallelSharp;
            namespace MyApp;

            public static class Jobs
            {
                private static int Secret(int x) => x + 1;
                public static object Run(JobServer server) => server.Submit(Secret, 1);
            }
            """;
        var result = GeneratorHarness.Run(("/src/Jobs.cs", job));

        Assert.Empty(result.Diagnostics);
        Assert.Contains("internal static int Secret(int x)", Packages.Single(result.Generated), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_SameFunctionAtManyCallSites_SharesOnePackage()
    {
        var result = GeneratorHarness.Run(("/src/Primes.cs", Primes),
            ("/src/Caller.cs", Caller("(server.Submit(Primes.SumPrimes, 1), server.Submit(Primes.SumPrimes, 2), server.Map(Primes.SumPrimes, new[] { 3 }))")));

        Assert.Empty(result.OutputErrors);
        Assert.Single(Packages.All(result.Generated));
        Assert.Single(Packages.Read(result.Generated));
        // A static method is found by its method at run time, whichever call site passes it: one entry, no interceptor.
        Assert.Contains("s_byMethod = { 0 }", result.Generated, StringComparison.Ordinal);
        Assert.DoesNotContain("InterceptsLocation(1,", result.Generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_NoCallSites_WritesNothing()
    {
        var result = GeneratorHarness.Run(("/src/Primes.cs", Primes));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(string.Empty, result.Generated);
    }

    /// <summary>Reads the captured packages back out of the generated file's tables.</summary>
    private static class Packages
    {
        /// <summary>Every captured document's text (shared texts once).</summary>
        public static List<string> All(string generated) => Table(generated, "s_texts").Select(e => (string)e.GetFirstToken().Value!).ToList();

        public static string Single(string generated) => Assert.Single(All(generated));

        /// <summary>Every package as its row decodes: entry, usings and (path, text) documents.</summary>
        public static List<Package> Read(string generated)
        {
            var texts = All(generated);
            var names = Table(generated, "s_names").Select(e => (string)e.GetFirstToken().Value!).ToList();
            var layout = Table(generated, "s_layout").Select(e => int.Parse(e.ToString(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var packages = new List<Package>();
            foreach (var start in Table(generated, "s_starts").Select(e => int.Parse(e.ToString(), System.Globalization.CultureInfo.InvariantCulture)))
            {
                var at = start + 4;
                var usings = layout.Skip(at).Take(layout[start + 3]).Select(i => names[i]).ToList();
                at += usings.Count;
                var documents = Enumerable.Range(0, layout[at]).Select(d => (names[layout[at + 1 + (2 * d)]], texts[layout[at + 2 + (2 * d)]])).ToList();
                packages.Add(new Package(names[layout[start]], names[layout[start + 1]], usings, documents));
            }

            return packages;
        }

        private static IEnumerable<Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax> Table(string generated, string name) =>
            CSharpSyntaxTree.ParseText(generated).GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax>()
                .Where(v => v.Identifier.ValueText == name)
                .SelectMany(v => ((Microsoft.CodeAnalysis.CSharp.Syntax.InitializerExpressionSyntax)v.Initializer!.Value).Expressions);
    }

    private sealed record Package(string EntryType, string EntryMethod, List<string> Usings, List<(string Path, string Text)> Documents);
}
