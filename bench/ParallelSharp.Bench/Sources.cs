namespace ParallelSharp.Bench;

/// <summary>The functions the scenarios run.</summary>
internal static class Sources
{
    /// <summary>The trivial job: <c>x + 1</c>.</summary>
    public static readonly JobSource Increment = JobSource.FromCode(
        "namespace Bench; public static class Inc { public static long AddOne(long x) => x + 1; }",
        "Bench.Inc.AddOne");

    /// <summary>A job of about 5 ms that leaves the cores to others (it sleeps), then returns <c>x + 1</c>.</summary>
    public static readonly JobSource Nap = JobSource.FromCode(
        "namespace Bench; public static class Nap { public static long Run(long x) { System.Threading.Thread.Sleep(5); return x + 1; } }",
        "Bench.Nap.Run");

    /// <summary>pp's SumPrimes demo: naive trial division on purpose, the work is the point.</summary>
    public const string SumPrimesCode = """
        namespace Bench;

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

    public static readonly JobSource SumPrimes = JobSource.FromCode(SumPrimesCode, "Bench.Primes.SumPrimes");

    /// <summary>
    /// A function no node has seen: its namespace carries <paramref name="tag"/>, so its content hash (the compile
    /// cache's key) is new. The body is shaped like a small real job (a loop, LINQ, a string) rather than a one-liner.
    /// </summary>
    public static JobSource Unique(string tag) => JobSource.FromCode(
        $$"""
        namespace Bench.U{{tag}};

        public static class Fn
        {
            public static long Run(long x)
            {
                var values = Enumerable.Range(1, 10).Select(i => (long)i * x).ToList();
                var text = string.Join(",", values);
                return values.Sum() + text.Length;
            }
        }
        """,
        $"Bench.U{tag}.Fn.Run");

    /// <summary>What <see cref="Unique"/>'s function returns, to check results.</summary>
    public static long UniqueExpected(long x)
    {
        var values = Enumerable.Range(1, 10).Select(i => i * x).ToList();
        return values.Sum() + string.Join(",", values).Length;
    }

    /// <summary>SumPrimes computed here, to check results.</summary>
    public static long SumPrimesLocal(int n)
    {
        long sum = 0;
        for (var i = 2; i < n; i++)
        {
            var prime = i >= 2;
            for (var d = 2; d * d <= i; d++)
            {
                if (i % d == 0)
                {
                    prime = false;
                    break;
                }
            }

            if (prime)
                sum += i;
        }

        return sum;
    }
}
