using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Messages;

/// <summary>Client → node, the first frame of a connection.</summary>
/// <param name="Version">The client's protocol version.</param>
/// <param name="Cluster">The cluster the client belongs to.</param>
/// <param name="ClientName">A name for logs (host and process).</param>
/// <param name="Nonce">A fresh random nonce.</param>
public sealed record HelloMessage(ushort Version, string Cluster, string ClientName, byte[] Nonce)
{
    /// <summary>Appends the frame.</summary>
    public void Write(FrameWriter writer)
    {
        using var frame = writer.Begin(FrameType.Hello);
        var w = new WireWriter(frame.Writer);
        w.WriteUInt32(ProtocolConstants.Magic);
        w.WriteUInt16(Version);
        w.WriteString(Cluster);
        w.WriteString(ClientName);
        w.WriteBlock(Nonce);
    }

    /// <summary>Reads the frame body.</summary>
    /// <exception cref="ProtocolException">The body is malformed or the magic is wrong.</exception>
    public static HelloMessage Read(ReadOnlySpan<byte> body)
    {
        var r = new WireReader(body);
        if (r.ReadUInt32() != ProtocolConstants.Magic)
            throw new ProtocolException("The peer is not a ParallelSharp client (wrong magic number in its hello).");
        var message = new HelloMessage(r.ReadUInt16(), r.ReadString(), r.ReadString(), r.ReadBlock().ToArray());
        r.EnsureEnd("hello");
        return message;
    }
}
