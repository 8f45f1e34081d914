using ParallelSharp.JobServerTests.Infrastructure;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.JobServerTests.Scheduling;

public sealed class RetryTests
{
    private static RemoteError Crash(int attempt) =>
        new("ParallelSharp.WorkerCrashed", $"worker process {1000 + attempt} crashed (exit code 134)", string.Empty);

    [Fact]
    public async Task Result_WorkerCrashedOnEveryAttempt_AbandonsListingEveryAttempt()
    {
        await using var harness = new SchedulerHarness();
        var a = await harness.ConnectAsync("a", workers: 1);
        var b = await harness.ConnectAsync("b", workers: 1);
        var job = harness.Submit<int>(maxAttempts: 3);

        var nodes = new[] { a, b };
        var holder = (await a.SettleJobsAsync("the first dispatch")).Count == 1 ? a : b;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            if (attempt > 1)
            {
                var sent = new List<(FakeNode Node, RunJobFrame Job)>();
                foreach (var node in nodes)
                    sent.AddRange((await node.SettleJobsAsync($"attempt {attempt}'s dispatch")).Select(j => (node, j)));
                var (next, frame) = Assert.Single(sent);
                Assert.Equal(job.Id, frame.JobId);
                holder = next;
            }

            Assert.False(job.Task.IsCompleted, $"the job completed after {attempt - 1} crash(es) out of 3 allowed");
            await holder.SendErrorAsync(job.Id, JobResultStatus.WorkerCrashed, Crash(attempt));
        }

        var error = await job.Task.FailsWith<JobAbandonedException>("the job abandoned after 3 crashes");
        Assert.Equal([1, 2, 3], error.Attempts.Select(a => a.Number));
        for (var i = 0; i < 3; i++)
            Assert.Contains(Crash(i + 1).Message, error.Attempts[i].Reason, StringComparison.Ordinal);
        Assert.All(error.Attempts, attempt => Assert.Contains(attempt.NodeId, new[] { "a", "b" }));
        Assert.Contains("attempt 3", error.Message, StringComparison.Ordinal);
        await a.AssertQuietAsync("an abandoned job is not sent again");
        await b.AssertQuietAsync("an abandoned job is not sent again");
        Assert.Equal(1, job.Completions);
        Assert.Equal(1, harness.Scheduler.Snapshot().Abandoned);
    }

    [Fact]
    public async Task Result_WorkerCrashedOnce_RunsAgainAndDeliversResult()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>(maxAttempts: 2);
        await node.ReceiveJobAsync("the first attempt");

        await node.SendErrorAsync(job.Id, JobResultStatus.WorkerCrashed, Crash(1));
        Assert.Equal(job.Id, (await node.ReceiveJobAsync("the second attempt on the same node")).JobId);
        await node.SendSucceededAsync(job.Id, 42);

        Assert.Equal(42, await job.ResultAsync("the second attempt's result"));
        var attempt = Assert.Single(job.Record.FailedAttempts);
        Assert.Equal("a", attempt.NodeId);
        Assert.Equal(1, harness.Scheduler.Snapshot().Reschedules);
    }

    [Fact]
    public async Task Result_Rejected_RedispatchesWithoutChargingAnAttempt()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>(maxAttempts: 1);

        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(job.Id, (await node.ReceiveJobAsync($"dispatch {i}")).JobId);
            await node.SendErrorAsync(job.Id, JobResultStatus.Rejected,
                new RemoteError("ParallelSharp.NodeShuttingDown", "The node is shutting down.", string.Empty));
            // A node that rejected a job is paused briefly, so it cannot bounce jobs in a tight loop; let the pause pass.
            await node.PingAsync("the rejection to be processed");
            harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(job.Id, (await node.ReceiveJobAsync("the dispatch after three rejections")).JobId);
        await node.SendSucceededAsync(job.Id, 7);
        Assert.Equal(7, await job.ResultAsync("the result after three rejections with one attempt allowed"));
        Assert.Empty(job.Record.FailedAttempts);
        Assert.Equal(1, job.Record.Starts);
    }
}
