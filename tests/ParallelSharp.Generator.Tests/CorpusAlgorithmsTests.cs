using ParallelSharp.Generator.Tests.Corpus;
using ParallelSharp.Generator.Tests.Corpus.Algorithms;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>Algorithm jobs (recursion, local functions, iterators, generic sorts over spans, graphs with nested types).</summary>
[Collection(WorkersCollection.Name)]
public sealed class CorpusAlgorithmsTests(WorkersFixture workers)
{
    private readonly JobServer _server = workers.Server;

    [Fact]
    public async Task Ackermann_DeepRecursion_MatchesLocalResult() =>
        Assert.Equal(Recursion.Ackermann(2, 3), await _server.Submit(Recursion.Ackermann, 2L, 3L).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task HanoiMoves_RecursiveLocalFunction_MatchesLocalResult() =>
        Assert.Equal(Recursion.HanoiMoves(12), await _server.Submit(Recursion.HanoiMoves, 12).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task MemoFibonacci_LocalFunctionCapturingLocals_MatchesLocalResult() =>
        Assert.Equal(Recursion.MemoFibonacci(80), await _server.Submit(Recursion.MemoFibonacci, 80).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task AllPermutations_GenericRecursiveIterator_MatchesLocalResult() =>
        Assert.Equal(Recursion.AllPermutations("abcd"), await _server.Submit(Recursion.AllPermutations, "abcd").Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task LongestCollatz_IteratorAndMaxBy_MatchesLocalResult() =>
        Assert.Equal(Recursion.LongestCollatz(3000), await _server.Submit(Recursion.LongestCollatz, 3000).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Gcd_TailRecursion_MatchesLocalResult() =>
        Assert.Equal(Recursion.Gcd(1071, 462), await _server.Submit(Recursion.Gcd, 1071, 462).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task SortInts_GenericQuickSortOverSpan_MatchesLocalResult() =>
        Assert.Equal(Sorting.SortInts(Sample.Numbers), await _server.Submit(Sorting.SortInts, Sample.Numbers).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task SortStrings_PrivateNestedRecordStruct_MatchesLocalResult()
    {
        string[] words = ["pear", "Apple", "fig", "apple", "Banana"];
        Assert.Equal(Sorting.SortStrings(words), await _server.Submit(Sorting.SortStrings, words).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Max_ClosedGenericMethodGroup_MatchesLocalResult() =>
        Assert.Equal(Sorting.Max(Sample.Numbers), await _server.Submit(Sorting.Max<int>, Sample.Numbers).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task ShortestPath_EnumExtensionAndTuples_MatchesLocalResult() =>
        Assert.Equal(Graphs.ShortestPath(Sample.Maze), await _server.Submit(Graphs.ShortestPath, Sample.Maze).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task RingDistances_NestedTypeAndPriorityQueue_MatchesLocalResult() =>
        Assert.Equal(Graphs.Weighted.RingDistances(9), await _server.Submit(Graphs.Weighted.RingDistances, 9).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Dijkstra_NestedRecordArrayArgument_MatchesLocalResult()
    {
        Graphs.Weighted.Edge[] edges = [new(0, 1, 4), new(0, 2, 1), new(2, 1, 2), new(1, 3, 1), new(2, 3, 5)];
        Assert.Equal(Graphs.Weighted.Dijkstra(4, edges, 0), await _server.Submit(Graphs.Weighted.Dijkstra, 4, edges, 0).Task.WaitAsync(TestTimeouts.Job));
    }
}
