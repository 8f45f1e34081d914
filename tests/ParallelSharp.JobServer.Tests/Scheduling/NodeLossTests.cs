using ParallelSharp.JobServerTests.Infrastructure;
using ParallelSharp.Nodes;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.JobServerTests.Scheduling;

public sealed class NodeLossTests
{
    [Fact]
    public async Task NodeLost_ConnectionClosed_ChargesOnlyOldestJobPerWorkerAndRunsAllElsewhere()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 3);
        var dying = await harness.ConnectAsync("dying", workers: 2);
        var jobs = harness.SubmitMany<int>(6);
        await dying.ReceiveJobsAsync(6, "2 workers x depth 3 jobs on the node that will die");
        var survivor = await harness.ConnectAsync("survivor", workers: 6);
        await survivor.AssertQuietAsync("nothing is queued when the survivor joins");

        await dying.CloseAsync();

        var moved = await survivor.ReceiveJobsAsync(6, "every job of the dead node, on the survivor");
        Assert.Equal(jobs.Select(j => j.Id), moved.Select(j => j.JobId));
        var (kind, _) = await harness.Events.LostAsync(dying.Connection).Within("the loss report");
        Assert.Equal(NodeFailureKind.ConnectionLost, kind);
        Assert.Equal([1, 1, 0, 0, 0, 0], jobs.Select(j => j.Record.FailedAttempts.Count));
        Assert.All(jobs.Take(2), j => Assert.Equal("dying", j.Record.FailedAttempts[0].NodeId));

        foreach (var job in moved)
            await survivor.SendSucceededAsync(job.JobId, (int)job.JobId * 10);
        for (var i = 0; i < jobs.Count; i++)
            Assert.Equal((int)jobs[i].Id * 10, await jobs[i].ResultAsync("the result from the survivor"));
        Assert.All(jobs, j => Assert.Equal(1, j.Completions));
        var snapshot = harness.Scheduler.Snapshot();
        Assert.Equal((1L, 6L), (snapshot.NodesLost, snapshot.Reschedules));
        Assert.Equal(6, snapshot.Nodes["dying"].Reschedules);
    }

    [Fact]
    public async Task NodeLost_WithOneAttemptAllowed_AbandonsOnlyTheJobsItWasRunning()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 2);
        var dying = await harness.ConnectAsync("dying", workers: 2);
        var jobs = harness.SubmitMany<int>(4, maxAttempts: 1);
        await dying.ReceiveJobsAsync(4, "the four jobs");
        var survivor = await harness.ConnectAsync("survivor", workers: 4);

        await dying.BreakAsync();

        var moved = await survivor.ReceiveJobsAsync(2, "the jobs that were only queued on the dead node");
        Assert.Equal([jobs[2].Id, jobs[3].Id], moved.Select(j => j.JobId));
        foreach (var job in jobs.Take(2))
        {
            var error = await job.Task.FailsWith<JobAbandonedException>($"job {job.Id}, running when its node died");
            var attempt = Assert.Single(error.Attempts);
            Assert.Equal("dying", attempt.NodeId);
            Assert.Contains("ConnectionLost", attempt.Reason, StringComparison.Ordinal);
        }

        await survivor.AssertQuietAsync("abandoned jobs are not sent");
        foreach (var job in moved)
            await survivor.SendSucceededAsync(job.JobId, 1);
        var results = await Task.WhenAll(jobs[2].Task, jobs[3].Task).Within("the moved jobs' results");
        Assert.Equal([1, 1], results);
    }

    [Fact]
    public async Task NodeLost_ChargesTheOldestByDispatchOrderNotBySubmissionOrder()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 3);
        var dying = await harness.ConnectAsync("dying", workers: 1);
        var jobs = harness.SubmitMany<int>(3, maxAttempts: 3);
        await dying.ReceiveJobsAsync(3, "the three jobs");
        // The first job's worker crashes: it is charged and sent again, now the newest job on the node.
        await dying.SendErrorAsync(jobs[0].Id, JobResultStatus.WorkerCrashed, new RemoteError("ParallelSharp.WorkerCrashed", "crashed", string.Empty));
        Assert.Equal(jobs[0].Id, (await dying.ReceiveJobAsync("the first job, dispatched again")).JobId);
        var survivor = await harness.ConnectAsync("survivor", workers: 3);

        await dying.CloseAsync();

        var moved = await survivor.ReceiveJobsAsync(3, "the three jobs on the survivor");
        Assert.Equal([jobs[1].Id, jobs[2].Id, jobs[0].Id], moved.Select(j => j.JobId));
        // The node was running its oldest dispatch (job 2); job 1 was only queued there after its retry.
        Assert.Equal([1, 1, 0], jobs.Select(j => j.Record.FailedAttempts.Count));
        Assert.Contains("crashed", jobs[0].Record.FailedAttempts[0].Reason, StringComparison.Ordinal);
        Assert.Contains("node lost", jobs[1].Record.FailedAttempts[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_FromReconnectedNodeForJobItNoLongerHolds_IsIgnoredAndCounted()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 1);
        var first = await harness.ConnectAsync("flaky", workers: 1);
        var job = harness.Submit<int>();
        await first.ReceiveJobAsync("the job on the flaky node");
        var survivor = await harness.ConnectAsync("survivor", workers: 1);
        await first.CloseAsync();
        Assert.Equal(job.Id, (await survivor.ReceiveJobAsync("the job moved to the survivor")).JobId);

        var back = await harness.ConnectAsync("flaky", workers: 1);
        await back.SendSucceededAsync(job.Id, 111);
        await back.AssertQuietAsync("the late result handled, and nothing sent for it");

        Assert.False(job.Task.IsCompleted, "a late result from a node that no longer holds the job completed it");
        var snapshot = harness.Scheduler.Snapshot();
        Assert.Equal(1, snapshot.LateResults);
        Assert.Equal(1, snapshot.Nodes["flaky"].LateResults);

        await survivor.SendSucceededAsync(job.Id, 222);
        Assert.Equal(222, await job.ResultAsync("the survivor's result"));
        await back.SendSucceededAsync(job.Id, 333);
        await back.AssertQuietAsync("a second late result handled");
        Assert.Equal(222, await job.Task);
        Assert.Equal(1, job.Completions);
        Assert.Equal(2, harness.Scheduler.Snapshot().LateResults);
    }

    [Fact]
    public async Task Result_ArrivingAfterItsConnectionWasDeclaredLost_IsIgnoredAndCounted()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 1);
        var dying = await harness.ConnectAsync("dying", workers: 1);
        var job = harness.Submit<int>();
        await dying.ReceiveJobAsync("the job on the node that will be declared dead");
        var survivor = await harness.ConnectAsync("survivor", workers: 1);

        // A heartbeat timeout declares the node dead while its read loop may still deliver frames already buffered.
        dying.Connection.Abort(NodeFailureKind.HeartbeatTimeout, "test: declared dead");
        Assert.Equal(job.Id, (await survivor.ReceiveJobAsync("the job moved to the survivor")).JobId);
        ((INodeEvents)harness.Scheduler).OnJobResult(dying.Connection, job.Id, JobResultStatus.Succeeded, 0, "111"u8);

        Assert.False(job.Task.IsCompleted, "a result delivered by a connection already declared lost completed the job");
        Assert.Equal(1, harness.Scheduler.Snapshot().LateResults);
        await survivor.SendSucceededAsync(job.Id, 222);
        Assert.Equal(222, await job.ResultAsync("the survivor's result"));
        Assert.Equal(1, job.Completions);
    }

    [Fact]
    public async Task AddNode_ConnectionLostBeforeItWasAdded_IsNotGivenJobs()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 4);
        var gone = await harness.ConnectAsync("gone", workers: 8, addToScheduler: false);
        await gone.CloseAsync();
        await harness.Events.LostAsync(gone.Connection).Within("the connection's loss, before the scheduler knew it");
        var live = await harness.ConnectAsync("live", workers: 1);

        harness.Scheduler.AddNode(gone.Connection);
        var job = harness.Submit<int>();

        Assert.Equal(job.Id, (await live.ReceiveJobAsync("the job on the live node, not the dead one")).JobId);
        Assert.DoesNotContain(gone.Connection, harness.Scheduler.Nodes);
    }
}
