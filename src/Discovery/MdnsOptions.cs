using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ParallelSharp.Discovery;

/// <summary>Where and how an advertiser or browser talks mDNS.</summary>
/// <remarks>
/// The default is deliberately safe: with an empty <see cref="Interfaces"/> list only the loopback interface
/// (127.0.0.1) is used, so nothing leaves the machine. A node daemon on a real network lists its interfaces,
/// or <see cref="AllInterfaces"/> for every interface that is up and supports multicast.
/// </remarks>
public sealed class MdnsOptions
{
    private TimeSpan _rescanInterval = TimeSpan.FromSeconds(30);

    /// <summary>The <see cref="Interfaces"/> entry that selects every non-loopback interface that is up, supports multicast and has an IPv4 address.</summary>
    public const string AllInterfaces = "*";

    /// <summary>
    /// Interface names (<c>eth0</c>) or IPv4 addresses (<c>10.0.0.5</c>) to use, or <see cref="AllInterfaces"/>.
    /// Empty (the default) means loopback only: 127.0.0.1, which .NET reports as not multicast-capable but which does
    /// carry multicast on Linux.
    /// </summary>
    public IList<string> Interfaces { get; } = [];

    /// <summary>
    /// Also run mDNS over IPv6 (ff02::fb) on the listed interfaces and publish their IPv6 addresses as AAAA records.
    /// Off by default; ignored in loopback-only mode (Linux carries no IPv6 multicast on <c>lo</c>).
    /// </summary>
    public bool UseIPv6 { get; set; }

    /// <summary>
    /// How often the interfaces are re-scanned for changes (new or vanished interfaces, new or lost addresses) besides
    /// the operating system's network change events. Defaults to 30 seconds; <see cref="TimeSpan.Zero"/> or
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns the periodic re-scan off and leaves only the events.
    /// </summary>
    /// <remarks>
    /// On a change the advertiser probes and announces on new interfaces, announces new addresses (with a goodbye for
    /// lost ones) and the browser queries again (RFC 6762 §8, §8.4, §10.3). The periodic re-scan is the fallback for
    /// platforms and containers where the events are missing; it only reads the interface list and sends nothing
    /// unless something changed. Only interfaces allowed by <see cref="Interfaces"/> are ever used.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public TimeSpan RescanInterval
    {
        get => _rescanInterval;
        set
        {
            if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(nameof(value), value, "The re-scan interval must be positive, zero (off) or Timeout.InfiniteTimeSpan (off).");
            _rescanInterval = value;
        }
    }

    /// <summary>Where log events go (event ids 3000–3999). Defaults to <see cref="NullLoggerFactory.Instance"/>.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The clock for TTLs, query back-off and announcement timing. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Random source for protocol jitter; tests set a seeded one.</summary>
    internal Random Random { get; set; } = Random.Shared;

    /// <summary>True when no interface is listed: loopback only.</summary>
    internal bool IsLoopbackOnly => Interfaces.Count == 0;
}
