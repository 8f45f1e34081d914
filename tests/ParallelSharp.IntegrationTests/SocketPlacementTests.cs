using System.Diagnostics;
using System.Net;

namespace ParallelSharp.IntegrationTests;

/// <summary>
/// Every socket the daemon, its workers and a job server open is where it was told to be (Dask, tried here, opened
/// an HTTP server on 0.0.0.0 with its dashboard switched off). Linux only: the inventory reads /proc.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public sealed class SocketPlacementTests
{
    [Fact]
    public async Task Daemon_OnLoopback_ListensOnlyThereAndWorkersOpenNoSocket()
    {
        if (!OperatingSystem.IsLinux())
            return;
        await using var daemon = await DaemonProcess.StartAsync("--listen", "127.0.0.1", "--workers", "2");
        var workers = await WaitForWorkersAsync(daemon, 2);

        var sockets = SocketInventory.Of([daemon.ProcessId, .. workers]);
        var listening = Assert.Single(sockets, s => s.IsListening);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, daemon.EndPoint.Port), listening.Local);
        Assert.DoesNotContain(sockets, s => s.Protocol.StartsWith("udp", StringComparison.Ordinal));
        Assert.DoesNotContain(sockets, s => workers.Contains(s.ProcessId));
    }

    [Fact]
    public async Task Daemon_Advertising_AddsOnlyTheMdnsPort()
    {
        if (!OperatingSystem.IsLinux())
            return;
        await using var daemon = await DaemonProcess.StartAsync(
            "--listen", "127.0.0.1", "--workers", "1", "--secret", "s", "--advertise", "--cluster", "sockets-" + Guid.NewGuid().ToString("N")[..8]);
        var sockets = SocketInventory.Of([daemon.ProcessId]);

        var listening = Assert.Single(sockets, s => s.IsListening);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, daemon.EndPoint.Port), listening.Local);
        // mDNS must bind the wildcard address on 5353 to receive multicast at all; it joins the group on loopback
        // only and drops packets that arrive on other interfaces.
        Assert.All(sockets.Where(s => s.Protocol.StartsWith("udp", StringComparison.Ordinal)), s => Assert.Equal(5353, s.Local.Port));
        Assert.Contains(sockets, s => s.Protocol == "udp");
    }

    [Fact]
    public async Task JobServer_WithLocalNode_ListensNowhere()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var clientDll = Path.Combine(DaemonProcess.RepositoryRoot, "tests", "ParallelSharp.TestClient", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "ParallelSharp.TestClient.dll");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(clientDll);
        using var client = Process.Start(start)!;
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
            var workers = line["workers ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);

            var sockets = SocketInventory.Of([client.Id, .. workers]);
            Assert.True(sockets.Count == 0, "The job server and its local workers opened sockets: " + string.Join(", ", sockets));
        }
        finally
        {
            client.Kill(entireProcessTree: true);
        }
    }

    private static async Task<IReadOnlyList<int>> WaitForWorkersAsync(DaemonProcess daemon, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var workers = daemon.ChildProcessIds();
            if (workers.Count >= count)
                return workers;
            if (deadline.Elapsed > TestTimeouts.Job)
                Assert.Fail($"The daemon started {workers.Count} of {count} workers.");
            await Task.Delay(20); // process start has no event we can wait on from here; bounded
        }
    }
}
