namespace ParallelSharp.Generator.Tests.Corpus.Data;

/// <summary>A serializable object whose instance methods are submitted with it (pp's bound methods).</summary>
public sealed class Series
{
    public string Name { get; set; } = string.Empty;

    public double[] Values { get; set; } = [];

    public double Mean() => Values.Average();

    public double Log(int index) => Math.Log(Values[index]);

    public Series Smooth(int window) => new()
    {
        Name = Name + "~",
        Values = Enumerable.Range(0, Values.Length - window + 1).Select(i => Math.Round(Values.Skip(i).Take(window).Average(), 6)).ToArray(),
    };
}
