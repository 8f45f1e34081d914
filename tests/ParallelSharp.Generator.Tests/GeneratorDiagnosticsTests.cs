using Microsoft.CodeAnalysis;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>What cannot ship is a compile-time diagnostic with an id, at the function argument of the call, and no interceptor.</summary>
public sealed class GeneratorDiagnosticsTests
{
    private static string Program(string members, string body) => $$"""
        using ParallelSharp;
        namespace MyApp;

        public class Program
        {
        {{members}}
            public object Run(JobServer server)
            {
        {{body}}
            }
        }
        """;

    internal static Diagnostic Single(string source, string id, string marker)
    {
        var result = GeneratorHarness.Run(("/src/Program.cs", source));
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        // Located at the function argument, in the user's own tree (so #pragma and .editorconfig apply).
        var start = source.IndexOf(marker, StringComparison.Ordinal);
        Assert.Equal(start, diagnostic.Location.SourceSpan.Start);
        Assert.Same(result.Input.SyntaxTrees.Single(), diagnostic.Location.SourceTree);
        Assert.DoesNotContain("InterceptsLocation(1,", result.Generated, StringComparison.Ordinal);
        return diagnostic;
    }

    [Fact]
    public void Lambda_CapturingLocal_ReportsPsh0001()
    {
        var source = Program(string.Empty, "        var factor = 3;\n        return server.Submit((int x) => x * factor, 2);");
        var diagnostic = Single(source, "PSH0001", "(int x) => x * factor");
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("'factor'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("'int factor'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lambda_UsingThis_ReportsPsh0002()
    {
        var source = Program("    private int _offset = 1;\n", "        return server.Submit((int x) => x + _offset, 2);");
        var diagnostic = Single(source, "PSH0002", "(int x) => x + _offset");
        Assert.Contains("_offset", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void InstanceMethod_ReceiverWithPrivateState_ReportsPsh0003()
    {
        const string source = """
            using ParallelSharp;
            namespace MyApp;

            public sealed class Counter
            {
                private int _count = 5;
                public int Add(int x) => _count + x;
            }

            public static class Program
            {
                public static object Run(JobServer server, Counter counter) => server.Submit(counter.Add, 1);
            }
            """;
        var diagnostic = Single(source, "PSH0003", "counter.Add");
        Assert.Contains("'_count'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void GenericCaller_OpenTypeParameter_ReportsPsh0004()
    {
        const string source = """
            using ParallelSharp;
            namespace MyApp;

            public static class Program
            {
                public static T Echo<T>(T value) => value;
                public static object Run<T>(JobServer server, T value) => server.Submit(Echo<T>, value);
            }
            """;
        var diagnostic = Single(source, "PSH0004", "Echo<T>, value");
        Assert.Contains("'T'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Helper_CallingDllImport_ReportsPsh0005()
    {
        const string source = """
            using System.Runtime.InteropServices;
            using ParallelSharp;
            namespace MyApp;

            public static class Native
            {
                [DllImport("libc")]
                private static extern int getpid();
                public static int Pid(int x) => getpid() + x;
            }

            public static class Program
            {
                public static object Run(JobServer server) => server.Submit(Native.Pid, 1);
            }
            """;
        var diagnostic = Single(source, "PSH0005", "Native.Pid");
        Assert.Contains("getpid", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("DllImport", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Helper_PartialMethodFromAnotherGenerator_ReportsPsh0006()
    {
        const string source = """
            using ParallelSharp;
            namespace MyApp;

            public static partial class Patterns
            {
                public static partial bool IsWord(string text);
                public static bool Check(string text) => IsWord(text);
            }

            public static class Program
            {
                public static object Run(JobServer server) => server.Submit(Patterns.Check, "x");
            }
            """;
        var result = GeneratorHarness.Run(("/src/Program.cs", source));
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id.StartsWith("PSH", StringComparison.Ordinal));
        Assert.Equal("PSH0006", diagnostic.Id);
        Assert.Contains("IsWord", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void DelegateVariable_ReportsPsh0007Warning()
    {
        var source = Program(string.Empty, "        System.Func<int, int> f = x => x;\n        return server.Submit(f, 2);");
        var diagnostic = Single(source, "PSH0007", "f, 2)");
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("JobSource", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Map_InstanceMethod_ReportsPsh0008()
    {
        const string source = """
            using ParallelSharp;
            namespace MyApp;

            public sealed class Scaler
            {
                public int Factor { get; set; }
                public int Scale(int x) => x * Factor;
            }

            public static class Program
            {
                public static object Run(JobServer server, Scaler scaler) => server.Map(scaler.Scale, new[] { 1, 2 });
            }
            """;
        Single(source, "PSH0008", "scaler.Scale");
    }

    [Fact]
    public void AsyncLambda_ReturningTaskOfValue_InterceptsOverloadThatAwaits()
    {
        var source = Program(string.Empty, "        return server.Submit(static async (int x) => { await System.Threading.Tasks.Task.Yield(); return x; }, 2);");
        var result = GeneratorHarness.Run(("/src/Program.cs", source));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.OutputErrors);
        Assert.Contains("global::System.Func<int, global::System.Threading.Tasks.Task<int>> function", result.Generated, StringComparison.Ordinal);
        Assert.Contains("Send.Submit<int>(server, 0, ", result.Generated, StringComparison.Ordinal);
    }

    [Fact]
    public void MethodGroupsReturningTaskAndValueTask_CapturedForSubmitMapAndMapUnordered()
    {
        const string source = """
            using System.Threading.Tasks;
            using ParallelSharp;
            namespace MyApp;

            public static class Downloads
            {
                public static async Task<string> FetchAsync(string url) { await Task.Yield(); return url; }
                public static async ValueTask<int> LengthAsync(string url) { await Task.Yield(); return url.Length; }
            }

            public static class Program
            {
                public static Job<string> Fetch(JobServer server) => server.Submit(Downloads.FetchAsync, "a");
                public static Job<int> Length(JobServer server) => server.Submit(Downloads.LengthAsync, "a", new JobOptions());
                public static Task<System.Collections.Generic.IReadOnlyList<int>> Lengths(JobServer server) => server.Map(Downloads.LengthAsync, new[] { "a" });
                public static System.Collections.Generic.IAsyncEnumerable<(int Index, string Result)> All(JobServer server) => server.MapUnordered(Downloads.FetchAsync, new[] { "a" });
            }
            """;
        var result = GeneratorHarness.Run(("/src/Program.cs", source));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.OutputErrors);
        // Static methods: found by their method at run time (the Task and ValueTask overloads unwrap the result).
        Assert.Equal(0, CountOf(result.Generated, "[global::System.Runtime.CompilerServices.InterceptsLocation("));
        Assert.Contains("s_byMethod = { 0, 1 }", result.Generated, StringComparison.Ordinal);
    }

    [Fact]
    public void AsyncFunction_ReturningTaskWithoutValue_ReportsPsh0009()
    {
        var source = Program(string.Empty, "        return server.Submit(static async (int x) => { await System.Threading.Tasks.Task.Yield(); }, 2);");
        var diagnostic = Single(source, "PSH0009", "static async (int x)");
        Assert.Contains("returns Task,", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("Task<T>", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ExplicitTypeArgumentsMakingTaskTheResult_ReportsPsh0009()
    {
        var source = Program(
            "    public static System.Threading.Tasks.Task<int> TwiceAsync(int x) => System.Threading.Tasks.Task.FromResult(x * 2);\n",
            "        return server.Submit<int, System.Threading.Tasks.Task<int>>(TwiceAsync, 1);");
        var diagnostic = Single(source, "PSH0009", "TwiceAsync, 1");
        Assert.Contains("Task<int>", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("type arguments", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
