namespace ParallelSharp.Discovery.Transport;

/// <summary>Tells the engines that the machine's interfaces or addresses may have changed, so they re-scan.</summary>
/// <remarks>
/// A signal, not a description: the engines debounce bursts and compare the interfaces themselves
/// (<see cref="IMdnsTransport.Rescan"/>), so a spurious signal costs one re-scan and nothing else. Tests use a fake that
/// fires on demand.
/// </remarks>
internal interface INetworkChangeSource : IDisposable
{
    /// <summary>Raised (on any thread) when interfaces or addresses may have changed; handlers must not block.</summary>
    event Action? Changed;
}
