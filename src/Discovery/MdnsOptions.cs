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

    /// <summary>Where log events go (event ids 3000–3999). Defaults to <see cref="NullLoggerFactory.Instance"/>.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The clock for TTLs, query back-off and announcement timing. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Random source for protocol jitter; tests set a seeded one.</summary>
    internal Random Random { get; set; } = Random.Shared;

    /// <summary>True when no interface is listed: loopback only.</summary>
    internal bool IsLoopbackOnly => Interfaces.Count == 0;
}
