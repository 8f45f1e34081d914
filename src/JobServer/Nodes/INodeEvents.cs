using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.Nodes;

/// <summary>What a node connection reports to the scheduler. Called on the connection's read loop; must not block.</summary>
internal interface INodeEvents
{
    /// <summary>A job's outcome arrived.</summary>
    void OnJobResult(NodeConnection node, long jobId, JobResultStatus status, long busyMicroseconds, ReadOnlySpan<byte> payload);

    /// <summary>The node's worker count changed.</summary>
    void OnCapacityChanged(NodeConnection node);

    /// <summary>The connection ended (closed, failed, or declared dead by heartbeat).</summary>
    void OnNodeLost(NodeConnection node, NodeFailureKind kind, string reason);
}
