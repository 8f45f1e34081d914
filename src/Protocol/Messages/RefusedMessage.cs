using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Messages;

/// <summary>Either side: the handshake failed. The sender closes the connection after it.</summary>
/// <param name="Kind">Why, as a machine-readable kind.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record RefusedMessage(NodeFailureKind Kind, string Reason)
{
    /// <summary>Appends the frame.</summary>
    public void Write(FrameWriter writer)
    {
        using var frame = writer.Begin(FrameType.Refused);
        var w = new WireWriter(frame.Writer);
        w.WriteByte((byte)Kind);
        w.WriteString(Reason);
    }

    /// <summary>Reads the frame body.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static RefusedMessage Read(ReadOnlySpan<byte> body)
    {
        var r = new WireReader(body);
        var message = new RefusedMessage((NodeFailureKind)r.ReadByte(), r.ReadString());
        r.EnsureEnd("refused");
        return message;
    }
}
