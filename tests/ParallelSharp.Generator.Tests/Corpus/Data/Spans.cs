namespace ParallelSharp.Generator.Tests.Corpus.Data;

/// <summary>Span-based parsing and transformation, with stackalloc.</summary>
public static class Spans
{
    public static long SumCsv(string csv)
    {
        long sum = 0;
        var span = csv.AsSpan();
        foreach (var range in span.Split(','))
            sum += long.Parse(span[range].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return sum;
    }

    public static string ReverseWords(string sentence)
    {
        Span<char> buffer = sentence.Length <= 256 ? stackalloc char[sentence.Length] : new char[sentence.Length];
        sentence.AsSpan().CopyTo(buffer);
        buffer.Reverse();
        var start = 0;
        for (var i = 0; i <= buffer.Length; i++)
        {
            if (i == buffer.Length || buffer[i] == ' ')
            {
                buffer[start..i].Reverse();
                start = i + 1;
            }
        }

        return new string(buffer);
    }

    public static int CountByte(byte[] data, byte value) => data.AsSpan().Count(value);
}
