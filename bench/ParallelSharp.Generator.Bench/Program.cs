// Run-time cost of submitting a captured function (server.Submit(Primes.SumPrimes, n), through the generated
// interceptor) against submitting a prebuilt JobSource (server.Submit<long>(source, n)). Both end in the same
// JobSource overload, so the difference is what the generator adds per call.
//
//   dotnet run -c Release --project bench/ParallelSharp.Generator.Bench
//
// The server has no workers and no nodes: jobs only queue, so the loop times Submit itself, not the jobs.
using System.Diagnostics;
using ParallelSharp;

const int Calls = 20_000;
const int Rounds = 9;
var source = JobSource.FromCode(Primes.Code, "Bench.Primes.SumPrimes");
var captured = new List<double>();
var handWritten = new List<double>();
for (var round = 0; round <= Rounds; round++)
{
    // Alternate which path goes first, so warm-up and queue growth favour neither; round 0 is warm-up only.
    var first = round % 2 == 0;
    var a = first ? Time(SubmitCaptured) : 0;
    var b = Time(SubmitSource);
    if (!first)
        a = Time(SubmitCaptured);
    if (round == 0)
        continue;
    captured.Add(a);
    handWritten.Add(b);
}

captured.Sort();
handWritten.Sort();
var capturedMedian = captured[captured.Count / 2];
var sourceMedian = handWritten[handWritten.Count / 2];
Console.WriteLine($"Submit, captured delegate (interceptor): median {capturedMedian:0.000} µs/call over {Rounds} rounds of {Calls:N0}");
Console.WriteLine($"Submit, prebuilt JobSource:              median {sourceMedian:0.000} µs/call");
Console.WriteLine($"Overhead of the captured path:           {capturedMedian - sourceMedian:+0.000;-0.000} µs/call");

static double Time(Action<JobServer, int> submit)
{
    using var server = new JobServer(new JobServerOptions { LocalWorkers = 0, NoNodeTimeout = TimeSpan.FromHours(1) });
    var stopwatch = Stopwatch.StartNew();
    for (var i = 0; i < Calls; i++)
        submit(server, i);
    return stopwatch.Elapsed.TotalMicroseconds / Calls;
}

void SubmitCaptured(JobServer server, int n) => server.Submit(Primes.SumPrimes, n);

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
