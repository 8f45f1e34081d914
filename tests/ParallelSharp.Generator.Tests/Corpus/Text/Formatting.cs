using System.Globalization;
using System.Text;

namespace ParallelSharp.Generator.Tests.Corpus.Text;

/// <summary>Reports formatted with the invariant culture, whatever the node's culture is.</summary>
public static class Formatting
{
    public static string Table(double[] values)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < values.Length; i++)
            builder.Append(CultureInfo.InvariantCulture, $"{i,3} | {values[i],10:F2} | {values[i] / values.Sum(),7:P1}\n");
        return builder.ToString();
    }

    public static string Money(decimal amount, int year) =>
        string.Format(CultureInfo.InvariantCulture, "{0:N2} in {1} ({2:yyyy-MM-dd})", amount, year, new DateTime(year, 12, 31, 0, 0, 0, DateTimeKind.Utc));

    public static double ParseAndSum(string csv) =>
        csv.Split(',').Sum(part => double.Parse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture));

    public static string Hex(int[] values) => string.Join("-", values.Select(v => v.ToString("X4", CultureInfo.InvariantCulture)));
}
