namespace ParallelSharp.Generator.Tests.Corpus.Async;

/// <summary>
/// Asynchronous jobs: Task&lt;T&gt; and ValueTask&lt;T&gt; functions whose job result is the awaited value. Nothing here
/// leaves the worker: "downloads" are simulated from the address itself, so the results are deterministic.
/// </summary>
public static class Downloads
{
    public static async Task<string> FetchAsync(string url)
    {
        await Task.Yield();
        return $"{url.Length}:{Host(url)}";
    }

    public static async ValueTask<int> CountSegmentsAsync(string url)
    {
        await Task.Yield();
        return url.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    /// <summary>Waits, then spreads CPU work over the worker's thread pool and adds the parts.</summary>
    public static async Task<long> SumPrimesInPartsAsync(int limit, int parts)
    {
        await Task.Delay(1);
        var size = (limit + parts - 1) / parts;
        var work = Enumerable.Range(0, parts)
            .Select(p => Task.Run(() => SumPrimesBetween(p * size, Math.Min(limit, (p + 1) * size))))
            .ToArray();
        var sums = await Task.WhenAll(work);
        return sums.Sum();
    }

    public static async Task<int> SquareAsync(int x)
    {
        await Task.Yield();
        return x * x;
    }

    /// <summary>Throws on a thread-pool continuation, after the function has already returned its task.</summary>
    public static async Task<int> FailAfterAwaitAsync(int code)
    {
        await Task.Delay(1);
        throw new InvalidOperationException($"Download {code} failed after the first await.");
    }

    /// <summary>Never completes: only a timeout or cancellation ends it.</summary>
    public static async Task<int> WaitForeverAsync(int code)
    {
        await Task.Delay(Timeout.Infinite);
        return code;
    }

    private static string Host(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start < 0 ? url : url[(start + 3)..];
        var end = rest.IndexOf('/', StringComparison.Ordinal);
        return end < 0 ? rest : rest[..end];
    }

    private static long SumPrimesBetween(int from, int to)
    {
        long sum = 0;
        for (var n = Math.Max(from, 2); n < to; n++)
        {
            var prime = true;
            for (var d = 2; d * d <= n && prime; d++)
                prime = n % d != 0;
            if (prime)
                sum += n;
        }

        return sum;
    }
}
