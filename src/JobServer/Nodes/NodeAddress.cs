using System.Globalization;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.Nodes;

/// <summary>Parses node addresses: <c>host</c>, <c>host:port</c>, <c>[v6]:port</c>. The default port is fixed and documented (pp's random default port made clients hang).</summary>
internal static class NodeAddress
{
    /// <exception cref="ArgumentException">The address is empty or its port is not a number from 1 to 65535.</exception>
    public static (string Host, int Port) Parse(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        address = address.Trim();
        string host;
        string? port = null;
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                throw new ArgumentException($"The node address '{address}' opens '[' without closing it.", nameof(address));
            host = address[1..close];
            if (close + 1 < address.Length)
            {
                if (address[close + 1] != ':')
                    throw new ArgumentException($"The node address '{address}' has text after ']' that is not ':port'.", nameof(address));
                port = address[(close + 2)..];
            }
        }
        else
        {
            var colon = address.LastIndexOf(':');
            if (colon >= 0 && address.IndexOf(':', StringComparison.Ordinal) == colon)
            {
                host = address[..colon];
                port = address[(colon + 1)..];
            }
            else
            {
                host = address; // no port, or a bare IPv6 address
            }
        }

        if (host.Length == 0)
            throw new ArgumentException($"The node address '{address}' has no host.", nameof(address));
        if (port is null)
            return (host, ProtocolConstants.DefaultPort);
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            throw new ArgumentException($"The node address '{address}' has the port '{port}'; give a number from 1 to 65535.", nameof(address));
        return (host, number);
    }
}
