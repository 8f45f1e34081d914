namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>A job on a node: who asked for it, the compiled package, and its arguments.</summary>
internal sealed class NodeJob(IJobResultSink sink, long clientJobId, RunnablePackage package, byte flags, uint timeoutMilliseconds, byte[] payload)
{
    /// <summary>Where the result goes (the client connection).</summary>
    public IJobResultSink Sink { get; } = sink;

    /// <summary>The id the client gave the job.</summary>
    public long ClientJobId { get; } = clientJobId;

    /// <summary>The compiled package to run.</summary>
    public RunnablePackage Package { get; } = package;

    /// <summary>Run-job flags (batch).</summary>
    public byte Flags { get; } = flags;

    /// <summary>How long the job may run; 0 for no limit.</summary>
    public uint TimeoutMilliseconds { get; } = timeoutMilliseconds;

    /// <summary>The JSON arguments.</summary>
    public byte[] Payload { get; } = payload;

    /// <summary>Set when the client cancelled the job or went away: a late result is dropped.</summary>
    public bool IsAbandoned { get; set; }
}
