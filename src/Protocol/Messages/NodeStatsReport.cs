namespace ParallelSharp.Protocol.Messages;

/// <summary>A node's own counters, sent on request.</summary>
/// <param name="Workers">Current worker processes.</param>
/// <param name="WorkerRestarts">Worker processes replaced after a crash, a timeout or a cancellation.</param>
/// <param name="Compiles">Packages compiled.</param>
/// <param name="CacheHits">Packages found compiled in memory or on disk.</param>
/// <param name="CompileMilliseconds">Total compile time.</param>
/// <param name="QueuedJobs">Jobs waiting on the node for a worker.</param>
public sealed record NodeStatsReport(int Workers, long WorkerRestarts, long Compiles, long CacheHits, double CompileMilliseconds, int QueuedJobs);
