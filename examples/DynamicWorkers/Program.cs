// pp's dynamic_ncpus example: the same set of jobs run with 1, 2, ... workers (up to the CPU count),
// changing the worker count of one running server with SetLocalWorkers (pp's set_ncpus).
using System.Diagnostics;
using ParallelSharp;

const string code = """
    public static class Work
    {
        public static double PartialPi(int start, int count)
        {
            var sum = 0.0;
            for (var k = start; k < start + count; k++)
                sum += (k % 2 == 0 ? 4.0 : -4.0) / (2.0 * k + 1.0);
            return sum;
        }
    }
    """;

const int Jobs = 32;
const int TermsPerJob = 4_000_000;

await using var server = new JobServer(new JobServerOptions { LocalWorkers = 1 });
var partialPi = JobSource.FromCode(code, "Work.PartialPi");
await server.Submit<double>(partialPi, 0, 1); // compile once before timing

for (var workers = 1; workers <= Math.Max(2, Environment.ProcessorCount); workers++)
{
    server.SetLocalWorkers(workers);
    var stopwatch = Stopwatch.StartNew();
    var jobs = Enumerable.Range(0, Jobs).Select(i => server.Submit<double>(partialPi, i * TermsPerJob, TermsPerJob)).ToList();
    var pi = 0.0;
    foreach (var job in jobs)
        pi += await job;
    Console.WriteLine($"{workers} worker(s): pi ~ {pi:F10} in {stopwatch.Elapsed.TotalSeconds:0.000} s");
}

server.PrintStatistics();
