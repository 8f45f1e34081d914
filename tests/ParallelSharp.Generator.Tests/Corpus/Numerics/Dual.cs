namespace ParallelSharp.Generator.Tests.Corpus.Numerics;

/// <summary>
/// pp's auto_diff example: a dual number (value and derivative) with overloaded operators, so ordinary-looking
/// code computes a function's derivative. Values of it travel as arguments and results.
/// </summary>
public sealed class Dual : IEquatable<Dual>
{
    public Dual(double value, double derivative)
    {
        Value = value;
        Derivative = derivative;
    }

    public double Value { get; }

    public double Derivative { get; }

    public static Dual Variable(double value) => new(value, 1);

    public static implicit operator Dual(double constant) => new(constant, 0);

    public static Dual operator +(Dual a, Dual b) => new(a.Value + b.Value, a.Derivative + b.Derivative);

    public static Dual operator -(Dual a, Dual b) => new(a.Value - b.Value, a.Derivative - b.Derivative);

    public static Dual operator -(Dual a) => new(-a.Value, -a.Derivative);

    public static Dual operator *(Dual a, Dual b) => new(a.Value * b.Value, (a.Derivative * b.Value) + (a.Value * b.Derivative));

    public static Dual operator /(Dual a, Dual b) =>
        new(a.Value / b.Value, ((a.Derivative * b.Value) - (a.Value * b.Derivative)) / (b.Value * b.Value));

    public Dual Pow(int n)
    {
        var result = (Dual)1;
        for (var i = 0; i < n; i++)
            result *= this;
        return result;
    }

    public bool Equals(Dual? other) => other is not null && Value.Equals(other.Value) && Derivative.Equals(other.Derivative);

    public override bool Equals(object? obj) => Equals(obj as Dual);

    public override int GetHashCode() => HashCode.Combine(Value, Derivative);

    public override string ToString() => FormattableString.Invariant($"{Value} + {Derivative}ε");
}

/// <summary>Functions of dual numbers, in the style of pp's auto_diff.</summary>
public static class DualMath
{
    public static Dual Sin(Dual x) => new(Math.Sin(x.Value), Math.Cos(x.Value) * x.Derivative);

    public static Dual Exp(Dual x) => new(Math.Exp(x.Value), Math.Exp(x.Value) * x.Derivative);

    /// <summary>f(x) = 3x³ − 2x + 1/x.</summary>
    public static Dual Polynomial(Dual x) => (3 * x.Pow(3)) - (2 * x) + (1 / x);

    public static double DerivativeAt(double x) => Polynomial(Dual.Variable(x)).Derivative;

    public static Dual SinExp(Dual x) => Sin(x) * Exp(x);

    public static double[] Gradient(double[] points) => points.Select(p => SinExp(Dual.Variable(p)).Derivative).ToArray();
}
