using ParallelSharp.JobServerTests.Infrastructure;

namespace ParallelSharp.JobServerTests.Scheduling;

public sealed class DispatchTests
{
    [Fact]
    public async Task Submit_MoreJobsThanSlots_SendsWorkersTimesDepthThenOneJobPerResult()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 2);
        var node = await harness.ConnectAsync("a", workers: 3);

        var jobs = harness.SubmitMany<int>(10);

        var sent = await node.ReceiveJobsAsync(6, "the first 3 x 2 jobs");
        Assert.Equal(jobs.Take(6).Select(j => j.Id), sent.Select(j => j.JobId));
        await node.AssertQuietAsync("no seventh job while all 6 slots are taken");

        await node.SendSucceededAsync(jobs[0].Id, 10);
        Assert.Equal(10, await jobs[0].ResultAsync("the first result"));
        var next = await node.ReceiveJobAsync("the job that takes the freed slot");
        Assert.Equal(jobs[6].Id, next.JobId);
        await node.AssertQuietAsync("one result frees exactly one slot");

        await node.SendSucceededAsync(jobs[1].Id, 11);
        await node.SendSucceededAsync(jobs[2].Id, 12);
        Assert.Equal([jobs[7].Id, jobs[8].Id], (await node.ReceiveJobsAsync(2, "two more jobs for two results")).Select(j => j.JobId));
        await node.AssertQuietAsync("still no more than 6 in flight");
    }

    [Fact]
    public async Task NodeStatus_RaisingWorkers_SendsMoreJobsAtOnce()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 1);
        var node = await harness.ConnectAsync("a", workers: 1);
        var jobs = harness.SubmitMany<int>(5);
        Assert.Equal(jobs[0].Id, (await node.ReceiveJobAsync("the one job one worker takes")).JobId);
        await node.AssertQuietAsync("one worker, depth 1: one job");

        await node.SendNodeStatusAsync(3);

        var more = await node.SettleJobsAsync("the jobs for the two new workers");
        Assert.Equal([jobs[1].Id, jobs[2].Id], more.Select(j => j.JobId));
        Assert.Equal(3, node.Connection.Workers);
    }

    [Fact]
    public async Task NodeStatus_LoweringWorkers_SendsNothingUntilInFlightDropsBelowNewCount()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 1);
        var node = await harness.ConnectAsync("a", workers: 3);
        var jobs = harness.SubmitMany<int>(5);
        await node.ReceiveJobsAsync(3, "one job per worker");

        await node.SendNodeStatusAsync(1);
        await node.AssertQuietAsync("lowering the workers sends nothing");

        await node.SendSucceededAsync(jobs[0].Id, 0);
        await node.SendSucceededAsync(jobs[1].Id, 1);
        await Task.WhenAll(jobs[0].Task, jobs[1].Task).Within("the first two results");
        await node.AssertQuietAsync("two results leave one job in flight, which fills the one worker");

        await node.SendSucceededAsync(jobs[2].Id, 2);
        await jobs[2].ResultAsync("the third result");
        Assert.Equal(jobs[3].Id, (await node.ReceiveJobAsync("the next job once the node is below its new count")).JobId);
        await node.AssertQuietAsync("and only that one");
    }

    [Fact]
    public async Task NodeStatus_ZeroWorkers_StopsDispatchUntilWorkersReturn()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 2);
        var node = await harness.ConnectAsync("a", workers: 1);
        await node.SendNodeStatusAsync(0);
        await node.AssertQuietAsync("the node reporting no workers");

        var job = harness.Submit<int>();
        await node.AssertQuietAsync("nothing goes to a node with no workers");

        await node.SendNodeStatusAsync(1);
        Assert.Equal(job.Id, (await node.ReceiveJobAsync("the job once a worker is back")).JobId);
    }
}
