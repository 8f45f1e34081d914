namespace ParallelSharp;

/// <summary>Why a node could not be used.</summary>
public enum NodeFailureKind
{
    /// <summary>The connection could not be opened.</summary>
    ConnectionFailed = 0,

    /// <summary>The connection closed while in use.</summary>
    ConnectionLost = 1,

    /// <summary>The node stopped answering heartbeats.</summary>
    HeartbeatTimeout = 2,

    /// <summary>The shared secret did not match.</summary>
    AuthenticationFailed = 3,

    /// <summary>The node speaks another protocol version or belongs to another cluster.</summary>
    Incompatible = 4,

    /// <summary>A worker process of the node died while running the job.</summary>
    WorkerCrashed = 5,

    /// <summary>No node was available before the deadline.</summary>
    NoNodeAvailable = 6,
}
