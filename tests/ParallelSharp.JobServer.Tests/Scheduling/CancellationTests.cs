using ParallelSharp.JobServerTests.Infrastructure;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.JobServerTests.Scheduling;

public sealed class CancellationTests
{
    [Fact]
    public async Task Cancel_QueuedJob_CompletesCancelledAtOnceAndNeverSendsIt()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 1);
        var node = await harness.ConnectAsync("a", workers: 1);
        var running = harness.Submit<int>();
        var queued = harness.Submit<int>();
        var after = harness.Submit<int>();
        await node.ReceiveJobAsync("the running job");

        harness.Scheduler.Cancel(queued.Record);

        Assert.True(queued.Task.IsCanceled, "a queued job was not cancelled at once");
        Assert.Equal(JobStatus.Cancelled, queued.Record.Status);
        await node.AssertQuietAsync("cancelling a queued job sends nothing");
        await node.SendSucceededAsync(running.Id, 1);
        Assert.Equal(after.Id, (await node.ReceiveJobAsync("the job after the cancelled one")).JobId);
        await node.AssertQuietAsync("the cancelled job is never sent");
        Assert.Equal(1, queued.Completions);
    }

    [Fact]
    public async Task Cancel_JobOnNode_SendsCancelJobAndCompletesWhenNodeAnswersCancelled()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>();
        await node.ReceiveJobAsync("the job");

        harness.Scheduler.Cancel(job.Record);

        Assert.Equal(job.Id, (await node.ReceiveAsync<CancelJobFrame>("the cancel request")).JobId);
        Assert.False(job.Task.IsCompleted, "a running job completed before its node answered the cancel request");
        await node.SendResultAsync(job.Id, JobResultStatus.Cancelled, []);
        await job.Task.FailsWith<OperationCanceledException>("the cancelled outcome");
        Assert.Equal(1, job.Completions);
    }

    [Fact]
    public async Task Cancel_ThenNodeLost_CompletesCancelledWithoutRunningElsewhere()
    {
        await using var harness = new SchedulerHarness();
        var dying = await harness.ConnectAsync("dying", workers: 1);
        var job = harness.Submit<int>();
        await dying.ReceiveJobAsync("the job");
        var survivor = await harness.ConnectAsync("survivor", workers: 1);
        harness.Scheduler.Cancel(job.Record);
        await dying.ReceiveAsync<CancelJobFrame>("the cancel request");

        await dying.CloseAsync();

        await job.Task.FailsWith<OperationCanceledException>("the cancelled job's outcome once its node is gone");
        await survivor.AssertQuietAsync("a cancelled job is not run elsewhere");
        Assert.Equal(1, job.Completions);
    }

    [Fact]
    public async Task Cancel_ThenWorkerCrashed_CompletesCancelledWithoutRetry()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>(maxAttempts: 3);
        await node.ReceiveJobAsync("the job");
        harness.Scheduler.Cancel(job.Record);
        await node.ReceiveAsync<CancelJobFrame>("the cancel request");

        await node.SendErrorAsync(job.Id, JobResultStatus.WorkerCrashed, new RemoteError("ParallelSharp.WorkerCrashed", "crashed", string.Empty));

        await job.Task.FailsWith<OperationCanceledException>("the cancelled job's outcome once its worker crashed");
        await node.AssertQuietAsync("a cancelled job is not retried");
    }
}
