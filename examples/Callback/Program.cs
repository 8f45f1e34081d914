// pp's callback example: the sum of primes below 10,000,000 computed in 10 parts, each part's partial sum
// added up by a completion callback. Callbacks run one at a time, so the accumulator needs no lock (pp's
// version needs one), and waiting on the group returns only after every callback ran.
using ParallelSharp;

const string code = """
    public static class PartialSum
    {
        public static long SumPrimes(long start, long end)
        {
            long sum = 0;
            for (var n = start; n < end; n++)
            {
                if (n < 2)
                    continue;
                var prime = true;
                for (long d = 2; d * d <= n; d++)
                {
                    if (n % d == 0)
                    {
                        prime = false;
                        break;
                    }
                }

                if (prime)
                    sum += n;
            }

            return sum;
        }
    }
    """;

const long Limit = 2_000_000;
const int Parts = 10;

await using var server = new JobServer();
var partialSum = JobSource.FromCode(code, "PartialSum.SumPrimes");
long total = 0;
for (var part = 0; part < Parts; part++)
{
    var start = Limit * part / Parts;
    var end = Limit * (part + 1) / Parts;
    _ = server.Submit<long>(partialSum, [start, end], new JobOptions { Group = "sum" }, job => total += job.Result);
}

await server.WaitAsync("sum");
Console.WriteLine($"Sum of primes below {Limit} is {total}");
server.PrintStatistics();
