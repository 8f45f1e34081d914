using System.Text.Json.Serialization;

namespace ParallelSharp.Generator.Tests.Corpus.Geometry;

/// <summary>A struct with operators, a static readonly field and a JSON constructor (an attribute that must travel).</summary>
public readonly struct Vector : IEquatable<Vector>
{
    public static readonly Vector Zero = new(0, 0);

    [JsonConstructor]
    public Vector(double x, double y)
    {
        X = x;
        Y = y;
    }

    public double X { get; }

    public double Y { get; }

    public double Length => Math.Sqrt((X * X) + (Y * Y));

    public static Vector operator +(Vector a, Vector b) => new(a.X + b.X, a.Y + b.Y);

    public static Vector operator *(Vector a, double k) => new(a.X * k, a.Y * k);

    public bool Equals(Vector other) => X == other.X && Y == other.Y;

    public override bool Equals(object? obj) => obj is Vector other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(X, Y);
}

public static class VectorJobs
{
    public static Vector Centroid((double X, double Y)[] points)
    {
        var sum = points.Aggregate(Vector.Zero, (acc, p) => acc + new Vector(p.X, p.Y));
        return sum * (1.0 / points.Length);
    }

    public static double PathLength(Vector[] path) => path.Zip(path.Skip(1), (a, b) => (b + (a * -1)).Length).Sum();
}
