using System.Numerics;

namespace ParallelSharp.Generator.Tests.Corpus.Numerics;

/// <summary>Generic helpers with constraints (generic math), used by non-generic entry points.</summary>
public static class Stats
{
    public static T Sum<T>(IEnumerable<T> values)
        where T : INumber<T>
    {
        var total = T.Zero;
        foreach (var value in values)
            total += value;
        return total;
    }

    public static (T Min, T Max) Range<T>(IReadOnlyList<T> values)
        where T : IComparable<T>
    {
        var (min, max) = (values[0], values[0]);
        foreach (var value in values)
        {
            if (value.CompareTo(min) < 0)
                min = value;
            if (value.CompareTo(max) > 0)
                max = value;
        }

        return (min, max);
    }

    public static long SumOfInts(int[] values) => Sum(values.Select(v => (long)v));

    public static decimal SumOfPrices(decimal[] prices) => Sum(prices);

    public static (int Min, int Max) IntRange(int[] values) => Range(values);

    public static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double StandardDeviation(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }

    public static long SumOfSquares(this int[] values) => values.Sum(v => (long)v * v);
}
