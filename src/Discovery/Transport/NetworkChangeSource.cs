using System.Net.NetworkInformation;
using Microsoft.Extensions.Logging;

namespace ParallelSharp.Discovery.Transport;

/// <summary>
/// The real <see cref="INetworkChangeSource"/>: <see cref="NetworkChange.NetworkAddressChanged"/> and
/// <see cref="NetworkChange.NetworkAvailabilityChanged"/>, plus a periodic signal every
/// <see cref="MdnsOptions.RescanInterval"/>, because the events are missing or unreliable on some platforms
/// (containers, some VPN drivers, platforms without netlink).
/// </summary>
internal sealed class NetworkChangeSource : INetworkChangeSource
{
    private readonly ITimer? _timer;
    private readonly bool _subscribed;
    private int _disposed;

    public NetworkChangeSource(TimeSpan rescanInterval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            NetworkChange.NetworkAddressChanged += OnAddressChanged;
            NetworkChange.NetworkAvailabilityChanged += OnAvailabilityChanged;
            _subscribed = true;
        }
        catch (Exception ex) when (ex is PlatformNotSupportedException or NetworkInformationException)
        {
            // The periodic re-scan below still notices changes, only later.
            Log.NetworkEventsUnavailable(logger, ex.Message);
        }

        if (rescanInterval > TimeSpan.Zero && rescanInterval != Timeout.InfiniteTimeSpan)
            _timer = time.CreateTimer(_ => Raise(), null, rescanInterval, rescanInterval);
    }

    /// <inheritdoc />
    public event Action? Changed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (_subscribed)
        {
            NetworkChange.NetworkAddressChanged -= OnAddressChanged;
            NetworkChange.NetworkAvailabilityChanged -= OnAvailabilityChanged;
        }

        _timer?.Dispose();
    }

    private void OnAddressChanged(object? sender, EventArgs e) => Raise();

    private void OnAvailabilityChanged(object? sender, NetworkAvailabilityEventArgs e) => Raise();

    private void Raise()
    {
        if (Volatile.Read(ref _disposed) == 0)
            Changed?.Invoke();
    }
}
