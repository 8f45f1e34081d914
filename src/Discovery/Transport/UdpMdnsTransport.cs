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
/// interface that was not selected. <see cref="Rescan"/> applies the same selection again after a network change:
/// it joins the group on new interfaces and leaves it on vanished ones; the set in use is swapped as a whole, so the
/// receive loops always filter against one consistent set.
/// </remarks>
internal sealed class UdpMdnsTransport : IMdnsTransport
{
    private readonly Socket _socket;
    private readonly MdnsOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _sendLock = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile InterfaceSet _interfaces;
    private volatile Socket? _socketV6;
    private List<MdnsInterface> _lastSelected;
    private Action<MdnsPacket>? _onPacket;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _receiveLoopV6 = Task.CompletedTask;
    private int _multicastInterface = -1;
    private int _multicastInterfaceV6 = -1;
    private bool _started;
    private bool _disposed;

    private UdpMdnsTransport(Socket socket, Socket? socketV6, List<MdnsInterface> interfaces, List<MdnsInterface> selected, MdnsOptions options, ILogger logger)
    {
        _socket = socket;
        _socketV6 = socketV6;
        _options = options;
        _logger = logger;
        _interfaces = new InterfaceSet(interfaces);
        _lastSelected = selected;
    }

    /// <inheritdoc />
    public IReadOnlyList<MdnsInterface> Interfaces => _interfaces.List;

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
        return new UdpMdnsTransport(socket, socketV6, joined, candidates, options, logger);
    }

    /// <inheritdoc />
    public InterfaceChanges Rescan()
    {
        if (_disposed)
            return InterfaceChanges.None;
        try
        {
            // Quiet: the periodic re-scan would repeat every "skipped" line; the result is logged once below.
            var candidates = InterfaceSelector.SelectAvailable(_options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

            // Compared with the last selection, not with the set in use: an interface whose join failed stays out until
            // its configuration changes, instead of being retried (and re-announced) on every re-scan.
            if (InterfaceChanges.Compute(_lastSelected, candidates).IsEmpty)
                return InterfaceChanges.None;
            _lastSelected = candidates;

            var before = _interfaces;
            var next = new List<MdnsInterface>();
            foreach (var candidate in candidates)
            {
                // IPv4 membership is per interface index, so an interface already in use needs no new join.
                if (before.ByIndex.ContainsKey(candidate.Index) || TryJoin(_socket, candidate, out var reason))
                    next.Add(candidate);
                else
                    Log.JoinFailed(_logger, candidate.ToString(), reason);
            }

            foreach (var gone in before.List.Where(b => !next.Exists(n => n.Index == b.Index)))
                Leave(gone);
            UpdateV6Memberships(before, next);

            lock (_sendLock)
            {
                _interfaces = new InterfaceSet(next);
                // An index may now stand for other addresses: select the outgoing interface afresh on the next send.
                _multicastInterface = -1;
                _multicastInterfaceV6 = -1;
            }

            var changes = InterfaceChanges.Compute(before.List, next);
            if (!changes.IsEmpty)
                Log.InterfacesChanged(_logger, changes.ToString());
            return changes;
        }
        catch (Exception ex) when (ex is System.Net.NetworkInformation.NetworkInformationException or ObjectDisposedException)
        {
            // Disposed meanwhile, or the OS would not list its interfaces this time: the next signal tries again.
            Log.RescanFailed(_logger, ex);
            return InterfaceChanges.None;
        }
    }

    /// <summary>Joins ff02::fb on interfaces that gained IPv6 and leaves it where IPv6 went; strips IPv6 where joining fails.</summary>
    private void UpdateV6Memberships(InterfaceSet before, List<MdnsInterface> next)
    {
        for (var i = 0; i < next.Count; i++)
        {
            var nic = next[i];
            var had = before.ByIndex.TryGetValue(nic.Index, out var old) && old.Ipv6Addresses.Count > 0;
            var wants = nic.Ipv6Addresses.Count > 0;
            if (wants && !had && !(EnsureV6Socket() is { } socket && TryJoinV6(socket, nic, _logger)))
                next[i] = nic with { Ipv6Addresses = [], Ipv6PrefixLengths = [] };
            else if (!wants && had)
                LeaveV6(nic);
        }

        foreach (var gone in before.List.Where(b => b.Ipv6Addresses.Count > 0 && !next.Exists(n => n.Index == b.Index)))
            LeaveV6(gone);
    }

    /// <summary>The IPv6 socket, opened (and its receive loop started) the first time an interface needs it.</summary>
    private Socket? EnsureV6Socket()
    {
        if (_socketV6 is { } existing)
            return existing;
        var socket = CreateV6Socket(out var error);
        if (socket is null)
        {
            Log.JoinFailed(_logger, "IPv6 socket", error);
            return null;
        }

        _socketV6 = socket;
        if (_onPacket is { } onPacket)
            _receiveLoopV6 = ReceiveLoopAsync(socket, onPacket, _stop.Token);
        return socket;
    }

    private void Leave(MdnsInterface nic) =>
        DropMembership(_socket, SocketOptionLevel.IP, new MulticastOption(IMdnsTransport.Group, nic.Index));

    private void LeaveV6(MdnsInterface nic) =>
        DropMembership(_socketV6, SocketOptionLevel.IPv6, new IPv6MulticastOption(IMdnsTransport.GroupV6, nic.Index));

    private static void DropMembership(Socket? socket, SocketOptionLevel level, object membership)
    {
        try
        {
            socket?.SetSocketOption(level, SocketOptionName.DropMembership, membership);
        }
        catch (SocketException)
        {
            // The interface is gone: the kernel dropped the membership with it.
        }
    }

    /// <summary>
    /// Opens the IPv6 socket and joins ff02::fb per interface. Interfaces where that fails lose their IPv6 addresses
    /// (in <paramref name="joined"/>), and without any the socket is not kept: IPv6 is an addition, never a reason to fail.
    /// </summary>
    private static Socket? OpenV6(List<MdnsInterface> joined, ILogger logger)
    {
        var socket = CreateV6Socket(out var error);
        if (socket is null)
        {
            foreach (var nic in joined)
                Log.JoinFailed(logger, nic.Name + " (IPv6)", error);
            StripV6(joined, _ => true);
            return null;
        }

        var failed = new HashSet<int>();
        foreach (var nic in joined.Where(j => j.Ipv6Addresses.Count > 0))
        {
            if (!TryJoinV6(socket, nic, logger))
                failed.Add(nic.Index);
        }

        StripV6(joined, nic => failed.Contains(nic.Index));
        if (joined.Exists(j => j.Ipv6Addresses.Count > 0))
            return socket;
        socket.Dispose();
        return null;
    }

    private static Socket? CreateV6Socket(out string error)
    {
        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = false };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, IMdnsTransport.MdnsPort));
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255); // hop limit, RFC 6762 §11
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, true);
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
            error = "";
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            error = ex.Message;
            return null;
        }
    }

    private static bool TryJoinV6(Socket socket, MdnsInterface nic, ILogger logger)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(IMdnsTransport.GroupV6, nic.Index));
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true; // already joined on this interface
        }
        catch (SocketException ex)
        {
            Log.JoinFailed(logger, nic.Name + " (IPv6)", ex.Message);
            return false;
        }
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
        _onPacket = onPacket;
        _receiveLoop = ReceiveLoopAsync(_socket, onPacket, _stop.Token);
        if (_socketV6 is { } socketV6)
            _receiveLoopV6 = ReceiveLoopAsync(socketV6, onPacket, _stop.Token);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Send(byte[] payload, int interfaceIndex, IPEndPoint? unicastDestination)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (_disposed || !_interfaces.ByIndex.TryGetValue(interfaceIndex, out var nic))
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
        if (_socketV6 is { } socketV6 && nic.Ipv6Addresses.Count > 0)
        {
            var group = new IPAddress(IMdnsTransport.GroupV6.GetAddressBytes(), nic.Index);
            SendOne(socketV6, payload, new IPEndPoint(group, IMdnsTransport.MdnsPort), interfaceIndex, nic);
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
                if (!_interfaces.ByIndex.TryGetValue(index, out var nic))
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

    /// <summary>The interfaces in use and their index, replaced together so readers never see a half-updated set.</summary>
    private sealed class InterfaceSet(List<MdnsInterface> list)
    {
        public IReadOnlyList<MdnsInterface> List { get; } = list;

        public Dictionary<int, MdnsInterface> ByIndex { get; } = list.ToDictionary(i => i.Index);
    }
}
