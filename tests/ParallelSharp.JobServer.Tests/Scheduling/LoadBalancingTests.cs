using ParallelSharp.JobServerTests.Infrastructure;

namespace ParallelSharp.JobServerTests.Scheduling;

public sealed class LoadBalancingTests
{
    [Fact]
    public async Task Submit_NodesWithOneAndFourWorkers_SplitsEachRoundOneToFour()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 2);
        var small = await harness.ConnectAsync("small", workers: 1);
        var large = await harness.ConnectAsync("large", workers: 4);
        var jobs = harness.SubmitMany<int>(30);
        var byId = jobs.ToDictionary(j => j.Id);

        for (var round = 1; round <= 3; round++)
        {
            var toSmall = await small.SettleJobsAsync($"round {round} on the 1-worker node");
            var toLarge = await large.SettleJobsAsync($"round {round} on the 4-worker node");
            Assert.True(toSmall.Count == 2 && toLarge.Count == 8,
                $"Round {round}: the 1-worker node got {toSmall.Count} jobs and the 4-worker node {toLarge.Count}; expected 2 and 8 (depth 2).");

            foreach (var job in toSmall)
                await small.SendSucceededAsync(job.JobId, 1);
            foreach (var job in toLarge)
                await large.SendSucceededAsync(job.JobId, 4);
            await Task.WhenAll(toSmall.Concat(toLarge).Select(j => byId[j.JobId].Task)).Within($"round {round}'s results");
        }

        Assert.All(jobs, j => Assert.True(j.Task.IsCompletedSuccessfully, $"job {j.Id} did not complete"));
        var counts = harness.Scheduler.Snapshot().Nodes;
        Assert.Equal(6, counts["small"].Completed);
        Assert.Equal(24, counts["large"].Completed);
    }

    [Fact]
    public async Task AddNode_WhileJobsAreQueued_GetsWorkAtOnce()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 1);
        var first = await harness.ConnectAsync("first", workers: 1);
        var jobs = harness.SubmitMany<int>(4);
        Assert.Equal(jobs[0].Id, (await first.ReceiveJobAsync("the first node's one job")).JobId);

        var late = await harness.ConnectAsync("late", workers: 2);

        var sent = await late.ReceiveJobsAsync(2, "the queued jobs going to the node that just joined");
        Assert.Equal([jobs[1].Id, jobs[2].Id], sent.Select(j => j.JobId));
        await first.AssertQuietAsync("the first node stays full with its one job");
    }
}
