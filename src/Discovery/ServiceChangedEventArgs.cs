namespace ParallelSharp.Discovery;

/// <summary>A change to the set of services a <see cref="ServiceBrowser"/> sees.</summary>
public sealed class ServiceChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public ServiceChangedEventArgs(ServiceChangeKind kind, DiscoveredService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        Kind = kind;
        Service = service;
    }

    /// <summary>Found, updated or removed.</summary>
    public ServiceChangeKind Kind { get; }

    /// <summary>The service as it is now (for <see cref="ServiceChangeKind.Removed"/>: as it was last seen).</summary>
    public DiscoveredService Service { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Service}";
}
