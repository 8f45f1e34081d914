namespace ParallelSharp.Generator.Tests.Corpus;

/// <summary>Inputs for the corpus.</summary>
internal static class Sample
{
    public const string Text =
        "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs, and the fox hides in a den. " +
        "A man, a plan, a canal: Panama! Never odd or even. Brown dogs and brown foxes are rarely seen together.";

    public static readonly string[] Lines = ["A man, a plan, a canal: Panama", "hello", "Never odd or even", "racecar", "abc"];

    public static readonly double[] Measurements = [3.5, 1.25, 9.75, 4.0, 2.5, 8.125, 6.0];

    public static readonly int[] Numbers = [42, -7, 19, 3, 88, 0, 19, 56, -21, 7];

    public static readonly string[] Maze =
    [
        "S..#......",
        ".#.#.####.",
        ".#...#....",
        ".####.#.#.",
        "......#.#G",
    ];
}
