using System.Diagnostics;
using System.Globalization;

namespace ParallelSharp.ClusterTests.Lab;

/// <summary>
/// A real <c>parallelsharp-node</c> daemon inside lab host K, started from the daemon's own build folder on
/// 10.250.0.K, advertising on psh0. Its pid and its workers' pids come from /proc. Killed, with its workers, on disposal.
/// </summary>
internal sealed class LabDaemon : IAsyncDisposable
{
    private readonly HashSet<int> _workersSeen = [];

    private LabDaemon(LabProcess process, int host, int port, string nodeId, string cluster, int workers)
    {
        Process = process;
        Host = host;
        Port = port;
        NodeId = nodeId;
        Cluster = cluster;
        Workers = workers;
    }

    public LabProcess Process { get; }

    public int Host { get; }

    public int Port { get; }

    public string NodeId { get; }

    public string Cluster { get; }

    public int Workers { get; }

    /// <summary>The daemon's pid, as found in /proc by its node id and cluster.</summary>
    public int ProcessId { get; private set; }

    public string Address => $"10.250.0.{Host}:{Port}";

    /// <summary>Its log so far.</summary>
    public string Tail(int count = 60) => Process.Tail(count);

    public static async Task<LabDaemon> StartAsync(int host, int port, string nodeId, string cluster, string secret, int workers, string cacheDirectory)
    {
        var dll = LabEnvironment.DaemonDll;
        Assert.True(File.Exists(dll), $"The node daemon was not built at {dll}.");
        var process = LabProcess.Start($"daemon {nodeId} in lab host {host}", host, Path.GetDirectoryName(dll)!,
            LabEnvironment.DotnetHost, dll,
            "--listen", $"10.250.0.{host}",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--secret", secret,
            "--advertise", "--mdns-interface", "psh0",
            "--workers", workers.ToString(CultureInfo.InvariantCulture),
            "--node-id", nodeId,
            "--cluster", cluster,
            "--cache-dir", cacheDirectory,
            "--log-level", "Debug");
        var daemon = new LabDaemon(process, host, port, nodeId, cluster, workers);
        try
        {
            await process.WaitForLineAsync($"start of {nodeId}", l => l == $"listening {daemon.Address}", TestTimeouts.Step);
            var pids = ProcessTable.Find(c => c.Any(a => a.EndsWith("ParallelSharp.NodeDaemon.dll", StringComparison.Ordinal))
                && !c.Contains("worker") && ProcessTable.OptionValue(c, "--node-id") == nodeId && ProcessTable.OptionValue(c, "--cluster") == cluster);
            Assert.True(pids.Count == 1, $"Expected one process of {nodeId} (cluster {cluster}) in /proc, found {pids.Count}.\n{process.Tail()}");
            daemon.ProcessId = pids[0];
            await daemon.WaitForWorkersAsync(workers);
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }

        return daemon;
    }

    /// <summary>The daemon's worker processes now.</summary>
    public IReadOnlyList<int> WorkerProcessIds()
    {
        var workers = ProcessTable.WorkersOf(ProcessId).Where(ProcessTable.IsAlive).ToList();
        lock (_workersSeen)
            _workersSeen.UnionWith(workers);
        return workers;
    }

    /// <summary>Waits (bounded) until the daemon runs <paramref name="count"/> workers, and returns their pids.</summary>
    public async Task<IReadOnlyList<int>> WaitForWorkersAsync(int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var workers = WorkerProcessIds();
            if (workers.Count == count)
                return workers;
            if (deadline.Elapsed > TestTimeouts.Step)
                Assert.Fail($"{NodeId} runs {workers.Count} worker(s), not {count}, after {TestTimeouts.Step.TotalSeconds:0} s.\n{Tail()}");
            await Task.Delay(50); // worker start has no event visible from outside the daemon; the poll is bounded
        }
    }

    /// <summary><c>kill -9</c> the daemon; returns the Stopwatch timestamp taken just before the signal.</summary>
    public long KillHard()
    {
        WorkerProcessIds();
        var at = Stopwatch.GetTimestamp();
        Assert.True(ProcessTable.KillHard(ProcessId), $"{NodeId} (pid {ProcessId}) was not running when the test killed it.\n{Tail()}");
        return at;
    }

    /// <summary>Every worker this daemon was seen to run that is still alive.</summary>
    public IReadOnlyList<int> LiveWorkersSeen()
    {
        lock (_workersSeen)
            return _workersSeen.Where(ProcessTable.IsAlive).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (ProcessId != 0 && ProcessTable.IsAlive(ProcessId))
            WorkerProcessIds();
        await Process.DisposeAsync();
        // A daemon killed with SIGKILL cannot stop its workers; they notice by themselves. Do not leave any behind.
        var left = await ProcessTable.WaitAllExitedAsync(LiveWorkersSeen(), TestTimeouts.ProcessExit);
        foreach (var pid in left)
            ProcessTable.KillHard(pid);
    }
}
