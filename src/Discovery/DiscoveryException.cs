namespace ParallelSharp.Discovery;

/// <summary>mDNS discovery could not start: no usable network interface, or the mDNS socket could not be opened.</summary>
/// <remarks>
/// Thrown by <see cref="ServiceAdvertiser.StartAsync"/> and <see cref="ServiceBrowser.StartAsync"/>. Discovery is
/// an optimisation: a caller can fall back to a static list of nodes when it sees this exception.
/// </remarks>
public sealed class DiscoveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DiscoveryException() : base("mDNS discovery could not start.") { }

    /// <summary>Creates the exception with a message.</summary>
    public DiscoveryException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public DiscoveryException(string message, Exception? innerException) : base(message, innerException) { }
}
