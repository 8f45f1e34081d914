using System.Text.Json;
using ParallelSharp.JobServerTests.Infrastructure;

namespace ParallelSharp.JobServerTests.Submission;

public sealed class MapTests
{
    public sealed class Cyclic
    {
        public Cyclic? Next { get; set; }
    }

    [Fact]
    public async Task Map_WithChunkSize_SendsOneBatchPerChunkAndReturnsResultsInInputOrder()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 4);

        var map = harness.Server.Map<int, int>(Sources.Square, Enumerable.Range(0, 10), new MapOptions { ChunkSize = 3 });

        var chunks = await node.ReceiveJobsAsync(4, "ten inputs in chunks of three");
        Assert.All(chunks, c => Assert.True(c.IsBatch, $"chunk {c.JobId} was not flagged as a batch"));
        Assert.Equal(["[[0],[1],[2]]", "[[3],[4],[5]]", "[[6],[7],[8]]", "[[9]]"], chunks.Select(c => c.PayloadText));
        await node.AssertQuietAsync("four chunks and no more");
        foreach (var chunk in chunks.Reverse())
        {
            var inputs = JsonSerializer.Deserialize<int[][]>(chunk.Payload)!;
            await node.SendSucceededAsync(chunk.JobId, inputs.Select(i => i[0] * i[0]).ToArray());
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * i), await map.Within("the map's results"));
    }

    [Fact]
    public async Task Map_WithoutChunkSize_MakesAboutFourChunksPerWorker()
    {
        await using var harness = new ServerHarness(o => o.PipelineDepth = 4);
        var node = await harness.ConnectAsync("a", workers: 2);

        var map = harness.Server.Map<int, int>(Sources.Echo, Enumerable.Range(0, 100));

        var chunks = await node.SettleJobsAsync("100 inputs for 2 workers");
        var sizes = chunks.Select(c => JsonSerializer.Deserialize<int[][]>(c.Payload)!.Length).ToList();
        Assert.Equal([13, 13, 13, 13, 13, 13, 13, 9], sizes);
        foreach (var chunk in chunks)
            await node.SendSucceededAsync(chunk.JobId, JsonSerializer.Deserialize<int[][]>(chunk.Payload)!.Select(i => i[0]).ToArray());
        Assert.Equal(Enumerable.Range(0, 100), await map.Within("the map's results"));
    }

    [Fact]
    public async Task Map_InputCannotBeSerialized_ThrowsNamingItsIndexAndSendsNothing()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 4);
        var cyclic = new Cyclic();
        cyclic.Next = cyclic;
        object[] inputs = [1, 2, 3, cyclic, 5];

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            harness.Server.Map<object, int>(Sources.Echo, inputs, new MapOptions { ChunkSize = 2 }).Within("the refused map"));

        Assert.Equal("inputs", error.ParamName);
        Assert.Contains("Input 3 ", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Cyclic).FullName!, error.Message, StringComparison.Ordinal);
        await node.AssertQuietAsync("no chunk of a refused map is sent");
        await harness.Server.WaitAllAsync().Within("no chunk of the refused map left waiting");
    }

    [Fact]
    public async Task MapUnordered_YieldsEachResultWithItsInputIndex()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 2);
        var results = new List<(int Index, int Result)>();

        var consume = Task.Run(async () =>
        {
            await foreach (var item in harness.Server.MapUnordered<int, int>(Sources.Square, [5, 6, 7, 8], new MapOptions { ChunkSize = 2 }))
                results.Add(item);
        });
        var chunks = await node.ReceiveJobsAsync(2, "two chunks");
        await node.SendSucceededAsync(chunks[1].JobId, new[] { 49, 64 });
        await node.SendSucceededAsync(chunks[0].JobId, new[] { 25, 36 });

        await consume.Within("the unordered results");
        Assert.Equal([(0, 25), (1, 36), (2, 49), (3, 64)], results.OrderBy(r => r.Index));
    }
}
