using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Logging;
using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Transport;

/// <summary>A datagram received on the mDNS port.</summary>
/// <param name="Data">The UDP payload.</param>
/// <param name="Source">Sender address and port; a port other than 5353 marks a legacy unicast query (RFC 6762 §6.7).</param>
/// <param name="InterfaceIndex">The interface it arrived on.</param>
internal sealed record MdnsPacket(byte[] Data, IPEndPoint Source, int InterfaceIndex)
{
    /// <summary>Decodes the payload; a malformed one is logged and dropped (anyone on the link can send us anything).</summary>
    public bool TryDecode(ILogger logger, [NotNullWhen(true)] out DnsMessage? message)
    {
        try
        {
            message = DnsMessage.Decode(Data);
            return true;
        }
        catch (DnsMessageFormatException ex)
        {
            Log.MalformedPacket(logger, Source, ex.Message);
            message = null;
            return false;
        }
    }
}
