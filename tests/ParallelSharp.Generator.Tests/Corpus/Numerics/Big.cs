using System.Numerics;

namespace ParallelSharp.Generator.Tests.Corpus.Numerics;

/// <summary>Arbitrary precision: results travel as strings, BigInteger as JSON numbers would lose digits.</summary>
public static class Big
{
    public static string Factorial(int n)
    {
        var result = BigInteger.One;
        for (var i = 2; i <= n; i++)
            result *= i;
        return result.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string Fibonacci(int n)
    {
        (BigInteger a, BigInteger b) = (0, 1);
        for (var i = 0; i < n; i++)
            (a, b) = (b, a + b);
        return a.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static int DigitSumOfPower(int @base, int exponent) =>
        BigInteger.Pow(@base, exponent).ToString(System.Globalization.CultureInfo.InvariantCulture).Sum(c => c - '0');
}
