using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>
/// The interceptors' signatures: the call's type arguments written out where the generated file can name them (a
/// non-generic method is cheaper to compile), the overload's type parameters where it cannot; valid and free of
/// warnings either way.
/// </summary>
public sealed class GeneratorInterceptorTests
{
    [Fact]
    public void NameableTypeArguments_AreWrittenOut_WithoutNullableAnnotations()
    {
        const string source = """
            using System.Collections.Generic;
            using ParallelSharp;
            namespace MyApp;

            public record Point(int X, int Y);

            internal static class Geometry
            {
                public static Point Shift(Point p) => p with { X = p.X + 1 };

                // Overloaded, so intercepted: a static method with a name of its own is found by its method instead.
                public static Point Shift(Point p, int by) => p with { X = p.X + by };
            }

            public static class Program
            {
                public static object[] Run(JobServer server) =>
                [
                    server.Submit(static (string? s) => s is null ? 0 : s.Length, (string?)null),
                    server.Submit(Geometry.Shift, new Point(1, 2)),
                    server.Map(static ((int A, string B) t) => t.A, new[] { (A: 1, B: "x") }),
                    server.Submit(static (int? x, List<Point> points) => (x ?? 0) + points.Count, (int?)3, new List<Point>()),
                    server.MapUnordered(static (int[] xs) => xs.Length, new[] { new[] { 1 } }),
                ];
            }
            """;
        var result = GenerateValid(source);
        var interceptors = Interceptors(result.Generated);
        Assert.DoesNotContain("<T1", interceptors, StringComparison.Ordinal);
        Assert.DoesNotContain("<TArg", interceptors, StringComparison.Ordinal);
        Assert.Contains("Submit0(this global::ParallelSharp.JobServer server, global::System.Func<string, int> function, string arg1)", result.Generated, StringComparison.Ordinal);
        Assert.Contains("Submit1(this global::ParallelSharp.JobServer server, global::System.Func<global::MyApp.Point, global::MyApp.Point> function, global::MyApp.Point arg1)", result.Generated, StringComparison.Ordinal);
        Assert.Contains("global::System.Func<(int A, string B), int> function, global::System.Collections.Generic.IEnumerable<(int A, string B)> inputs", result.Generated, StringComparison.Ordinal);
        Assert.Contains("global::System.Func<int?, global::System.Collections.Generic.List<global::MyApp.Point>, int> function, int? arg1", result.Generated, StringComparison.Ordinal);
        Assert.Contains("Send.MapUnordered<int[], int>(server, 4, ", result.Generated, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeArgumentsTheGeneratedFileCannotName_KeepTheGenericInterceptor()
    {
        const string source = """
            using ParallelSharp;
            namespace MyApp;

            file record Hidden(int V);

            file static class Files
            {
                public static int Open(Hidden h) => h.V;
            }

            public static class Outer
            {
                private sealed record Secret(int V);

                private static int Read(Secret s) => s.V;

                private static int Read(Secret s, int k) => s.V + k;

                public static object[] Run(JobServer server) =>
                [
                    server.Submit(Read, new Secret(1)),
                    server.Submit(Files.Open, new Hidden(2)),
                    server.Submit(static (int x) => x + 1, 3),
                ];
            }
            """;
        var result = GenerateValid(source);
        Assert.Contains("Submit0<T1, TResult>(this global::ParallelSharp.JobServer server, global::System.Func<T1, TResult> function, T1 arg1)", result.Generated, StringComparison.Ordinal);
        Assert.Contains("Submit1<T1, TResult>(this global::ParallelSharp.JobServer server, global::System.Func<T1, TResult> function, T1 arg1)", result.Generated, StringComparison.Ordinal);
        Assert.Contains("Submit2(this global::ParallelSharp.JobServer server, global::System.Func<int, int> function, int arg1)", result.Generated, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", Interceptors(result.Generated), StringComparison.Ordinal);
    }

    [Fact]
    public void InstanceMethodWithReceiver_AndOptions_WrittenOut()
    {
        const string source = """
            using ParallelSharp;
            namespace MyApp;

            public sealed class Series
            {
                public double Scale { get; set; } = 2;

                public double Times(double x) => x * Scale;
            }

            public static class Program
            {
                public static Job<double> Run(JobServer server, Series series) =>
                    server.Submit(series.Times, 1.5, new JobOptions(), callback: null, cancellationToken: default);
            }
            """;
        var result = GenerateValid(source);
        Assert.Contains("global::System.Func<double, double> function, double arg1, global::ParallelSharp.JobOptions options, global::System.Action<global::ParallelSharp.Job<double>> callback", result.Generated, StringComparison.Ordinal);
        Assert.Contains("Send.SubmitWithOptions<double>(server, 0, new object[] { function.Target, arg1 }, options, callback, cancellationToken)", result.Generated, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeFromAReferenceWithOnlyAnExternAlias_IsPsh0006_AndTheRestStillCompiles()
    {
        const string source = """
            extern alias nj;
            using ParallelSharp;
            namespace MyApp;

            public static class Program
            {
                public static int Count(nj::Newtonsoft.Json.Linq.JArray items) => items.Count;

                public static object[] Run(JobServer server) =>
                [
                    server.Submit(Count, new nj::Newtonsoft.Json.Linq.JArray()),
                    server.Submit(static (int x) => x + 1, 3),
                ];
            }
            """;
        var compilation = GeneratorHarness.Compile(("/src/Program.cs", source));
        var newtonsoft = compilation.References.Single(r => r.Display?.EndsWith("Newtonsoft.Json.dll", StringComparison.Ordinal) == true);
        var result = GeneratorHarness.Run(compilation.ReplaceReference(newtonsoft, newtonsoft.WithAliases(["nj"])));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("PSH0006", diagnostic.Id);
        Assert.Contains("extern alias 'nj'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(source.IndexOf("Count, new", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
        Assert.Empty(result.OutputErrors);
        Assert.Empty(result.GeneratedWarnings);
        var interceptors = Interceptors(result.Generated);
        Assert.DoesNotContain("Newtonsoft", result.Generated, StringComparison.Ordinal);
        Assert.Contains("Submit0(this global::ParallelSharp.JobServer server, global::System.Func<int, int> function, int arg1)", interceptors, StringComparison.Ordinal);
    }

    [Fact]
    public void StaticMethodGroups_AreFoundByTheirMethod_WithNoInterceptorToCompile()
    {
        const string source = """
            using System.Threading.Tasks;
            using ParallelSharp;
            namespace MyApp;

            public static class Jobs
            {
                public static int Square(int x) => x * x;
                public static async Task<string> EchoAsync(string s) { await Task.Yield(); return s; }
                internal static class Nested
                {
                    public static long Twice(long x) => 2 * x;
                }
            }

            public static class Program
            {
                public static object[] Run(JobServer server) =>
                [
                    server.Submit(Jobs.Square, 2),
                    server.Submit(Jobs.Square, 3, new JobOptions { Group = "g" }),
                    server.Map(Jobs.Square, new[] { 4 }),
                    server.MapUnordered(Jobs.Nested.Twice, new[] { 5L }),
                    server.Submit(Jobs.EchoAsync, "x"),
                ];
            }
            """;
        var result = GenerateValid(source);
        Assert.DoesNotContain("InterceptsLocation", result.Generated, StringComparison.Ordinal);
        Assert.DoesNotContain("class Interceptors", result.Generated, StringComparison.Ordinal);
        Assert.Contains("s_byMethod = { 0, 1, 2 }", result.Generated, StringComparison.Ordinal);
        Assert.Contains("CapturedFunctions.Register(typeof(Packages).Module, Find)", result.Generated, StringComparison.Ordinal);
        // The run time looks the package up by Type.FullName, which writes a nested type's name with '+'.
        Assert.Contains("\"MyApp.Jobs+Nested\"", result.Generated, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionsTheRunTimeCannotFindByMethod_KeepTheirInterceptors()
    {
        const string source = """
            using ParallelSharp;
            namespace MyApp;

            public sealed record Series(int Scale)
            {
                public int Times(int x) => Scale * x;
            }

            public static class Extensions
            {
                public static int Plus(this Series s, int x) => s.Scale + x;
            }

            public static class Jobs
            {
                public static int Square(int x) => x * x;
                public static int Pick(int x) => x;
                public static int Pick(int x, int y) => y;
                public static T Same<T>(T x) => x;
            }

            public static class Program
            {
                public static object[] Run(JobServer server)
                {
                    var series = new Series(3);
                    static int Local(int x) => x - 1;
                    return
                    [
                        server.Submit(Jobs.Square, 1),
                        server.Submit(Jobs.Pick, 2),
                        server.Submit(Jobs.Same<int>, 3),
                        server.Submit(series.Times, 4),
                        server.Submit(series.Plus, 5),
                        server.Submit(Local, 6),
                        server.Submit(static (int x) => x, 7),
                    ];
                }
            }
            """;
        var result = GenerateValid(source);
        // Only Jobs.Square is found by its method: overloaded, generic, bound to an object, local, or a lambda, the
        // others are told apart at their call sites.
        Assert.Contains("s_byMethod = { 0 }", result.Generated, StringComparison.Ordinal);
        Assert.Equal(6, result.Generated.Split("[global::System.Runtime.CompilerServices.InterceptsLocation(").Length - 1);
    }

    /// <summary>Runs the generator; the call sites must ship, and the generated code compile without errors or warnings.</summary>
    private static GeneratorHarness.Result GenerateValid(string source)
    {
        var result = GeneratorHarness.Run(("/src/Program.cs", source));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.OutputErrors);
        Assert.Empty(result.GeneratedWarnings);
        return result;
    }

    private static string Interceptors(string generated) =>
        generated[generated.IndexOf("file static class Interceptors", StringComparison.Ordinal)..];
}
