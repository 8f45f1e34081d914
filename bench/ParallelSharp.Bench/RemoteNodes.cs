using System.Diagnostics;
using System.Globalization;

namespace ParallelSharp.Bench;

/// <summary>What the remote-node scenarios share: a job server that is a pure client of daemons on 127.0.0.1.</summary>
internal static class RemoteNodes
{
    /// <summary>The daemon's <c>--workers</c> argument from the command line's worker count.</summary>
    public static string[] WorkersArgument(BenchOptions options) => ["--workers", options.Workers.ToString(CultureInfo.InvariantCulture)];

    /// <summary>A job server with no local node (<c>LocalWorkers = 0</c>) that uses the given daemons.</summary>
    public static JobServerOptions ServerOptions(BenchOptions options, params NodeDaemonProcess[] daemons)
    {
        var server = new JobServerOptions { LocalWorkers = 0, Secret = NodeDaemonProcess.Secret };
        foreach (var daemon in daemons)
            server.Nodes.Add(daemon.Address);
        if (options.PipelineDepth is { } depth)
            server.PipelineDepth = depth;
        return server;
    }

    /// <summary>Waits (polling, bounded) until the job server has <paramref name="count"/> nodes connected.</summary>
    /// <remarks>Node membership has no public event; the poll is bounded by <see cref="Timeouts.Start"/>.</remarks>
    public static async Task WaitForNodesAsync(JobServer server, int count)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Timeouts.Start.TotalSeconds * Stopwatch.Frequency);
        while (server.ActiveNodes.Count < count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"The job server had {server.ActiveNodes.Count} of {count} node(s) connected after {Timeouts.Start}.");
            await Task.Delay(10);
        }
    }
}

/// <summary>CPU of the job server process (a pure client here), of the node daemon and of its workers, read together.</summary>
internal readonly record struct RemoteCpu(ProcessCpu Server, ProcessCpu Daemon, ProcessCpu Workers, long ThreadPoolItems)
{
    public static RemoteCpu Take(NodeDaemonProcess daemon) => new(
        ProcessCpu.Read(Environment.ProcessId), daemon.DaemonCpu(), daemon.WorkersCpu(), ThreadPool.CompletedWorkItemCount);

    public static RemoteCpu operator -(RemoteCpu a, RemoteCpu b) =>
        new(a.Server - b.Server, a.Daemon - b.Daemon, a.Workers - b.Workers, a.ThreadPoolItems - b.ThreadPoolItems);
}
