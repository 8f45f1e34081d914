// Parallel Python's classic demo: the sum of all primes below n, for n = 100000, 100100, ..., 100700,
// each computed as a job on the local node's worker processes.
//
// server.Submit(Primes.SumPrimes, n) is all it takes: the ParallelSharp source generator captures SumPrimes and
// IsPrime (the helper it calls) at compile time and ships their source; nothing is listed by hand.
using System.Diagnostics;
using ParallelSharp;

await using var server = new JobServer();
Console.WriteLine($"Starting ParallelSharp with {server.LocalWorkers} local worker(s)");

var stopwatch = Stopwatch.StartNew();
var inputs = Enumerable.Range(0, 8).Select(i => 100_000 + (i * 100)).ToArray();
var jobs = inputs.Select(n => (n, job: server.Submit(Primes.SumPrimes, n))).ToList();
foreach (var (n, job) in jobs)
    Console.WriteLine($"Sum of primes below {n} is {await job}");

// The same function over many inputs at once, results in input order (like Pool.map).
var sums = await server.Map(Primes.SumPrimes, inputs);
Console.WriteLine($"Map gave the same {sums.Count} sums: {sums.SequenceEqual(jobs.Select(j => j.job.Result))}");

Console.WriteLine($"Time elapsed: {stopwatch.Elapsed.TotalSeconds:0.000} s");
server.PrintStatistics();

internal static class Primes
{
    public static bool IsPrime(int n)
    {
        if (n < 2)
            return false;
        for (var d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
                return false;
        }

        return true;
    }

    // Naive trial division on purpose: the work is the point.
    public static long SumPrimes(int n)
    {
        long sum = 0;
        for (var i = 2; i < n; i++)
        {
            if (IsPrime(i))
                sum += i;
        }

        return sum;
    }
}
