using ParallelSharp.Generator.Tests.Corpus;
using ParallelSharp.Generator.Tests.Corpus.Text;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>Text jobs (LINQ, extension methods, query syntax, invariant formatting) shipped to a worker.</summary>
[Collection(WorkersCollection.Name)]
public sealed class CorpusTextTests(WorkersFixture workers)
{
    private readonly JobServer _server = workers.Server;

    [Fact]
    public async Task TopWords_OnWorker_MatchesLocalResult() =>
        Assert.Equal(WordStats.TopWords(Sample.Text, 4), await _server.Submit(WordStats.TopWords, Sample.Text, 4).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task LengthHistogram_OnWorker_MatchesLocalResult() =>
        Assert.Equal(WordStats.LengthHistogram(Sample.Text), await _server.Submit(WordStats.LengthHistogram, Sample.Text).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Acronym_OnWorker_MatchesLocalResult() =>
        Assert.Equal(WordStats.Acronym("portable network graphics"), await _server.Submit(WordStats.Acronym, "portable network graphics").Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task TitleCase_MethodGroupOfExtensionInside_MatchesLocalResult() =>
        Assert.Equal(WordStats.TitleCase(Sample.Text), await _server.Submit(WordStats.TitleCase, Sample.Text).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task PalindromeCount_OnWorker_MatchesLocalResult() =>
        Assert.Equal(WordStats.PalindromeCount(Sample.Lines), await _server.Submit(WordStats.PalindromeCount, Sample.Lines).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Summary_ReturnsNamedTuple_MatchesLocalResult() =>
        Assert.Equal(WordStats.Summary(Sample.Text), await _server.Submit(WordStats.Summary, Sample.Text).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task QueryStyle_QuerySyntax_MatchesLocalResult() =>
        Assert.Equal(WordStats.QueryStyle(Sample.Text), await _server.Submit(WordStats.QueryStyle, Sample.Text).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Table_InvariantFormatting_MatchesLocalResult() =>
        Assert.Equal(Formatting.Table(Sample.Measurements), await _server.Submit(Formatting.Table, Sample.Measurements).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Money_DecimalAndDate_MatchesLocalResult() =>
        Assert.Equal(Formatting.Money(1234567.891m, 2024), await _server.Submit(Formatting.Money, 1234567.891m, 2024).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task ParseAndSum_InvariantParsing_MatchesLocalResult() =>
        Assert.Equal(Formatting.ParseAndSum("1.5, 2.25,3e2"), await _server.Submit(Formatting.ParseAndSum, "1.5, 2.25,3e2").Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Hex_OnWorker_MatchesLocalResult() =>
        Assert.Equal(Formatting.Hex([255, 4096, 7]), await _server.Submit(Formatting.Hex, new[] { 255, 4096, 7 }).Task.WaitAsync(TestTimeouts.Job));
}
