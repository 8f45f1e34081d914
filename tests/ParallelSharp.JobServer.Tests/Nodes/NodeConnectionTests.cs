using ParallelSharp.JobServerTests.Infrastructure;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.JobServerTests.Nodes;

public sealed class NodeConnectionTests
{
    [Fact]
    public async Task Abort_WhileReadLoopHandlesAFrame_EndsTheReadLoopCleanly()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var survivor = await harness.ConnectAsync("survivor", workers: 1);
        var job = harness.Submit<int>();
        var holder = (await node.SettleJobsAsync("where the job went")).Count == 1 ? node : survivor;
        var other = holder == node ? survivor : node;
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        harness.Events.BeforeResult = (connection, _) =>
        {
            if (connection != holder.Connection)
                return;
            inside.Set();
            release.Wait(TestTimeouts.Step);
        };

        await holder.SendSucceededAsync(job.Id, 1);
        Assert.True(inside.Wait(TestTimeouts.Step), "the read loop did not reach the result");
        holder.Connection.Abort(NodeFailureKind.HeartbeatTimeout, "test: declared dead while a frame is being handled");
        release.Set();

        await holder.Connection.Completion.Within("the aborted connection's read loop ending");
        Assert.True(holder.Connection.Completion.IsCompletedSuccessfully, $"the read loop faulted: {holder.Connection.Completion.Exception}");
        Assert.Equal(job.Id, (await other.ReceiveJobAsync("the job, moved off the aborted connection")).JobId);
        await other.SendSucceededAsync(job.Id, 2);
        Assert.Equal(2, await job.ResultAsync("the moved job's result"));
        Assert.Equal(1, harness.Scheduler.Snapshot().LateResults);
    }

    [Fact]
    public async Task Frames_SplitAtEveryByte_AreHandledWhole()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var jobs = harness.SubmitMany<string>(2);
        await node.ReceiveJobAsync("the first job");

        await node.SendSplitAtEveryByteAsync(w =>
        {
            SimpleMessages.WriteInt32(w, FrameType.NodeStatus, 2);
            JobResultMessage.Write(w, jobs[0].Id, JobResultStatus.Succeeded, 7, "\"split\""u8);
        });

        Assert.Equal("split", await jobs[0].ResultAsync("the result sent one byte at a time"));
        Assert.Equal(jobs[1].Id, (await node.ReceiveJobAsync("the job for the freed slot")).JobId);
        Assert.Equal(2, node.Connection.Workers);
        Assert.False(node.Connection.IsLost);
    }

    [Fact]
    public async Task DisposeAsync_SaysGoodbyeAndClosesTheConnection()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);

        await node.Connection.DisposeAsync().AsTask().Within("disposing the connection");

        Assert.Contains("shutting down", (await node.ReceiveAsync<GoodbyeFrame>("the goodbye")).Reason, StringComparison.Ordinal);
        await node.Ended.Within("the end of the stream after the goodbye");
        Assert.True(node.Connection.IsLost);
    }

    [Fact]
    public async Task Goodbye_FromNode_DeclaresConnectionLostAndMovesItsJobs()
    {
        await using var harness = new SchedulerHarness();
        var leaving = await harness.ConnectAsync("leaving", workers: 1);
        var job = harness.Submit<int>();
        await leaving.ReceiveJobAsync("the job");
        var survivor = await harness.ConnectAsync("survivor", workers: 1);

        await leaving.SendAsync(w => SimpleMessages.WriteString(w, FrameType.Goodbye, "the node is shutting down"));

        var (kind, reason) = await harness.Events.LostAsync(leaving.Connection).Within("the loss after the node's goodbye");
        Assert.Equal(NodeFailureKind.ConnectionLost, kind);
        Assert.Contains("the node is shutting down", reason, StringComparison.Ordinal);
        Assert.Equal(job.Id, (await survivor.ReceiveJobAsync("the job on the survivor")).JobId);
    }

    [Fact]
    public async Task Frame_OfUnexpectedType_DeclaresConnectionLost()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);

        await node.SendAsync(w => w.Write(FrameType.RunJob, new byte[17]));

        var (kind, reason) = await harness.Events.LostAsync(node.Connection).Within("the loss after a frame a node never sends");
        Assert.Equal(NodeFailureKind.ConnectionLost, kind);
        Assert.Contains("RunJob", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestStatisticsAsync_NodeReplies_ReturnsItsReport()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 2);
        var report = new NodeStatsReport(2, 1, 3, 4, 12.5, 0);

        var pending = node.Connection.RequestStatisticsAsync(CancellationToken.None);
        var request = await node.ReceiveAsync<StatsRequestFrame>("the statistics request");
        await node.SendStatsReplyAsync(request.RequestId, report);

        Assert.Equal(report, await pending.Within("the statistics"));
    }

    [Fact]
    public async Task RequestStatisticsAsync_ConnectionLostWhileWaiting_FailsWithNodeUnavailable()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var pending = node.Connection.RequestStatisticsAsync(CancellationToken.None);
        await node.ReceiveAsync<StatsRequestFrame>("the statistics request");

        await node.CloseAsync();

        var error = await pending.FailsWith<NodeUnavailableException>("the pending request failing with the connection");
        Assert.Equal(NodeFailureKind.ConnectionLost, error.Kind);
    }

    [Fact]
    public async Task RequestStatisticsAsync_AfterConnectionLost_FailsAtOnce()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        await node.CloseAsync();
        await harness.Events.LostAsync(node.Connection).Within("the loss");

        var error = await node.Connection.RequestStatisticsAsync(CancellationToken.None).FailsWith<NodeUnavailableException>("a request on a lost connection");
        Assert.Contains("a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSetWorkers_ReachesTheNode()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);

        node.Connection.SendSetWorkers(4);

        Assert.Equal(4, (await node.ReceiveAsync<SetWorkersFrame>("the worker count")).Count);
    }
}
