using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Messages;

/// <summary>Node → client: the node's nonce and its proof that it knows the shared secret.</summary>
/// <param name="Version">The node's protocol version.</param>
/// <param name="NodeId">The node's name.</param>
/// <param name="Nonce">A fresh random nonce.</param>
/// <param name="Proof">HMAC-SHA256 of the node's role, both nonces and the cluster, keyed by the secret.</param>
public sealed record ChallengeMessage(ushort Version, string NodeId, byte[] Nonce, byte[] Proof)
{
    /// <summary>Appends the frame.</summary>
    public void Write(FrameWriter writer)
    {
        using var frame = writer.Begin(FrameType.Challenge);
        var w = new WireWriter(frame.Writer);
        w.WriteUInt16(Version);
        w.WriteString(NodeId);
        w.WriteBlock(Nonce);
        w.WriteBlock(Proof);
    }

    /// <summary>Reads the frame body.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static ChallengeMessage Read(ReadOnlySpan<byte> body)
    {
        var r = new WireReader(body);
        var message = new ChallengeMessage(r.ReadUInt16(), r.ReadString(), r.ReadBlock().ToArray(), r.ReadBlock().ToArray());
        r.EnsureEnd("challenge");
        return message;
    }
}
