using ParallelSharp.JobServerTests.Infrastructure;

namespace ParallelSharp.JobServerTests.Submission;

public sealed class ArgumentSerializationTests
{
    public sealed class Cyclic
    {
        public Cyclic? Next { get; set; }
    }

    [Fact]
    public async Task Submit_DelegateArgument_ThrowsNamingItsPositionAndType()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        Func<int> function = () => 2;

        var error = Assert.Throws<ArgumentException>(() => harness.Server.Submit<int>(Sources.Echo, 1, function));

        Assert.Equal("args[1]", error.ParamName);
        Assert.Contains("Argument 2 of type System.Func`1", error.Message, StringComparison.Ordinal);
        await AssertNothingSentAndNothingPendingAsync(harness, node);
    }

    [Fact]
    public async Task Submit_ArgumentWithCycle_ThrowsNamingItsPositionAndType()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var cyclic = new Cyclic();
        cyclic.Next = cyclic;

        var error = Assert.Throws<ArgumentException>(() => harness.Server.Submit<int>(Sources.Echo, cyclic));

        Assert.Equal("args[0]", error.ParamName);
        Assert.Contains($"Argument 1 of type {typeof(Cyclic).FullName}", error.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
        await AssertNothingSentAndNothingPendingAsync(harness, node);
    }

    private static async Task AssertNothingSentAndNothingPendingAsync(ServerHarness harness, FakeNode node)
    {
        await node.AssertQuietAsync("a refused job is never sent");
        await harness.Server.WaitAllAsync().Within("no refused job left waiting");
        // The serializer's per-thread writer must be clean for the next submit.
        var next = harness.Server.Submit<int>(Sources.Echo, 5, "five");
        Assert.Equal("[5,\"five\"]", (await node.ReceiveJobAsync("the next job after the refused one")).PayloadText);
        Assert.False(next.Task.IsCompleted);
    }
}
