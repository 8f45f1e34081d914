using System.Globalization;

namespace ParallelSharp.Generator.Tests.Corpus.Text;

/// <summary>LINQ pipelines over text.</summary>
public static class WordStats
{
    private static readonly HashSet<string> s_stopWords = new(StringComparer.Ordinal) { "the", "a", "an", "of", "and", "to", "in", "is", "it" };

    public static string[] TopWords(string text, int count) =>
        text.Words()
            .Where(w => !s_stopWords.Contains(w))
            .GroupBy(w => w)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(g => $"{g.Key}:{g.Count()}")
            .ToArray();

    public static Dictionary<int, int> LengthHistogram(string text) =>
        text.Words().GroupBy(w => w.Length).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());

    public static string Acronym(string phrase) =>
        string.Concat(phrase.Words().Where(w => !s_stopWords.Contains(w)).Select(w => w.Capitalize()[0]));

    public static string TitleCase(string text) => string.Join(" ", text.Words().Select(StringExtensions.Capitalize));

    public static int PalindromeCount(string[] lines) => lines.Count(l => l.IsPalindrome());

    public static (string Longest, double AverageLength) Summary(string text)
    {
        var words = text.Words().ToList();
        var longest = words.OrderByDescending(w => w.Length).ThenBy(w => w, StringComparer.Ordinal).First();
        return (longest, Math.Round(words.Average(w => w.Length), 3));
    }

    public static string QueryStyle(string text)
    {
        var query = from word in text.Words()
                    where word.Length > 3
                    group word by word[0] into byLetter
                    orderby byLetter.Key
                    select string.Create(CultureInfo.InvariantCulture, $"{byLetter.Key}={byLetter.Count()}");
        return string.Join(";", query);
    }
}
