namespace ParallelSharp.IntegrationTests;

[Collection(ProcessHeavyCollection.Name)]
public sealed class RemoteNodeTests
{
    private const string Secret = "integration-secret";

    [Fact]
    public async Task Submit_ToListedDaemon_RunsThereWithCorrectResults()
    {
        await using var daemon = await DaemonProcess.StartAsync("--secret", Secret, "--workers", "2", "--node-id", "remote-a");
        await using var server = new JobServer(new JobServerOptions { LocalWorkers = 0, Nodes = { daemon.Address }, Secret = Secret });

        var jobs = Enumerable.Range(0, 2_000).Select(i => server.Submit<int>(Sources.AddOne, i)).ToList();
        var results = await Task.WhenAll(jobs.Select(j => j.Task)).WaitAsync(TestTimeouts.Many);

        Assert.Equal(Enumerable.Range(1, 2_000), results);
        Assert.All(jobs, j => Assert.Equal("remote-a", j.NodeId));
        var stats = Assert.Single(server.GetStatistics().Nodes);
        Assert.Equal("remote-a", stats.NodeId);
        Assert.Equal(2_000, stats.JobsCompleted);
        await daemon.WaitForOutputAsync("connected from");
    }

    [Fact]
    public async Task Submit_WithWrongSecret_RefusedOnBothSidesAndNoCodeRuns()
    {
        await using var daemon = await DaemonProcess.StartAsync("--secret", Secret, "--workers", "1");
        await using var server = new JobServer(new JobServerOptions
        {
            LocalWorkers = 0,
            Nodes = { daemon.Address },
            Secret = "not-the-secret",
            NoNodeTimeout = TimeSpan.FromSeconds(2),
        });

        var error = await Assert.ThrowsAsync<NodeUnavailableException>(() => server.Submit<int>(Sources.AddOne, 1).Task.WaitAsync(TestTimeouts.Job));
        Assert.Equal(NodeFailureKind.NoNodeAvailable, error.Kind);
        Assert.Contains("secret", error.Message, StringComparison.OrdinalIgnoreCase);
        await daemon.WaitForOutputAsync("AuthenticationFailed");
        Assert.Empty(server.ActiveNodes);
    }

    [Fact]
    public async Task Daemon_KilledMidRun_JobsFinishOnTheOtherNode()
    {
        await using var doomed = await DaemonProcess.StartAsync("--secret", Secret, "--workers", "2", "--node-id", "doomed");
        await using var survivor = await DaemonProcess.StartAsync("--secret", Secret, "--workers", "2", "--node-id", "survivor");
        await using var server = new JobServer(new JobServerOptions { LocalWorkers = 0, Nodes = { doomed.Address, survivor.Address }, Secret = Secret });
        var sleep = Sources.Behaviour("Sleep");
        await WaitForNodesAsync(server, 2);
        // Warm both nodes so jobs are in flight on each when one dies.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.Submit<int>(sleep, 1).Task)).WaitAsync(TestTimeouts.Job);

        var jobs = Enumerable.Range(0, 200).Select(i => server.Submit<int>(sleep, 10 + (i % 3))).ToList();
        await jobs[20].Task.WaitAsync(TestTimeouts.Job);
        doomed.Kill();

        var results = await Task.WhenAll(jobs.Select(j => j.Task)).WaitAsync(TestTimeouts.Many);
        Assert.Equal(jobs.Select((_, i) => 10 + (i % 3)), results);
        var stats = server.GetStatistics();
        Assert.Equal(1, stats.NodesLost);
        Assert.True(stats.Nodes.Single(n => n.NodeId == "survivor").JobsCompleted > 0);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("oversized")]
    [InlineData("silent")]
    public async Task Daemon_MalformedClient_ClosesThatConnectionOnlyAndServesOthers(string misbehaviour)
    {
        await using var daemon = await DaemonProcess.StartAsync("--secret", Secret, "--workers", "1");
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            await socket.ConnectAsync(daemon.EndPoint).WaitAsync(TestTimeouts.Job);
            var bytes = misbehaviour switch
            {
                "garbage" => "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(),
                "oversized" => [0xFF, 0xFF, 0xFF, 0x7F, 0x01], // a 2 GB frame announced before any handshake
                _ => [],
            };
            if (bytes.Length > 0)
                await socket.SendAsync(bytes, System.Net.Sockets.SocketFlags.None).WaitAsync(TestTimeouts.Job);
            // The daemon closes the connection: a read returns 0 bytes (or the peer resets it) within the handshake timeout.
            var buffer = new byte[4096];
            int read;
            do
            {
                try
                {
                    read = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None).WaitAsync(TestTimeouts.Job);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    read = 0;
                }
            }
            while (read > 0);
        }

        await daemon.WaitForOutputAsync("Refused a connection");
        await using var server = new JobServer(new JobServerOptions { LocalWorkers = 0, Nodes = { daemon.Address }, Secret = Secret });
        Assert.Equal(42, await server.Submit<int>(Sources.AddOne, 41).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Daemon_AdvertiseWithoutSecret_RefusesToStartWithClearMessage()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DaemonProcess.StartAsync("--advertise"));
        Assert.Contains("without a secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_NonLoopbackWithoutSecret_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DaemonProcess.StartAsync("--listen", "0.0.0.0"));
        Assert.Contains("without a secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_TerminatedMidRun_HandsJobsBackWithoutChargingAttempts()
    {
        await using var leaving = await DaemonProcess.StartAsync("--secret", Secret, "--workers", "2", "--node-id", "leaving");
        await using var staying = await DaemonProcess.StartAsync("--secret", Secret, "--workers", "2", "--node-id", "staying");
        // One attempt only: a job charged for the graceful shutdown would be abandoned and fail this test.
        await using var server = new JobServer(new JobServerOptions { LocalWorkers = 0, Nodes = { leaving.Address, staying.Address }, Secret = Secret, MaxAttempts = 1 });
        var sleep = Sources.Behaviour("Sleep");
        await WaitForNodesAsync(server, 2);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.Submit<int>(sleep, 1).Task)).WaitAsync(TestTimeouts.Job);

        var jobs = Enumerable.Range(0, 100).Select(_ => server.Submit<int>(sleep, 20)).ToList();
        await jobs[10].Task.WaitAsync(TestTimeouts.Job);
        Assert.Equal(0, await leaving.TerminateAsync());

        Assert.All(await Task.WhenAll(jobs.Select(j => j.Task)).WaitAsync(TestTimeouts.Many), r => Assert.Equal(20, r));
        Assert.Equal(0, server.GetStatistics().JobsAbandoned);
    }

    private static async Task WaitForNodesAsync(JobServer server, int count)
    {
        // Both listed nodes connect in the background; node membership has no public event, so poll (bounded).
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (server.ActiveNodes.Count < count)
        {
            if (deadline.Elapsed > TestTimeouts.Job)
                Assert.Fail($"Only {server.ActiveNodes.Count} of {count} nodes connected.");
            await Task.Delay(20);
        }
    }
}
