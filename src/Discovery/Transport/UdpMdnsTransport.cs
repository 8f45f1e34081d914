using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ParallelSharp.Discovery.Transport;

/// <summary>
/// The real transport: one IPv4 UDP socket bound to 0.0.0.0:5353 with SO_REUSEADDR (so it shares the port with
/// Avahi, python-zeroconf and other processes), joined to 224.0.0.251 on each chosen interface, multicast TTL 255,
/// loopback on, IP_PKTINFO to learn the arrival interface (MDNS.md §1.6); with IPv6 on, a second socket bound to
/// [::]:5353 (IPV6_V6ONLY) joined to ff02::fb the same way.
/// </summary>
/// <remarks>
/// Linux delivers 224.0.0.251 traffic from every interface that any socket joined (IP_MULTICAST_ALL), so packets
/// are filtered by arrival interface and on-link source. Sends pick the outgoing interface with IP_MULTICAST_IF
/// under a lock. Unicast goes only to on-link addresses of the chosen interface, so nothing is ever sent out of an
/// interface that was not selected.
/// </remarks>
internal sealed class UdpMdnsTransport : IMdnsTransport
{
    private readonly Socket _socket;
    private readonly Socket? _socketV6;
    private readonly ILogger _logger;
    private readonly Lock _sendLock = new();
    private readonly Dictionary<int, MdnsInterface> _byIndex;
    private readonly CancellationTokenSource _stop = new();
    private Task _receiveLoop = Task.CompletedTask;
    private Task _receiveLoopV6 = Task.CompletedTask;
    private int _multicastInterface = -1;
    private int _multicastInterfaceV6 = -1;
    private bool _started;
    private bool _disposed;

    private UdpMdnsTransport(Socket socket, Socket? socketV6, List<MdnsInterface> interfaces, ILogger logger)
    {
        _socket = socket;
        _socketV6 = socketV6;
        _logger = logger;
        Interfaces = interfaces;
        _byIndex = interfaces.ToDictionary(i => i.Index);
    }

    /// <inheritdoc />
    public IReadOnlyList<MdnsInterface> Interfaces { get; }

