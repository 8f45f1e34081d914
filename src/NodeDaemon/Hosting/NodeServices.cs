using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ParallelSharp.NodeDaemon.CompilerCache;
using ParallelSharp.NodeDaemon.WorkerHost;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.NodeDaemon;

/// <summary>What every connection on a node shares: the worker pool, the compile cache, the assembly store, the secret.</summary>
internal sealed class NodeServices(
    string nodeId,
    NodeHostOptions options,
    WorkerPool pool,
    PackageCompileCache compiler,
    AssemblyStore.NodeAssemblyStore assemblies,
    ILogger logger)
{
    public string NodeId { get; } = nodeId;

    public WorkerPool Pool { get; } = pool;

    public PackageCompileCache Compiler { get; } = compiler;

    public AssemblyStore.NodeAssemblyStore Assemblies { get; } = assemblies;

    public ILogger Logger { get; } = logger;

    public string? Secret => options.Secret;

    public int MaxFrameLength => options.MaxFrameLength;

    public TimeSpan HandshakeTimeout => options.HandshakeTimeout;

    public TimeSpan? ClientTimeout => options.ClientTimeout;

    public TimeProvider Time => options.TimeProvider;

    public NodeInfo DescribeNode() => new(
        NodeId,
        options.Cluster,
        Pool.TargetWorkers,
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "osx" : "linux",
        RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        Environment.ProcessorCount,
        typeof(NodeServices).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public NodeStatsReport Statistics()
    {
        var counters = Pool.Counters;
        var cache = Compiler.Statistics;
        return new NodeStatsReport(Pool.LiveWorkers, counters.Restarts, cache.Compiles, cache.MemoryHits + cache.DiskHits,
            cache.TotalCompileTime.TotalMilliseconds, counters.Queued);
    }
}
