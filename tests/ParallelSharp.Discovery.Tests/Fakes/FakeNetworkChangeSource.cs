using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Tests.Fakes;

/// <summary>A network change source the test fires by hand.</summary>
internal sealed class FakeNetworkChangeSource : INetworkChangeSource
{
    public event Action? Changed;

    public bool IsDisposed { get; private set; }

    /// <summary>Whether an engine listens (it subscribes on start and unsubscribes on dispose).</summary>
    public bool HasListeners => Changed is not null;

    public void Fire() => Changed?.Invoke();

    public void Dispose() => IsDisposed = true;
}
