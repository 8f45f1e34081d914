using System.Net;

namespace ParallelSharp.Discovery.Transport;

/// <summary>A network interface mDNS runs on: its index, name and the addresses (with prefix lengths) it owns.</summary>
/// <param name="Index">The OS interface index.</param>
/// <param name="Name">The interface name, e.g. <c>eth0</c>, <c>lo</c>.</param>
/// <param name="Addresses">IPv4 addresses on the interface; the first selects the interface for IPv4 multicast.</param>
/// <param name="PrefixLengths">The prefix length of each IPv4 address, same order.</param>
/// <param name="IsLoopback">The loopback interface (used only in loopback mode).</param>
internal sealed record MdnsInterface(int Index, string Name, IReadOnlyList<IPAddress> Addresses, IReadOnlyList<int> PrefixLengths, bool IsLoopback)
{
    /// <summary>IPv6 addresses (without scope id) when IPv6 mDNS runs on this interface; empty otherwise.</summary>
    public IReadOnlyList<IPAddress> Ipv6Addresses { get; init; } = [];

    /// <summary>The prefix length of each IPv6 address, same order.</summary>
    public IReadOnlyList<int> Ipv6PrefixLengths { get; init; } = [];

    /// <summary>Every address records are published for: IPv4, then IPv6.</summary>
    public IEnumerable<IPAddress> AllAddresses => Addresses.Concat(Ipv6Addresses);

    /// <summary>
    /// True when <paramref name="address"/> is on this interface's link (RFC 6762 §11: only accept packets from
    /// on-link sources; we also only ever send unicast to such addresses).
    /// </summary>
    public bool IsOnLink(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IsLoopback)
            return IPAddress.IsLoopback(address);
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            return IsOnLinkV6(address);
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            return false;
        var candidate = ToUInt32(address);
        for (var i = 0; i < Addresses.Count; i++)
        {
            var prefix = Math.Clamp(PrefixLengths[i], 0, 32);
            var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
            if ((ToUInt32(Addresses[i]) & mask) == (candidate & mask))
                return true;
        }

        return false;
    }

    /// <summary>Same name and the same addresses with the same prefixes (records compare by value, lists do not).</summary>
    public bool HasSameConfiguration(MdnsInterface other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Index == other.Index && Name == other.Name && IsLoopback == other.IsLoopback
            && Addresses.SequenceEqual(other.Addresses) && PrefixLengths.SequenceEqual(other.PrefixLengths)
            && Ipv6Addresses.SequenceEqual(other.Ipv6Addresses) && Ipv6PrefixLengths.SequenceEqual(other.Ipv6PrefixLengths);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}#{Index} ({string.Join(", ", AllAddresses)})";

    private bool IsOnLinkV6(IPAddress address)
    {
        if (Ipv6Addresses.Count == 0)
            return false;
        // A link-local source that arrived on this interface is on its link by definition.
        if (address.IsIPv6LinkLocal)
            return true;
        var candidate = address.GetAddressBytes();
        for (var i = 0; i < Ipv6Addresses.Count; i++)
        {
            var own = Ipv6Addresses[i].GetAddressBytes();
            var prefix = Math.Clamp(Ipv6PrefixLengths[i], 0, 128);
            var matches = true;
            for (var bit = 0; bit < prefix && matches; bit += 8)
            {
                var bits = Math.Min(8, prefix - bit);
                var mask = (byte)(0xFF << (8 - bits));
                matches = (own[bit / 8] & mask) == (candidate[bit / 8] & mask);
            }

            if (matches)
                return true;
        }

        return false;
    }

    private static uint ToUInt32(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }
}
