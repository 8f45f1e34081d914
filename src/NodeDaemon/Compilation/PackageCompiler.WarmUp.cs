using System.Diagnostics;

namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>Warm-up: compile packages shaped like real jobs so the first real compile is fast.</summary>
internal sealed partial class PackageCompiler
{
    // A class with a record, generics, LINQ, async and string formatting: the code paths real jobs use, so that
    // Roslyn's binder, emitter and the framework metadata they touch are jitted and loaded before a job arrives.
    private const string WarmUpSource = """
        namespace ParallelSharp.WarmUp;

        public sealed record Sample(string Name, int Value, double Weight);

        public static class WarmUpJob
        {
            public static async Task<Dictionary<string, double>> Run(List<Sample> samples, string prefix, int[] extra)
            {
                await Task.Yield();
                var totals = samples
                    .Where(s => s.Value > 0)
                    .GroupBy(s => s.Name.ToUpperInvariant())
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => $"{prefix}:{g.Key}", g => g.Sum(s => s.Value * s.Weight));
                var text = new StringBuilder();
                foreach (var (key, total) in totals)
                    text.AppendFormat(CultureInfo.InvariantCulture, "{0}={1:F2};", key, total);
                totals["length"] = text.Length + extra.Select(x => (long)x).Sum() + Enumerable.Range(0, 10).Aggregate(0, (a, b) => a + b);
                return totals;
            }
        }
        """;

    private static readonly JobPackage s_warmUpPackage = new(
        JobPackageKind.Method,
        [new SourceDocument("WarmUp.cs", WarmUpSource)],
        "ParallelSharp.WarmUp.WarmUpJob",
        "Run",
        [.. JobSource.DefaultUsings, "System.Globalization"]);

    private static readonly JobPackage s_warmUpLambda = new(
        JobPackageKind.Lambda,
        [new SourceDocument("WarmUp.Lambda.cs", "(string s, int n) => string.Concat(Enumerable.Repeat(s, n)).Length * 2L")],
        string.Empty,
        string.Empty,
        JobSource.DefaultUsings);

    /// <summary>
    /// Compiles a method package and a lambda package shaped like real jobs and discards them, so Roslyn is loaded and
    /// jitted before the first real job: that one then compiles in tens of milliseconds instead of about a second.
    /// </summary>
    /// <remarks>CPU-bound and synchronous: run it in the background at node start, while the workers start.</remarks>
    /// <returns>How long the warm-up took.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public TimeSpan WarmUp(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Compile(s_warmUpPackage, cancellationToken);
        Compile(s_warmUpLambda, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Log.CompilerWarmedUp(_logger, elapsed.TotalMilliseconds);
        return elapsed;
    }
}
