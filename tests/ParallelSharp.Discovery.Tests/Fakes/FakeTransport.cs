using System.Net;
using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Tests.Fakes;

/// <summary>A transport the test drives: it records what the engine sends and delivers packets the test builds.</summary>
internal sealed class FakeTransport : IMdnsTransport
{
    public static readonly MdnsInterface Lan = new(2, "psh0", [IPAddress.Parse("10.250.0.1")], [24], IsLoopback: false);

    /// <summary>A second interface, for tests where one comes or goes.</summary>
    public static readonly MdnsInterface Wlan = new(3, "wlan0", [IPAddress.Parse("192.168.7.20")], [24], IsLoopback: false);

    private readonly Lock _gate = new();
    private readonly List<SentPacket> _sent = [];
    private Action<MdnsPacket>? _onPacket;
    private IReadOnlyList<MdnsInterface>? _nextScan;

    public FakeTransport(params MdnsInterface[] interfaces)
    {
        Interfaces = interfaces.Length == 0 ? [Lan] : interfaces;
    }

    public IReadOnlyList<MdnsInterface> Interfaces { get; private set; }

    /// <summary>How often the engine re-scanned.</summary>
    public int RescanCount { get; private set; }

    /// <summary>What the next <see cref="Rescan"/> finds (the network as it is after a change); stays until replaced.</summary>
    public void SetNetwork(params MdnsInterface[] interfaces) => _nextScan = interfaces;

    public InterfaceChanges Rescan()
    {
        RescanCount++;
        if (_nextScan is null)
            return InterfaceChanges.None;
        var changes = InterfaceChanges.Compute(Interfaces, _nextScan);
        Interfaces = _nextScan;
        return changes;
    }

    /// <summary>Everything sent so far, in order.</summary>
    public IReadOnlyList<SentPacket> Sent
    {
        get
        {
            lock (_gate)
                return [.. _sent];
        }
    }

    public Task StartAsync(Action<MdnsPacket> onPacket, CancellationToken cancellationToken)
    {
        _onPacket = onPacket;
        return Task.CompletedTask;
    }

    public void Send(byte[] payload, int interfaceIndex, IPEndPoint? unicastDestination)
    {
        lock (_gate)
            _sent.Add(new SentPacket(payload, interfaceIndex, unicastDestination));
    }

    /// <summary>Removes and returns what was sent since the last call.</summary>
    public List<SentPacket> TakeSent()
    {
        lock (_gate)
        {
            var copy = _sent.ToList();
            _sent.Clear();
            return copy;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Deliver(Action<MdnsPacket> target, DnsMessage message, IPEndPoint source, int interfaceIndex = 2) =>
        target(new MdnsPacket(message.Encode(), source, interfaceIndex));
}
