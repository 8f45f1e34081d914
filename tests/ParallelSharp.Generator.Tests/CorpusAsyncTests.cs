using ParallelSharp.Generator.Tests.Corpus.Async;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>Asynchronous functions shipped to a worker: the job's result is the awaited value, and what the task ends with fails the job.</summary>
[Collection(WorkersCollection.Name)]
public sealed class CorpusAsyncTests(WorkersFixture workers)
{
    private const string Url = "https://example.test/docs/jobs/async";

    private readonly JobServer _server = workers.Server;

    [Fact]
    public async Task FetchAsync_MethodGroupReturningTask_ResultIsAwaitedValue()
    {
        Job<string> job = _server.Submit(Downloads.FetchAsync, Url);
        Assert.Equal(await Downloads.FetchAsync(Url), await job.Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task CountSegmentsAsync_MethodGroupReturningValueTask_ResultIsAwaitedValue()
    {
        Job<int> job = _server.Submit(Downloads.CountSegmentsAsync, Url);
        Assert.Equal(await Downloads.CountSegmentsAsync(Url), await job.Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Submit_StaticAsyncLambda_ResultIsAwaitedValue()
    {
        Job<int> job = _server.Submit(static async (int x) =>
        {
            await Task.Delay(1);
            return x * 2;
        }, 21);
        Assert.Equal(42, await job.Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Submit_AsyncLambdaWithOptionsAndCallback_RunsCallbackWithValue()
    {
        var called = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var job = _server.Submit(static async (string a, int b) => { await Task.Yield(); return a.Length + b; }, "four", 3,
            new JobOptions { Group = "generator-async" }, j => called.TrySetResult(j.Result));
        Assert.Equal(7, await job.Task.WaitAsync(TestTimeouts.Job));
        Assert.Equal(7, await called.Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task SumPrimesInPartsAsync_DelayAndWhenAllOfCpuWork_MatchesLocalResult() =>
        Assert.Equal(await Downloads.SumPrimesInPartsAsync(20_000, 4),
            await _server.Submit(Downloads.SumPrimesInPartsAsync, 20_000, 4).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task FailAfterAwaitAsync_ThrowsAfterAwait_JobFailsWithThatException()
    {
        var job = _server.Submit(Downloads.FailAfterAwaitAsync, 7);
        var error = await Assert.ThrowsAsync<JobFailedException>(() => job.Task.WaitAsync(TestTimeouts.Job));
        Assert.Equal(typeof(InvalidOperationException).FullName, error.RemoteType);
        Assert.Equal("Download 7 failed after the first await.", error.RemoteMessage);
    }

    [Fact]
    public async Task Map_AsyncMethodGroup_ReturnsAwaitedValuesInInputOrder()
    {
        var inputs = Enumerable.Range(1, 9).ToArray();
        IReadOnlyList<int> results = await _server.Map(Downloads.SquareAsync, inputs, new MapOptions { ChunkSize = 2 }).WaitAsync(TestTimeouts.Job);
        Assert.Equal(inputs.Select(x => x * x), results);
    }

    [Fact]
    public async Task MapUnordered_AsyncLambda_YieldsEveryAwaitedValueOnce()
    {
        var inputs = new[] { 3, 1, 4, 1, 5 };
        var seen = new Dictionary<int, int>();
        using var bound = new CancellationTokenSource(TestTimeouts.Job);
        await foreach (var (index, result) in _server.MapUnordered(static async (int x) => { await Task.Yield(); return x + 100; }, inputs).WithCancellation(bound.Token))
            seen.Add(index, result);
        Assert.Equal(inputs.Select(x => x + 100), Enumerable.Range(0, inputs.Length).Select(i => seen[i]));
    }

    [Fact]
    public async Task WaitForeverAsync_WithTimeout_FailsWithJobTimeout()
    {
        var job = _server.Submit(Downloads.WaitForeverAsync, 1, new JobOptions { Timeout = TimeSpan.FromMilliseconds(500) });
        await Assert.ThrowsAsync<JobTimeoutException>(() => job.Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task WaitForeverAsync_Cancelled_CancelsJob()
    {
        using var cancellation = new CancellationTokenSource();
        var job = _server.Submit(Downloads.WaitForeverAsync, 2, options: null, callback: null, cancellation.Token);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.Task.WaitAsync(TestTimeouts.Job));
    }
}
