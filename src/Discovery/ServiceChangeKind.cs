namespace ParallelSharp.Discovery;

/// <summary>What happened to a discovered service.</summary>
public enum ServiceChangeKind
{
    /// <summary>The service was resolved completely (SRV, TXT and at least one address) for the first time, or again after it was removed.</summary>
    Found,

    /// <summary>The port, host, addresses or TXT attributes of a found service changed.</summary>
    Updated,

    /// <summary>The service said goodbye or its records expired.</summary>
    Removed,
}
