// Run-time cost of submitting a captured function against submitting a prebuilt JobSource
// (server.Submit<long>(source, n)): a static method group (server.Submit(Primes.SumPrimes, n)), which finds its
// package by the delegate's method, and a static lambda, whose call site the generator intercepts. All three end in
// the same JobSource overload, so the differences are what capturing adds per call.
//
//   dotnet run -c Release --project bench/ParallelSharp.Generator.Bench
//
// The server has no workers and no nodes: jobs only queue, so the loop times Submit itself, not the jobs.
using System.Diagnostics;
using ParallelSharp;

const int Calls = 20_000;
const int Rounds = 21;
var source = JobSource.FromCode(Primes.Code, "Bench.Primes.SumPrimes");
Action<JobServer, int>[] paths = [SubmitMethodGroup, SubmitLambda, SubmitSource];
var times = paths.Select(_ => new List<double>()).ToArray();
for (var round = 0; round <= Rounds; round++)
{
    // Rotate which path goes first, so warm-up and machine drift favour none; round 0 is warm-up only.
    for (var k = 0; k < paths.Length; k++)
    {
        var path = (round + k) % paths.Length;
        var time = Time(paths[path]);
        if (round > 0)
            times[path].Add(time);
    }
}

static double Median(IEnumerable<double> values) => values.Order().ElementAt((values.Count() - 1) / 2);
var medians = times.Select(Median).ToArray();
// Each round times all three paths back to back: the median of the per-round differences cancels the drift from one
// round to the next (garbage collections, other load) that the separate medians keep.
var pairedMethodGroup = Median(times[0].Zip(times[2], (a, b) => a - b));
var pairedLambda = Median(times[1].Zip(times[2], (a, b) => a - b));
Console.WriteLine($"Submit, static method group (found by method): median {medians[0]:0.000} µs/call over {Rounds} rounds of {Calls:N0}");
Console.WriteLine($"Submit, static lambda (interceptor):           median {medians[1]:0.000} µs/call");
Console.WriteLine($"Submit, prebuilt JobSource:                    median {medians[2]:0.000} µs/call");
Console.WriteLine($"Overhead, method group:                        {medians[0] - medians[2]:+0.000;-0.000} µs/call (median of paired differences {pairedMethodGroup:+0.000;-0.000})");
Console.WriteLine($"Overhead, lambda:                              {medians[1] - medians[2]:+0.000;-0.000} µs/call (median of paired differences {pairedLambda:+0.000;-0.000})");

static double Time(Action<JobServer, int> submit)
{
    // Start each timing with an empty heap, so no path pays for the garbage of the one before.
    GC.Collect();
    GC.WaitForPendingFinalizers();
    using var server = new JobServer(new JobServerOptions { LocalWorkers = 0, NoNodeTimeout = TimeSpan.FromHours(1) });
    var stopwatch = Stopwatch.StartNew();
    for (var i = 0; i < Calls; i++)
        submit(server, i);
    return stopwatch.Elapsed.TotalMicroseconds / Calls;
}

static void SubmitMethodGroup(JobServer server, int n) => server.Submit(Primes.SumPrimes, n);

static void SubmitLambda(JobServer server, int n) => server.Submit(static (int x) => Primes.SumPrimes(x), n);

void SubmitSource(JobServer server, int n) => server.Submit<long>(source, n);

internal static class Primes
{
    public const string Code = """
        namespace Bench;

        public static class Primes
        {
            public static long SumPrimes(int n) => n;
        }
        """;

    public static long SumPrimes(int n) => n;
}
