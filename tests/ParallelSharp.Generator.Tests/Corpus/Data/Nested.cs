namespace ParallelSharp.Generator.Tests.Corpus.Data;

/// <summary>Nested types several levels deep, one private, and a private entry method.</summary>
public static class Outer
{
    public static class Inner
    {
        public static int Compute(int x) => Helper.Twice(x) + Offset;

        private const int Offset = 7;

        private static class Helper
        {
            public static int Twice(int x) => x * 2;
        }
    }

    public static Job<int> SubmitHidden(JobServer server, int x) => server.Submit(Hidden, x);

    public static int CallHidden(int x) => Hidden(x);

    private static int Hidden(int x) => x * x * x;

    public static int Conditional(int x)
    {
#if DEBUG
        return x + 1000;
#else
        return x - 1000;
#endif
    }
}

/// <summary>An interface with a static abstract member (generic math style), implemented by two structs.</summary>
public interface IUnit<TSelf>
    where TSelf : IUnit<TSelf>
{
    static abstract string Symbol { get; }

    double Amount { get; }
}

public readonly record struct Meters(double Amount) : IUnit<Meters>
{
    public static string Symbol => "m";
}

public readonly record struct Seconds(double Amount) : IUnit<Seconds>
{
    public static string Symbol => "s";
}

public static class Units
{
    public static string Format<T>(T value)
        where T : IUnit<T> => FormattableString.Invariant($"{value.Amount:0.##} {T.Symbol}");

    public static string Speed(double meters, double seconds) =>
        $"{Format(new Meters(meters))} / {Format(new Seconds(seconds))} = {FormattableString.Invariant($"{meters / seconds:0.###}")}";
}
