using ParallelSharp.JobServerTests.Infrastructure;

namespace ParallelSharp.JobServerTests.Submission;

public sealed class CallbackTests
{
    [Fact]
    public async Task WaitAsync_Group_CompletesOnlyAfterItsJobsFinishedAndTheirCallbacksRan()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 3);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gate = new ManualResetEventSlim();
        var callbacksDone = 0;
        var inGroup = harness.Server.Submit<int>(Sources.Echo, [1], new JobOptions { Group = "g" }, _ =>
        {
            started.TrySetResult();
            gate.Wait(TestTimeouts.Step);
            Interlocked.Increment(ref callbacksDone);
        });
        var alsoInGroup = harness.Server.Submit<int>(Sources.Echo, [2], new JobOptions { Group = "g" });
        var elsewhere = harness.Server.Submit<int>(Sources.Echo, [3], new JobOptions { Group = "other" });
        var runs = await node.ReceiveJobsAsync(3, "the three jobs");

        await node.SendSucceededAsync(runs[0].JobId, 1);
        await node.SendSucceededAsync(runs[2].JobId, 3);
        await harness.Server.WaitAsync("other").Within("the other group, whose only job finished");
        var wait = harness.Server.WaitAsync("g");
        Assert.False(wait.IsCompleted, "the group was done while one of its jobs was still running");

        await node.SendSucceededAsync(runs[1].JobId, 2);
        await started.Task.Within("the group's callback starting");
        var results = await Task.WhenAll(inGroup.Task, alsoInGroup.Task).Within("the group's results");
        Assert.Equal([1, 2], results);
        Assert.False(wait.IsCompleted, "the group was done while its callback was still running");

        gate.Set();
        await wait.Within("the group once its callback ran");
        Assert.Equal(1, Volatile.Read(ref callbacksDone));
        Assert.Equal(3, await elsewhere);
    }

    [Fact]
    public async Task Callbacks_ByDefault_RunOneAtATimeInCompletionOrder()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 3);
        var tracker = new OverlapTracker();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gate = new ManualResetEventSlim();
        _ = harness.Server.Submit<int>(Sources.Echo, [1], null, _ => tracker.Run(1, () =>
        {
            firstStarted.TrySetResult();
            gate.Wait(TestTimeouts.Step);
        }));
        _ = harness.Server.Submit<int>(Sources.Echo, [2], null, _ => tracker.Run(2, () => secondStarted.TrySetResult()));
        var marker = harness.Server.Submit<int>(Sources.Echo, [3]);
        var runs = await node.ReceiveJobsAsync(3, "the three jobs");

        await node.SendSucceededAsync(runs[0].JobId, 1);
        await firstStarted.Task.Within("the first callback starting");
        await node.SendSucceededAsync(runs[1].JobId, 2);
        await node.SendSucceededAsync(runs[2].JobId, 3);
        // The read loop handles results in order, and hands the second job's callback over before it reads the third
        // result: once the third job completed, the second callback is waiting to run.
        await marker.Task.Within("the third result");
        Assert.False(secondStarted.Task.IsCompleted, "the second callback started while the first was still running");

        gate.Set();
        await harness.Server.WaitAllAsync().Within("both callbacks");
        Assert.Equal(1, tracker.MaxConcurrent);
        Assert.Equal([1, 2], tracker.Order);
    }

    [Fact]
    public async Task Callbacks_WithConcurrentCallbacks_CanOverlap()
    {
        await using var harness = new ServerHarness(o => o.ConcurrentCallbacks = true);
        var node = await harness.ConnectAsync("a", workers: 2);
        var tracker = new OverlapTracker();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstSawSecond = false;
        _ = harness.Server.Submit<int>(Sources.Echo, [1], null, _ => tracker.Run(1, () =>
        {
            firstStarted.TrySetResult();
            firstSawSecond = secondStarted.Task.Wait(TestTimeouts.Step);
        }));
        _ = harness.Server.Submit<int>(Sources.Echo, [2], null, _ => tracker.Run(2, () => secondStarted.TrySetResult()));
        var runs = await node.ReceiveJobsAsync(2, "the two jobs");

        await node.SendSucceededAsync(runs[0].JobId, 1);
        await firstStarted.Task.Within("the first callback starting");
        await node.SendSucceededAsync(runs[1].JobId, 2);

        await harness.Server.WaitAllAsync().Within("both callbacks");
        Assert.True(firstSawSecond, "the second callback did not start while the first was running");
        Assert.Equal(2, tracker.MaxConcurrent);
    }

    [Fact]
    public async Task Callback_Throwing_DoesNotStopOtherCallbacksOrTheGroup()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 2);
        var secondRan = false;
        _ = harness.Server.Submit<int>(Sources.Echo, [1], new JobOptions { Group = "g" }, _ => throw new InvalidOperationException("callback bug"));
        _ = harness.Server.Submit<int>(Sources.Echo, [2], new JobOptions { Group = "g" }, _ => secondRan = true);
        var runs = await node.ReceiveJobsAsync(2, "the two jobs");

        await node.SendSucceededAsync(runs[0].JobId, 1);
        await node.SendSucceededAsync(runs[1].JobId, 2);

        await harness.Server.WaitAsync("g").Within("the group after a throwing callback");
        Assert.True(secondRan);
    }

    private sealed class OverlapTracker
    {
        private readonly Lock _gate = new();
        private readonly List<int> _order = [];
        private int _running;

        public int MaxConcurrent { get; private set; }

        public IReadOnlyList<int> Order
        {
            get
            {
                lock (_gate)
                    return [.. _order];
            }
        }

        public void Run(int id, Action body)
        {
            lock (_gate)
            {
                _order.Add(id);
                MaxConcurrent = Math.Max(MaxConcurrent, ++_running);
            }

            try
            {
                body();
            }
            finally
            {
                lock (_gate)
                    _running--;
            }
        }
    }
}
