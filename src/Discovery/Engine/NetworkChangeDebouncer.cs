using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Engine;

/// <summary>
/// Turns a burst of network change signals into one re-scan: it runs <c>onSettled</c> on the engine's scheduler
/// (under the engine's lock) once no signal came for <see cref="QuietPeriod"/>, and at the latest
/// <see cref="MaxDelay"/> after the first signal of the burst.
/// </summary>
/// <remarks>
/// Bringing an interface up typically yields several events within milliseconds (link, IPv4 address, IPv6 link-local
/// address, routes); probing after each would restart the probe sequence several times. The cap keeps a flapping
/// link from postponing the re-scan forever.
/// </remarks>
internal sealed class NetworkChangeDebouncer : IDisposable
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(3);

    private readonly INetworkChangeSource _source;
    private readonly MdnsScheduler _scheduler;
    private readonly Lock _gate;
    private readonly Action _onSettled;
    private ScheduledAction? _pending;
    private DateTimeOffset _burstStart;
    private bool _started;
    private bool _disposed;

    /// <param name="source">The signals.</param>
    /// <param name="scheduler">The engine's scheduler; <paramref name="onSettled"/> runs on it.</param>
    /// <param name="gate">The engine's lock (the one <paramref name="scheduler"/> holds while running actions).</param>
    /// <param name="onSettled">The engine's re-scan; runs under <paramref name="gate"/>.</param>
    public NetworkChangeDebouncer(INetworkChangeSource source, MdnsScheduler scheduler, Lock gate, Action onSettled)
    {
        _source = source;
        _scheduler = scheduler;
        _gate = gate;
        _onSettled = onSettled;
    }

    /// <summary>Starts listening to the source (call once the engine has started).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started || _disposed)
                return;
            _started = true;
        }

        _source.Changed += OnChanged;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _pending?.Cancel();
            _pending = null;
        }

        _source.Changed -= OnChanged;
    }

    private void OnChanged()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            var now = _scheduler.Now;
            if (_pending is null)
                _burstStart = now;
            else
                _pending.Cancel();
            var due = Min(now + QuietPeriod, _burstStart + MaxDelay);
            _pending = _scheduler.Schedule(due - now, Settled);
        }
    }

    private void Settled()
    {
        _pending = null;
        if (!_disposed)
            _onSettled();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
