namespace ParallelSharp.Generator.Tests.Corpus.Numerics;

/// <summary>pp's classic demo, plus a sieve over a span.</summary>
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

    public static int CountWithSieve(int limit)
    {
        Span<bool> composite = limit <= 4096 ? stackalloc bool[limit + 1] : new bool[limit + 1];
        var count = 0;
        for (var i = 2; i <= limit; i++)
        {
            if (composite[i])
                continue;
            count++;
            for (long j = (long)i * i; j <= limit; j += i)
                composite[(int)j] = true;
        }

        return count;
    }

    public static IEnumerable<int> All()
    {
        for (var n = 2; ; n++)
        {
            if (IsPrime(n))
                yield return n;
        }
    }

    public static int[] FirstN(int count) => All().Take(count).ToArray();
}
