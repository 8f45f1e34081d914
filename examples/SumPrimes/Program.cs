// Parallel Python's classic demo: the sum of all primes below n, for n = 100000, 100100, ..., 100700,
// each computed as a job on the local node's worker processes.
using System.Diagnostics;
using ParallelSharp;

const string code = """
    namespace Demo;

    public static class Primes
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
    """;

await using var server = new JobServer();
Console.WriteLine($"Starting ParallelSharp with {server.LocalWorkers} local worker(s)");
var sumPrimes = JobSource.FromCode(code, "Demo.Primes.SumPrimes");

var stopwatch = Stopwatch.StartNew();
var inputs = Enumerable.Range(0, 8).Select(i => 100_000 + i * 100).ToArray();
var jobs = inputs.Select(n => (n, job: server.Submit<long>(sumPrimes, n))).ToList();
foreach (var (n, job) in jobs)
    Console.WriteLine($"Sum of primes below {n} is {await job}");

Console.WriteLine($"Time elapsed: {stopwatch.Elapsed.TotalSeconds:0.000} s");
server.PrintStatistics();