    /// <summary>Why the receive loop stopped, if it failed.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Selects interfaces, opens and configures the socket, joins the group per interface.</summary>
    /// <exception cref="DiscoveryException">No interface is usable or the socket cannot be bound.</exception>
    public static UdpMdnsTransport Open(MdnsOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var candidates = InterfaceSelector.Select(options, logger);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // MDNS.md §1.6: before Bind; on Unix this sets SO_REUSEADDR and SO_REUSEPORT so 5353 can be shared.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, IMdnsTransport.MdnsPort));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255); // RFC 6762 §11
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);  // other local processes need our packets
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            socket.Ttl = 255;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw Errors.SocketFailed(IMdnsTransport.MdnsPort, ex);
        }

        var joined = new List<MdnsInterface>();
        foreach (var candidate in candidates)
        {
            if (TryJoin(socket, candidate, out var reason))
                joined.Add(candidate);
            else
                Log.JoinFailed(logger, candidate.ToString(), reason);
        }

        if (joined.Count == 0)
        {
            socket.Dispose();
            throw Errors.NoUsableInterface(options.Interfaces);
        }

        var socketV6 = joined.Exists(j => j.Ipv6Addresses.Count > 0) ? OpenV6(joined, logger) : null;
        Log.TransportOpened(logger, IMdnsTransport.MdnsPort, string.Join("; ", joined));
        return new UdpMdnsTransport(socket, socketV6, joined, logger);
    }

    /// <summary>
    /// Opens the IPv6 socket and joins ff02::fb per interface. Interfaces where that fails lose their IPv6 addresses
    /// (in <paramref name="joined"/>), and without any the socket is not kept: IPv6 is an addition, never a reason to fail.
    /// </summary>
    private static Socket? OpenV6(List<MdnsInterface> joined, ILogger logger)
    {
        Socket socket;
        try
        {
            socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = false };
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, IMdnsTransport.MdnsPort));
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255); // hop limit, RFC 6762 §11
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, true);
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
        }
        catch (SocketException ex)
        {
            foreach (var nic in joined)
                Log.JoinFailed(logger, nic.Name + " (IPv6)", ex.Message);
            StripV6(joined, _ => true);
            return null;
        }

        var failed = new HashSet<int>();
        foreach (var nic in joined.Where(j => j.Ipv6Addresses.Count > 0))
        {
            try
            {
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(IMdnsTransport.GroupV6, nic.Index));
            }
            catch (SocketException ex) when (ex.SocketErrorCode != SocketError.AddressAlreadyInUse)
            {
                Log.JoinFailed(logger, nic.Name + " (IPv6)", ex.Message);
                failed.Add(nic.Index);
            }
        }

        StripV6(joined, nic => failed.Contains(nic.Index));
        if (joined.Exists(j => j.Ipv6Addresses.Count > 0))
            return socket;
        socket.Dispose();
        return null;
    }

    private static void StripV6(List<MdnsInterface> interfaces, Func<MdnsInterface, bool> which)
    {
        for (var i = 0; i < interfaces.Count; i++)
        {
            if (which(interfaces[i]))
                interfaces[i] = interfaces[i] with { Ipv6Addresses = [], Ipv6PrefixLengths = [] };
        }
    }

    /// <inheritdoc />
    public Task StartAsync(Action<MdnsPacket> onPacket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onPacket);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
            throw Errors.AlreadyStarted("mDNS transport");
        cancellationToken.ThrowIfCancellationRequested();
        _started = true;
        _receiveLoop = ReceiveLoopAsync(_socket, onPacket, _stop.Token);
        if (_socketV6 is not null)
            _receiveLoopV6 = ReceiveLoopAsync(_socketV6, onPacket, _stop.Token);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Send(byte[] payload, int interfaceIndex, IPEndPoint? unicastDestination)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (_disposed || !_byIndex.TryGetValue(interfaceIndex, out var nic))
            return;
        if (unicastDestination is not null && !nic.IsOnLink(unicastDestination.Address))
        {
            Log.UnicastRefused(_logger, unicastDestination, nic.ToString());
            return;
        }

        if (unicastDestination is not null)
        {
            var socket = unicastDestination.AddressFamily == AddressFamily.InterNetworkV6 ? _socketV6 : _socket;
            if (socket is not null)
                SendOne(socket, payload, unicastDestination, interfaceIndex, selectInterface: null);
            return;
        }

        SendOne(_socket, payload, new IPEndPoint(IMdnsTransport.Group, IMdnsTransport.MdnsPort), interfaceIndex, nic);
        if (_socketV6 is not null && nic.Ipv6Addresses.Count > 0)
        {
            var group = new IPAddress(IMdnsTransport.GroupV6.GetAddressBytes(), nic.Index);
            SendOne(_socketV6, payload, new IPEndPoint(group, IMdnsTransport.MdnsPort), interfaceIndex, nic);
        }
    }

    private void SendOne(Socket socket, byte[] payload, IPEndPoint destination, int interfaceIndex, MdnsInterface? selectInterface)
    {
        try
        {
            lock (_sendLock)
            {
                if (selectInterface is not null && socket == _socket && _multicastInterface != selectInterface.Index)
                {
                    // The address form works on Linux (converted to ip_mreqn) and Windows, also for 127.0.0.1 on lo.
                    var address = BitConverter.ToInt32(selectInterface.Addresses[0].GetAddressBytes(), 0);
                    _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, address);
                    _multicastInterface = selectInterface.Index;
                }
                else if (selectInterface is not null && socket == _socketV6 && _multicastInterfaceV6 != selectInterface.Index)
                {
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, selectInterface.Index);
                    _multicastInterfaceV6 = selectInterface.Index;
                }

                socket.SendTo(payload, SocketFlags.None, destination);
            }

            Log.PacketSent(_logger, payload.Length, destination, interfaceIndex);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Log.SendFailed(_logger, ex, destination, interfaceIndex);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        _socketV6?.Dispose();
        try
        {
            await Task.WhenAll(_receiveLoop, _receiveLoopV6).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // expected on shutdown
        }

        _stop.Dispose();
    }

    private static bool TryJoin(Socket socket, MdnsInterface nic, out string reason)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IMdnsTransport.Group, nic.Index));
            reason = "";
            return true;
        }
        catch (SocketException first) when (first.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            reason = "";
            return true; // already joined on this interface
        }
        catch (SocketException first)
        {
            // Some stacks only accept the address form (ip_mreq) for a given interface.
            try
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IMdnsTransport.Group, nic.Addresses[0]));
                reason = "";
                return true;
            }
            catch (SocketException second)
            {
                reason = $"{first.SocketErrorCode}/{second.SocketErrorCode}: {second.Message}";
                return false;
            }
        }
    }

    private async Task ReceiveLoopAsync(Socket socket, Action<MdnsPacket> onPacket, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var buffer = new byte[DnsMaxDatagram];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                SocketReceiveMessageFromResult result;
                try
                {
                    result = await socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
                {
                    // ICMP port unreachable after a unicast send (Windows) or an oversize datagram: not fatal.
                    Log.ReceiveFailed(_logger, ex);
                    continue;
                }

                var source = (IPEndPoint)result.RemoteEndPoint;
                if (source.Address.IsIPv4MappedToIPv6)
                    source = new IPEndPoint(source.Address.MapToIPv4(), source.Port);
                var index = result.PacketInformation.Interface;
                if (source.AddressFamily == AddressFamily.InterNetworkV6 && source.Address.IsIPv6LinkLocal && source.Address.ScopeId == 0)
                    source = new IPEndPoint(new IPAddress(source.Address.GetAddressBytes(), index), source.Port); // needed to reply
                if (!_byIndex.TryGetValue(index, out var nic))
                {
                    Log.PacketFiltered(_logger, source, index, "interface not selected");
                    continue;
                }

                if (!nic.IsOnLink(source.Address))
                {
                    Log.PacketFiltered(_logger, source, index, "source not on the link (RFC 6762 §11)");
                    continue;
                }

                Log.PacketReceived(_logger, result.ReceivedBytes, source, index);
                onPacket(new MdnsPacket(buffer.AsSpan(0, result.ReceivedBytes).ToArray(), source, index));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // disposed
        }
        catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
        {
            // disposed
        }
        catch (Exception ex)
        {
            // The loop is dead: log it and record the fault. The owner keeps running on timers but hears nothing.
            Log.ReceiveLoopFailed(_logger, ex);
            Fault = ex;
        }
    }

    // RFC 6762 §17: up to 9000 bytes; a little more lets us notice (and reject) oversize packets.
    private const int DnsMaxDatagram = 9216;
}
