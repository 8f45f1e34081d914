using System.Net;

namespace ParallelSharp.Discovery.Transport;

/// <summary>A datagram received on the mDNS port.</summary>
/// <param name="Data">The UDP payload.</param>
/// <param name="Source">Sender address and port; a port other than 5353 marks a legacy unicast query (RFC 6762 §6.7).</param>
/// <param name="InterfaceIndex">The interface it arrived on.</param>
internal sealed record MdnsPacket(byte[] Data, IPEndPoint Source, int InterfaceIndex);
