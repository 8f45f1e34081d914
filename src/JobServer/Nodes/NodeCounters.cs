namespace ParallelSharp.Nodes;

/// <summary>What the job server counts per node (under the scheduler's lock).</summary>
internal sealed class NodeCounters
{
    public long JobsCompleted { get; set; }

    public long JobsFailed { get; set; }

    public long BusyMicroseconds { get; set; }

    public long Reschedules { get; set; }

    public long LateResults { get; set; }
}
