namespace ParallelSharp.Generator.Tests.Corpus.Text;

/// <summary>String helpers used by the text jobs (extension methods in a file of their own).</summary>
public static class StringExtensions
{
    private static readonly char[] s_separators = [' ', '\t', '\n', '\r', ',', '.', ';', ':', '!', '?', '"', '(', ')'];

    public static IEnumerable<string> Words(this string text) =>
        text.Split(s_separators, StringSplitOptions.RemoveEmptyEntries).Select(w => w.ToLowerInvariant());

    public static string Capitalize(this string word) =>
        word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    public static bool IsPalindrome(this string text)
    {
        var letters = text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray();
        for (int i = 0, j = letters.Length - 1; i < j; i++, j--)
        {
            if (letters[i] != letters[j])
                return false;
        }

        return true;
    }

    // Never used by a job: must not be shipped (it needs the test framework).
    public static void AssertNotEmpty(this string text) => Assert.NotEmpty(text);
}
