using ParallelSharp.JobServerTests.Infrastructure;

namespace ParallelSharp.JobServerTests.Scheduling;

public sealed class NoNodeTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Submit_NoNodeUntilDeadline_FailsWithNoNodeAvailableNamingLastConnectionError()
    {
        await using var harness = new SchedulerHarness(noNodeTimeout: s_deadline);
        harness.Scheduler.RecordNodeError("127.0.0.1:7741", "Connection refused");
        var jobs = harness.SubmitMany<int>(2);

        harness.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.All(jobs, j => Assert.False(j.Task.IsCompleted, $"job {j.Id} failed before the deadline"));
        harness.Time.Advance(TimeSpan.FromSeconds(2));

        foreach (var job in jobs)
        {
            var error = await job.Task.FailsWith<NodeUnavailableException>($"job {job.Id} failing at the deadline");
            Assert.Equal(NodeFailureKind.NoNodeAvailable, error.Kind);
            Assert.Contains("127.0.0.1:7741: Connection refused", error.Message, StringComparison.Ordinal);
            Assert.Equal(1, job.Completions);
        }
    }

    [Fact]
    public async Task Submit_OnlyNodeLost_FailsAtDeadlineNamingTheLoss()
    {
        await using var harness = new SchedulerHarness(noNodeTimeout: s_deadline);
        var node = await harness.ConnectAsync("only", workers: 1);
        var job = harness.Submit<int>();
        await node.ReceiveJobAsync("the job on the only node");
        await node.CloseAsync();
        await harness.Events.LostAsync(node.Connection).Within("the only node's loss");

        harness.Time.Advance(TimeSpan.FromSeconds(6));

        var error = await job.Task.FailsWith<NodeUnavailableException>("the job failing at the deadline");
        Assert.Equal(NodeFailureKind.NoNodeAvailable, error.Kind);
        Assert.Contains("node only was lost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_NodeArrivesBeforeDeadline_RunsTheJobs()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 2, noNodeTimeout: s_deadline);
        var jobs = harness.SubmitMany<int>(2);
        harness.Time.Advance(TimeSpan.FromSeconds(4));

        var node = await harness.ConnectAsync("late", workers: 1);
        var sent = await node.ReceiveJobsAsync(2, "the waiting jobs on the node that arrived in time");
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        foreach (var job in sent)
            await node.SendSucceededAsync(job.JobId, 3);

        foreach (var job in jobs)
            Assert.Equal(3, await job.ResultAsync("the result past the deadline, from the node that arrived in time"));
    }
}
