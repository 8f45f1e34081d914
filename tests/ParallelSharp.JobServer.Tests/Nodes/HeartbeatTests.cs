using ParallelSharp.JobServerTests.Infrastructure;

namespace ParallelSharp.JobServerTests.Nodes;

public sealed class HeartbeatTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Heartbeat_NodeStopsAnswering_DeclaresHeartbeatTimeoutAndMovesItsJobs()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 2);
        var silent = await harness.ConnectAsync("silent", workers: 1, harness.Settings(s_interval, s_timeout));
        var jobs = harness.SubmitMany<int>(2);
        await silent.ReceiveJobsAsync(2, "the jobs on the node that will fall silent");
        var survivor = await harness.ConnectAsync("survivor", workers: 2);
        var lost = harness.Events.LostAsync(silent.Connection);

        harness.Time.Advance(s_interval);
        await silent.ReceiveAsync<HeartbeatFrame>("the first heartbeat");
        harness.Time.Advance(s_interval);
        await silent.ReceiveAsync<HeartbeatFrame>("the second heartbeat");
        Assert.False(lost.IsCompleted, "the node was declared lost after 2 s of silence with a 3 s timeout");

        harness.Time.Advance(s_interval);
        harness.Time.Advance(s_interval);

        var (kind, reason) = await lost.Within("the heartbeat timeout");
        Assert.Equal(NodeFailureKind.HeartbeatTimeout, kind);
        Assert.Contains("no heartbeat", reason, StringComparison.Ordinal);
        var moved = await survivor.ReceiveJobsAsync(2, "the silent node's jobs on the survivor");
        Assert.Equal(jobs.Select(j => j.Id), moved.Select(j => j.JobId));
        Assert.Contains("HeartbeatTimeout", Assert.Single(jobs[0].Record.FailedAttempts).Reason, StringComparison.Ordinal);
        Assert.Empty(jobs[1].Record.FailedAttempts);
        await silent.Ended.Within("the server closing the silent node's connection");
        Assert.DoesNotContain(silent.Connection, harness.Scheduler.Nodes);
    }

    [Fact]
    public async Task Heartbeat_NodeFallsSilent_DeclaredLostWithinATenthOfTheTimeoutAfterIt()
    {
        await using var harness = new SchedulerHarness();
        var silent = await harness.ConnectAsync("silent", workers: 1, harness.Settings(s_interval, s_timeout));
        var lost = harness.Events.LostAsync(silent.Connection);

        // Silent from the start: not dead at the timeout itself, but well before a whole interval after it.
        harness.Time.Advance(s_timeout);
        Assert.False(lost.IsCompleted, "the node was declared lost before it had been silent for the timeout");
        harness.Time.Advance(s_timeout / 10 + TimeSpan.FromMilliseconds(1));

        var (kind, _) = await lost.Within("the heartbeat timeout, checked more often than once per interval");
        Assert.Equal(NodeFailureKind.HeartbeatTimeout, kind);
    }

    [Fact]
    public async Task Heartbeat_NodeAnswering_StaysConnectedLongPastTheTimeout()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("steady", workers: 1, harness.Settings(s_interval, s_timeout));
        var job = harness.Submit<int>();
        await node.ReceiveJobAsync("the job");
        var lost = harness.Events.LostAsync(node.Connection);

        for (var beat = 1; beat <= 10; beat++)
        {
            harness.Time.Advance(s_interval);
            var heartbeat = await node.ReceiveAsync<HeartbeatFrame>($"heartbeat {beat}");
            await node.SendHeartbeatAckAsync(heartbeat.Value);
            Assert.Empty(await node.PingAsync($"the server handling the answer to heartbeat {beat}"));
            Assert.False(lost.IsCompleted, $"the node was declared lost at heartbeat {beat} although it answered every one");
        }

        await node.SendSucceededAsync(job.Id, 5);
        Assert.Equal(5, await job.ResultAsync("the result after 10 s of heartbeats"));
    }
}
