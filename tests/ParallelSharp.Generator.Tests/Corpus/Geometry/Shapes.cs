namespace ParallelSharp.Generator.Tests.Corpus.Geometry;

public abstract record Shape
{
    public abstract double Area { get; }
}

public sealed record Circle(double Radius) : Shape
{
    public override double Area => Math.PI * Radius * Radius;
}

public sealed record Rectangle(double Width, double Height) : Shape
{
    public override double Area => Width * Height;

    public bool IsSquare => Width == Height;
}

public sealed record Triangle(double A, double B, double C) : Shape
{
    public override double Area
    {
        get
        {
            var s = (A + B + C) / 2;
            return Math.Sqrt(s * (s - A) * (s - B) * (s - C));
        }
    }
}

/// <summary>Records, 'with' and pattern matching.</summary>
public static class ShapeJobs
{
    public static Rectangle Scale(Rectangle rectangle, double factor) =>
        rectangle with { Width = rectangle.Width * factor, Height = rectangle.Height * factor };

    public static string Describe(double a, double b) => Classify(a == b ? new Rectangle(a, b) : a > b ? new Circle(a) : new Triangle(a, b, b));

    public static string Classify(Shape shape) => shape switch
    {
        Circle { Radius: 0 } => "point",
        Circle c => $"circle r={c.Radius}",
        Rectangle { IsSquare: true } r => $"square {r.Width}",
        Rectangle r => $"rectangle {r.Width}x{r.Height}",
        Triangle(var x, var y, var z) when x == y && y == z => "equilateral",
        Triangle => "triangle",
        _ => "unknown",
    };

    public static double TotalArea(int count)
    {
        var shapes = Enumerable.Range(1, count).Select(i => (i % 3) switch
        {
            0 => (Shape)new Circle(i),
            1 => new Rectangle(i, i + 1),
            _ => new Triangle(3 * i, 4 * i, 5 * i),
        });
        return Math.Round(shapes.Sum(s => s.Area), 6);
    }
}

/// <summary>Small helpers that static lambdas call.</summary>
public static class Measure
{
    public static int Area(int width, int height) => width * height;
}
