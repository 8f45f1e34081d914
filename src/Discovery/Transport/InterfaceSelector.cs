using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ParallelSharp.Discovery.Transport;

/// <summary>Turns <see cref="MdnsOptions.Interfaces"/> into the interfaces mDNS will use.</summary>
internal static class InterfaceSelector
{
    /// <summary>Selects the interfaces; skips (and logs) ones that are down, lack multicast or IPv4.</summary>
    /// <exception cref="DiscoveryException">Nothing usable remains.</exception>
    public static List<MdnsInterface> Select(MdnsOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var chosen = SelectAvailable(options, logger);
        if (chosen.Count == 0)
            throw options.IsLoopbackOnly ? Errors.LoopbackMissing() : Errors.NoUsableInterface(options.Interfaces);
        return chosen;
    }

    /// <summary>
    /// Like <see cref="Select"/>, but an empty result is allowed: on a re-scan after a network change every listed
    /// interface may be down for a while, and discovery must wait for it rather than fail.
    /// </summary>
    public static List<MdnsInterface> SelectAvailable(MdnsOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var all = NetworkInterface.GetAllNetworkInterfaces();
        var chosen = new List<MdnsInterface>();

        if (options.IsLoopbackOnly)
        {
            // MDNS.md §1.7: .NET reports lo as SupportsMulticast == false, yet Linux carries multicast on it when
            // IP_MULTICAST_IF is 127.0.0.1. So the multicast check is bypassed for loopback, and only 127.0.0.1 is used.
            var loopback = all.FirstOrDefault(n => n.NetworkInterfaceType == NetworkInterfaceType.Loopback && HasAddress(n, IPAddress.Loopback));
            if (loopback is not null && IndexOf(loopback) is { } index)
                chosen.Add(new MdnsInterface(index, loopback.Name, [IPAddress.Loopback], [8], IsLoopback: true));
            return chosen;
        }

        foreach (var entry in options.Interfaces)
        {
            if (string.Equals(entry, MdnsOptions.AllInterfaces, StringComparison.Ordinal))
            {
                foreach (var nic in all.Where(n => n.NetworkInterfaceType != NetworkInterfaceType.Loopback))
                    TryAdd(nic, explicitLoopback: false);
                continue;
            }

            NetworkInterface? match;
            if (IPAddress.TryParse(entry, out var address))
                match = all.FirstOrDefault(n => HasAddress(n, address));
            else
                match = all.FirstOrDefault(n => string.Equals(n.Name, entry, StringComparison.Ordinal));
            if (match is null)
            {
                Log.InterfaceSkipped(logger, entry, "no interface has this name or address");
                continue;
            }

            TryAdd(match, explicitLoopback: match.NetworkInterfaceType == NetworkInterfaceType.Loopback);
        }

        return chosen;

        void TryAdd(NetworkInterface nic, bool explicitLoopback)
        {
            var index = IndexOf(nic);
            if (index is null || chosen.Exists(c => c.Index == index))
            {
                if (index is null)
                    Log.InterfaceSkipped(logger, nic.Name, "no IPv4");
                return;
            }

            if (explicitLoopback)
            {
                chosen.Add(new MdnsInterface(index.Value, nic.Name, [IPAddress.Loopback], [8], IsLoopback: true));
                return;
            }

            if (nic.OperationalStatus != OperationalStatus.Up)
            {
                Log.InterfaceSkipped(logger, nic.Name, $"status {nic.OperationalStatus}");
                return;
            }

            if (!nic.SupportsMulticast)
            {
                Log.InterfaceSkipped(logger, nic.Name, "no multicast");
                return;
            }

            var unicast = nic.GetIPProperties().UnicastAddresses
                .Where(u => u.Address.AddressFamily == AddressFamily.InterNetwork)
                .ToList();
            if (unicast.Count == 0)
            {
                Log.InterfaceSkipped(logger, nic.Name, "no IPv4 address");
                return;
            }

            var v6 = options.UseIPv6
                ? nic.GetIPProperties().UnicastAddresses.Where(u => u.Address.AddressFamily == AddressFamily.InterNetworkV6).ToList()
                : [];
            chosen.Add(new MdnsInterface(index.Value, nic.Name, [.. unicast.Select(u => u.Address)], [.. unicast.Select(u => u.PrefixLength)], IsLoopback: false)
            {
                // Records carry no scope id: strip it (it is the interface index, known from the arrival interface).
                Ipv6Addresses = [.. v6.Select(u => new IPAddress(u.Address.GetAddressBytes()))],
                Ipv6PrefixLengths = [.. v6.Select(u => u.PrefixLength)],
            });
        }
    }

    private static bool HasAddress(NetworkInterface nic, IPAddress address) =>
        nic.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(address));

    private static int? IndexOf(NetworkInterface nic)
    {
        try
        {
            return nic.Supports(NetworkInterfaceComponent.IPv4) ? nic.GetIPProperties().GetIPv4Properties().Index : null;
        }
        catch (NetworkInformationException)
        {
            return null;
        }
    }
}
