using System.Net;
using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Tests.Fakes;

/// <summary>A transport the test drives: it records what the engine sends and delivers packets the test builds.</summary>
internal sealed class FakeTransport : IMdnsTransport
{
    public static readonly MdnsInterface Lan = new(2, "psh0", [IPAddress.Parse("10.250.0.1")], [24], IsLoopback: false);

    private readonly Lock _gate = new();
    private readonly List<SentPacket> _sent = [];
    private Action<MdnsPacket>? _onPacket;

    public FakeTransport(params MdnsInterface[] interfaces)
    {
        Interfaces = interfaces.Length == 0 ? [Lan] : interfaces;
    }

    public IReadOnlyList<MdnsInterface> Interfaces { get; }

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
