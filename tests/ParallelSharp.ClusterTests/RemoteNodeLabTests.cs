using ParallelSharp.ClusterTests.Lab;
using Xunit.Abstractions;

namespace ParallelSharp.ClusterTests;

/// <summary>
/// Issue 4's multi-host proof: node daemons in lab hosts 1 and 2, the job server in host 3 finding them by mDNS on psh0.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class RemoteNodeLabTests(LabFixture fixture, ITestOutputHelper output)
{
    [LabFact]
    public async Task Discovery_TwoNodesOfUnequalSize_AllJobsCorrectAndSplitByWorkers()
    {
        await using var run = new LabRun(fixture, output, "split");
        await run.StartDaemonAsync(host: 1, workers: 1);
        await run.StartDaemonAsync(host: 2, workers: 3);
        // A node of another cluster on the same LAN: the client must see it and leave it alone.
        var foreign = await run.StartDaemonAsync(host: 1, workers: 1, nodeId: "foreign-1", cluster: run.Cluster + "-other", port: LabEnvironment.NodePort + 1);

        // Jobs sleep 10 ms, so worker slots, not CPU speed, decide the split; round 0 compiles and warms both nodes.
        var client = run.StartClient("discovery", "--discover", "psh0", "--jobs", "2000", "--sleep-ms", "10", "--warmup", "100",
            "--wait-nodes", "2", "--wait-seen", "3", "--progress-every", "500");
        var report = await run.FinishAsync(client);

        Assert.True(report.ExitCode == 0, $"The client reported a failure (exit {report.ExitCode}).\n{report.Transcript}");
        Assert.Equal(2100, report.SummaryValue("completed"));
        Assert.Equal(0, report.SummaryValue("failed"));
        Assert.Equal(0, report.SummaryValue("wrong"));
        Assert.Equal(0, report.SummaryValue("duplicates"));
        Assert.Equal(report.SummaryValue("expected_checksum"), report.SummaryValue("checksum"));

        var nodes = report.NodeStatistics;
        Assert.Equal(["node-1", "node-2"], nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2100, nodes.Values.Sum(n => n.GetProperty("completed").GetInt64()));
        var round = report.ByNode(1);
        var small = round.GetValueOrDefault("node-1");
        var large = round.GetValueOrDefault("node-2");
        output.WriteLine($"round 1: node-1 (1 worker) ran {small} job(s), node-2 (3 workers) ran {large}");
        Assert.True(small > 0 && large >= 1.5 * small && large <= 6.0 * small,
            $"Expected node-2 (3 workers) to run 1.5x to 6x the jobs of node-1 (1 worker); it ran {large} against {small}.\n{report.Transcript}");

        var ignored = report.Logs(1112).Where(l => ClientReport.Field(l, "InstanceName") == "foreign-1").ToList();
        Assert.True(ignored.Count > 0, $"The client never reported ignoring the node of the other cluster.\n{report.Transcript}");
        Assert.Contains("cluster", ClientReport.Field(ignored[0], "Reason"), StringComparison.Ordinal);
        Assert.DoesNotContain(report.Logs(1100), l => ClientReport.Field(l, "NodeId") == "foreign-1");
        Assert.DoesNotContain(foreign.Process.Lines, l => l.Contains("[2002]", StringComparison.Ordinal)); // ClientConnected
    }

    [LabFact]
    public async Task Discovery_ClientWithWrongSecret_IsRefusedAndTheNodeLogsIt()
    {
        await using var run = new LabRun(fixture, output, "secret");
        var daemon = await run.StartDaemonAsync(host: 1, workers: 1);

        var client = run.StartClient("wrong secret", "--discover", "psh0", "--secret", "not-" + run.Secret, "--jobs", "5",
            "--wait-seen", "1", "--no-node-timeout", "3");
        var report = await run.FinishAsync(client);

        Assert.Equal(1, report.ExitCode);
        Assert.Equal(0, report.SummaryValue("completed"));
        Assert.Equal(5, report.SummaryValue("failed"));
        var failures = report.All("job-failed").ToList();
        Assert.Equal(5, failures.Count);
        Assert.All(failures, f =>
        {
            Assert.Equal("ParallelSharp.NodeUnavailableException", f.GetProperty("type").GetString());
            Assert.Equal("NoNodeAvailable", f.GetProperty("kind").GetString());
            Assert.Contains("secret", f.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        });
        Assert.Empty(report.NodeStatistics);
        await daemon.Process.WaitForLineAsync("the node's log of the refusal",
            l => l.Contains("[2003]", StringComparison.Ordinal) && l.Contains("AuthenticationFailed", StringComparison.Ordinal), TestTimeouts.Step);
        Assert.DoesNotContain(daemon.Process.Lines, l => l.Contains("[2002]", StringComparison.Ordinal)); // never connected
    }

    [LabFact]
    public async Task Advertise_DaemonInLab_IndependentZeroconfBrowserSeesItsPortTxtAndGoodbye()
    {
        await using var run = new LabRun(fixture, output, "zeroconf");
        var daemon = await run.StartDaemonAsync(host: 1, workers: 2, nodeId: "zc-node");
        var peer = Path.Combine(LabEnvironment.ToolsDirectory!, "mdns-peer.py");
        // python-zeroconf, an independent mDNS stack, browses from host 2 and reports what it resolves and removes.
        await using var browser = LabProcess.Start("mdns-peer browse", 2, LabEnvironment.ToolsDirectory!,
            "/usr/bin/python3", peer, "browse", "_parallelsharp._tcp", "--timeout", "60", "--watch");

        var resolved = await browser.WaitForEventAsync("zeroconf resolving our daemon", "resolved",
            e => e.GetProperty("instance").GetString() == "zc-node", TestTimeouts.Step);
        Assert.Equal(LabEnvironment.NodePort, resolved.GetProperty("port").GetInt32());
        Assert.Contains("10.250.0.1", resolved.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        var txt = resolved.GetProperty("txt");
        Assert.Equal(run.Cluster, txt.GetProperty("cluster").GetString());
        Assert.Equal("1", txt.GetProperty("ver").GetString());
        Assert.Equal("2", txt.GetProperty("workers").GetString());
        Assert.Equal("linux", txt.GetProperty("os").GetString());

        // SIGTERM to the daemon itself (not the lab wrapper): it must say goodbye on mDNS before it exits.
        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", daemon.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync().WaitAsync(TestTimeouts.ProcessExit);
        await browser.WaitForEventAsync("zeroconf seeing our goodbye", "removed",
            e => e.GetProperty("name").GetString()!.StartsWith("zc-node.", StringComparison.Ordinal), TestTimeouts.Step);
    }
}
