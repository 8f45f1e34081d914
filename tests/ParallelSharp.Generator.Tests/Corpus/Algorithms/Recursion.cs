namespace ParallelSharp.Generator.Tests.Corpus.Algorithms;

/// <summary>Recursion, memoization, iterators and local functions.</summary>
public static class Recursion
{
    public static long Ackermann(long m, long n) =>
        m == 0 ? n + 1 : n == 0 ? Ackermann(m - 1, 1) : Ackermann(m - 1, Ackermann(m, n - 1));

    public static long HanoiMoves(int disks)
    {
        long moves = 0;
        Move(disks, 'A', 'C', 'B');
        return moves;

        void Move(int n, char from, char to, char via)
        {
            if (n == 0)
                return;
            Move(n - 1, from, via, to);
            moves++;
            Move(n - 1, via, to, from);
        }
    }

    public static long MemoFibonacci(int n)
    {
        var memo = new Dictionary<int, long>();
        return Fib(n);

        long Fib(int k)
        {
            if (k < 2)
                return k;
            if (memo.TryGetValue(k, out var known))
                return known;
            return memo[k] = Fib(k - 1) + Fib(k - 2);
        }
    }

    public static IEnumerable<IReadOnlyList<T>> Permutations<T>(IReadOnlyList<T> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
                yield return [items[i], .. tail];
        }
    }

    public static string[] AllPermutations(string letters) =>
        Permutations(letters.ToCharArray()).Select(p => new string(p.ToArray())).Order(StringComparer.Ordinal).ToArray();

    public static IEnumerable<long> Collatz(long start)
    {
        for (var n = start; n != 1; n = n % 2 == 0 ? n / 2 : (3 * n) + 1)
            yield return n;
        yield return 1;
    }

    public static (long Start, int Steps) LongestCollatz(int limit) =>
        Enumerable.Range(1, limit).Select(s => ((long)s, Collatz(s).Count())).MaxBy(t => t.Item2);

    public static int Gcd(int a, int b) => b == 0 ? Math.Abs(a) : Gcd(b, a % b);
}
