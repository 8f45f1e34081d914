using System.Diagnostics;

namespace ParallelSharp.IntegrationTests;

[Collection(ProcessHeavyCollection.Name)]
public sealed class LifecycleTests
{
    [Fact]
    public async Task DisposeAsync_WithJobsRunning_LeavesNoWorkerProcess()
    {
        var server = new JobServer(new JobServerOptions { LocalWorkers = 2 });
        IReadOnlyList<int> workers;
        Job<int> hanging;
        try
        {
            await server.WaitUntilReadyAsync().WaitAsync(TestTimeouts.Job);
            hanging = server.Submit<int>(Sources.Behaviour("Hang"), 1);
            Assert.Equal(2, await server.Submit<int>(Sources.AddOne, 1).Task.WaitAsync(TestTimeouts.Job));
            workers = server.LocalWorkerProcessIds;
            Assert.Equal(2, workers.Count);
        }
        finally
        {
            await server.DisposeAsync();
        }

        await ProcessAssert.AllExitAsync(workers, TestTimeouts.ProcessExit);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging.Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task ClientKilled_WorkersNoticeAndExit()
    {
        var clientDll = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "ParallelSharp.TestClient", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "ParallelSharp.TestClient.dll");
        Assert.True(File.Exists(clientDll), $"The test client was not built at {clientDll}.");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(clientDll);
        using var client = Process.Start(start)!;
        List<int> workers;
        try
        {
            using var cts = new CancellationTokenSource(TestTimeouts.Job);
            string? line;
            do
            {
                line = await client.StandardOutput.ReadLineAsync(cts.Token);
            }
            while (line is not null && !line.StartsWith("workers ", StringComparison.Ordinal));
            Assert.NotNull(line);
            workers = line["workers ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
            Assert.Equal(2, workers.Count);
        }
        finally
        {
            client.Kill(entireProcessTree: false); // SIGKILL of the client alone: its workers must notice by themselves
        }

        await ProcessAssert.AllExitAsync(workers, TestTimeouts.ProcessExit);
    }

    [Fact]
    public async Task SetLocalWorkers_UpAndDownWhileJobsRun_AllJobsCompleteAndCountFollows()
    {
        await using var server = new JobServer(new JobServerOptions { LocalWorkers = 1 });
        await server.WaitUntilReadyAsync().WaitAsync(TestTimeouts.Job);
        var sleep = Sources.Behaviour("Sleep");
        var first = Enumerable.Range(0, 20).Select(_ => server.Submit<int>(sleep, 20)).ToList();

        server.SetLocalWorkers(3);
        var second = Enumerable.Range(0, 20).Select(_ => server.Submit<int>(sleep, 20)).ToList();
        await WaitForAsync(() => server.LocalWorkerProcessIds.Count == 3, "three workers after set to 3");
        Assert.Equal(3, server.LocalWorkers);

        server.SetLocalWorkers(1);
        var third = Enumerable.Range(0, 20).Select(_ => server.Submit<int>(sleep, 20)).ToList();
        var all = await Task.WhenAll(first.Concat(second).Concat(third).Select(j => j.Task)).WaitAsync(TestTimeouts.Many);
        Assert.All(all, r => Assert.Equal(20, r));
        await WaitForAsync(() => server.LocalWorkerProcessIds.Count == 1, "one worker after set to 1");
        Assert.Equal(1, server.LocalWorkers);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        // Polling a process count has no event to wait on; the poll is bounded and the message names what never came.
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TestTimeouts.Job)
                Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
