using System.Net;
using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Tests.Fakes;

/// <summary>A datagram an engine handed to the <see cref="FakeTransport"/>.</summary>
internal sealed record SentPacket(byte[] Payload, int InterfaceIndex, IPEndPoint? Destination)
{
    public DnsMessage Message => DnsMessage.Decode(Payload);

    public bool IsMulticast => Destination is null;
}
