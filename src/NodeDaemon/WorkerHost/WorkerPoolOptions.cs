namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>Settings of a node's worker supervisor.</summary>
internal sealed record WorkerPoolOptions
{
    /// <summary>How many worker processes to keep running.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// How many jobs a worker may hold at once (one running, the rest queued in its pipe). More keeps the pipe
    /// full for tiny jobs; fewer balances long jobs better. Jobs merely queued in a dead worker's pipe move without penalty.
    /// </summary>
    public int PipelineDepth { get; init; } = 8;

    /// <summary>How long a new worker may take to say it is ready.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often running jobs are checked against their timeouts.</summary>
    public TimeSpan TimeoutCheckInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Consecutive failed worker starts after which queued jobs fail instead of waiting.</summary>
    public int MaxConsecutiveStartFailures { get; init; } = 3;
}
