namespace ParallelSharp.Generator.Tests.Corpus.Algorithms;

/// <summary>Generic algorithms with constraints, over spans.</summary>
public static class Sorting
{
    public static void QuickSort<T>(Span<T> items)
        where T : IComparable<T>
    {
        if (items.Length < 2)
            return;
        var pivot = items[items.Length / 2];
        int left = 0, right = items.Length - 1;
        while (left <= right)
        {
            while (items[left].CompareTo(pivot) < 0)
                left++;
            while (items[right].CompareTo(pivot) > 0)
                right--;
            if (left <= right)
            {
                (items[left], items[right]) = (items[right], items[left]);
                left++;
                right--;
            }
        }

        QuickSort(items[..(right + 1)]);
        QuickSort(items[left..]);
    }

    public static int[] SortInts(int[] values)
    {
        var copy = values.ToArray();
        QuickSort(copy.AsSpan());
        return copy;
    }

    public static string[] SortStrings(string[] values)
    {
        var copy = values.ToArray();
        QuickSort<OrdinalString>(copy.Select(v => new OrdinalString(v)).ToArray().AsSpan());
        return copy.Order(StringComparer.Ordinal).ToArray();
    }

    public static T Max<T>(T[] values)
        where T : IComparable<T> => values.Aggregate((a, b) => a.CompareTo(b) >= 0 ? a : b);

    private readonly record struct OrdinalString(string Value) : IComparable<OrdinalString>
    {
        public int CompareTo(OrdinalString other) => string.CompareOrdinal(Value, other.Value);
    }
}
