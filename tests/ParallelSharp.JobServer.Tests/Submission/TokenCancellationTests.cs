using ParallelSharp.JobServerTests.Infrastructure;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.JobServerTests.Submission;

public sealed class TokenCancellationTests
{
    [Fact]
    public async Task Submit_TokenCancelledBeforeSubmit_CompletesCancelledAndNeverSendsTheJob()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var job = harness.Server.Submit<int>(Sources.Echo, [1], options: null, callback: null, cts.Token);

        var error = await job.Task.FailsWith<OperationCanceledException>("the pre-cancelled job");
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal(JobStatus.Cancelled, job.Status);
        await node.AssertQuietAsync("a job cancelled before submit is never sent");
        await harness.Server.WaitAllAsync().Within("the cancelled job leaving its group");
    }

    [Fact]
    public async Task Submit_TokenCancelledWhileJobRuns_SendsCancelJobAndCompletesCancelled()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        using var cts = new CancellationTokenSource();
        var job = harness.Server.Submit<int>(Sources.Echo, [1], options: null, callback: null, cts.Token);
        var run = await node.ReceiveJobAsync("the job");

        await cts.CancelAsync();

        Assert.Equal(run.JobId, (await node.ReceiveAsync<CancelJobFrame>("the cancel request")).JobId);
        await node.SendResultAsync(run.JobId, JobResultStatus.Cancelled, []);
        var error = await job.Task.FailsWith<OperationCanceledException>("the cancelled job");
        Assert.Equal(cts.Token, error.CancellationToken);
    }

    [Fact]
    public async Task Submit_TokenCancelledWhileJobIsBeingAbandoned_NeitherSideDeadlocks()
    {
        const int JobAbandonedEvent = 1201;
        using var abandoning = new ManualResetEventSlim();
        using var releaseAbandon = new ManualResetEventSlim();
        var loggerFactory = new HookLoggerFactory(eventId =>
        {
            if (eventId.Id != JobAbandonedEvent)
                return;
            // The scheduler logs the abandon inside its lock: hold it there until the token's callbacks have started.
            abandoning.Set();
            releaseAbandon.Wait(TestTimeouts.Step);
        });
        await using var harness = new ServerHarness(o =>
        {
            o.MaxAttempts = 1;
            o.LoggerFactory = loggerFactory;
        });
        var node = await harness.ConnectAsync("a", workers: 1);
        using var cts = new CancellationTokenSource();
        var job = harness.Server.Submit<int>(Sources.Echo, [1], options: null, callback: null, cts.Token);
        using var cancelling = new ManualResetEventSlim();
        // Token callbacks run newest first: this one runs just before the job's own, which then waits for the lock.
        cts.Token.Register(cancelling.Set);
        var run = await node.ReceiveJobAsync("the job");

        await node.SendErrorAsync(run.JobId, JobResultStatus.WorkerCrashed, new RemoteError("ParallelSharp.WorkerCrashed", "crashed", string.Empty));
        Assert.True(abandoning.Wait(TestTimeouts.Step), "the job was not abandoned after its one attempt");
        // A thread of its own: two pool threads are blocked on purpose here, and on a 2-core machine the pool may
        // have no third one to give a Task.Run for seconds.
        var cancel = new Thread(cts.Cancel) { IsBackground = true, Name = "test-cancel" };
        cancel.Start();
        Assert.True(cancelling.Wait(TestTimeouts.Step), "the token's callbacks did not start");
        releaseAbandon.Set();

        await job.Task.FailsWith<JobAbandonedException>("the abandoned job, while its token is being cancelled");
        Assert.True(cancel.Join(TestTimeouts.Step), "the token's cancellation did not return");
    }
}
