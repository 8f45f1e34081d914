using System.Net;

namespace ParallelSharp.Discovery.Transport;

/// <summary>Sends and receives mDNS datagrams on a chosen set of interfaces.</summary>
/// <remarks>
/// The engines use this seam so that tests can drive them with a fake transport step by step. Implementations
/// deliver only packets that arrived on <see cref="Interfaces"/> from on-link sources.
/// </remarks>
internal interface IMdnsTransport : IAsyncDisposable
{
    /// <summary>The mDNS port, 5353.</summary>
    const int MdnsPort = 5353;

    /// <summary>The IPv4 mDNS group, 224.0.0.251.</summary>
    static readonly IPAddress Group = IPAddress.Parse("224.0.0.251");

    /// <summary>The IPv6 mDNS group, ff02::fb (link-local scope: sent with the interface as scope).</summary>
    static readonly IPAddress GroupV6 = IPAddress.Parse("ff02::fb");

    /// <summary>The interfaces in use now; changes only when <see cref="Rescan"/> is called.</summary>
    IReadOnlyList<MdnsInterface> Interfaces { get; }

    /// <summary>Starts delivering received packets to <paramref name="onPacket"/> (called on the receive loop; it must not block).</summary>
    Task StartAsync(Action<MdnsPacket> onPacket, CancellationToken cancellationToken);

    /// <summary>
    /// Sends <paramref name="payload"/> out of interface <paramref name="interfaceIndex"/>: to 224.0.0.251:5353 (and
    /// [ff02::fb]:5353 where IPv6 runs) when <paramref name="unicastDestination"/> is <see langword="null"/>, else to
    /// that on-link address. Never throws for
    /// network errors (they are logged): mDNS is best effort.
    /// </summary>
    void Send(byte[] payload, int interfaceIndex, IPEndPoint? unicastDestination);

    /// <summary>
    /// Selects the interfaces again (same <see cref="MdnsOptions.Interfaces"/> filter as at open), joins the group on
    /// new ones, leaves it on vanished ones, and returns what differs from <see cref="Interfaces"/> before the call.
    /// </summary>
    /// <remarks>
    /// Never throws for network errors: an interface that cannot be joined is left out (and logged), and an empty
    /// selection is allowed (every interface down), unlike at open. Call it from one thread at a time.
    /// </remarks>
    InterfaceChanges Rescan();
}
