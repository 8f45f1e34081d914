namespace ParallelSharp.Discovery;

/// <summary>A change to the set of services a <see cref="ServiceBrowser"/> sees.</summary>
public sealed class ServiceChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public ServiceChangedEventArgs(ServiceChangeKind kind, DiscoveredService service)
        : this(kind, service, isGoodbye: false)
    {
    }

    /// <summary>Creates the event data.</summary>
    /// <param name="kind">Found, updated or removed.</param>
    /// <param name="service">The service (for a removal, as it was last seen).</param>
    /// <param name="isGoodbye">For a removal: whether the service said goodbye.</param>
    public ServiceChangedEventArgs(ServiceChangeKind kind, DiscoveredService service, bool isGoodbye)
    {
        ArgumentNullException.ThrowIfNull(service);
        Kind = kind;
        Service = service;
        IsGoodbye = isGoodbye && kind == ServiceChangeKind.Removed;
    }

    /// <summary>Found, updated or removed.</summary>
    public ServiceChangeKind Kind { get; }

    /// <summary>The service as it is now (for <see cref="ServiceChangeKind.Removed"/>: as it was last seen).</summary>
    public DiscoveredService Service { get; }

    /// <summary>
    /// For <see cref="ServiceChangeKind.Removed"/>: true when the service said goodbye (records with TTL 0, RFC 6762
    /// §10.1) — it is leaving on purpose; false when its records expired or went unanswered (§10.5) or its interface went
    /// away, which may as well be a lost packet as a dead host.
    /// </summary>
    public bool IsGoodbye { get; }

    /// <inheritdoc />
    public override string ToString() => IsGoodbye ? $"{Kind} (goodbye): {Service}" : $"{Kind}: {Service}";
}
