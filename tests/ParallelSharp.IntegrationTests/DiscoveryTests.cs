using System.Diagnostics;

namespace ParallelSharp.IntegrationTests;

/// <summary>Discovery on loopback only: daemons advertise on 127.0.0.1 and the job server browses there; nothing reaches a real interface.</summary>
[Collection(ProcessHeavyCollection.Name)]
public sealed class DiscoveryTests
{
    private const string Secret = "discovery-secret";

    [Fact]
    public async Task Discovery_AdvertisingDaemon_IsFoundUsedAndDroppedAfterGoodbye()
    {
        var cluster = "it-" + Guid.NewGuid().ToString("N")[..8]; // other test runs on this machine must not interfere
        await using var daemon = await DaemonProcess.StartAsync("--secret", Secret, "--workers", "2", "--node-id", "adv-node", "--advertise", "--cluster", cluster);
        await using var server = new JobServer(new JobServerOptions { LocalWorkers = 0, Discovery = true, Secret = Secret, Cluster = cluster });

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => server.Submit<int>(Sources.AddOne, i).Task)).WaitAsync(TestTimeouts.Job);
        Assert.Equal(Enumerable.Range(1, 100), results);
        Assert.Equal(["adv-node"], server.ActiveNodes.Keys);

        Assert.Equal(0, await daemon.TerminateAsync());
        await WaitForAsync(() => server.ActiveNodes.Count == 0, "the job server to drop the node that said goodbye");
    }

    [Fact]
    public async Task Discovery_NodeOfAnotherCluster_IsIgnored()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var daemon = await DaemonProcess.StartAsync("--secret", Secret, "--workers", "1", "--advertise", "--cluster", "other-" + suffix);
        await using var server = new JobServer(new JobServerOptions
        {
            LocalWorkers = 0, Discovery = true, Secret = Secret, Cluster = "mine-" + suffix, NoNodeTimeout = TimeSpan.FromSeconds(3),
        });

        await Assert.ThrowsAsync<NodeUnavailableException>(() => server.Submit<int>(Sources.AddOne, 1).Task.WaitAsync(TestTimeouts.Job));
        Assert.Empty(server.ActiveNodes);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TestTimeouts.Job)
                Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(20); // node membership has no public event; the poll is bounded
        }
    }
}
