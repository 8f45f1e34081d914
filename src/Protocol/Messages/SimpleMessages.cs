using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Messages;

/// <summary>Frames whose body is a single integer or string: cancel, heartbeat, worker count, goodbye.</summary>
public static class SimpleMessages
{
    /// <summary>Appends a frame whose body is one 64-bit integer (<see cref="FrameType.CancelJob"/>, <see cref="FrameType.Heartbeat"/>, <see cref="FrameType.HeartbeatAck"/>).</summary>
    public static void WriteInt64(FrameWriter writer, FrameType type, long value)
    {
        using var frame = writer.Begin(type);
        new WireWriter(frame.Writer).WriteInt64(value);
    }

    /// <summary>Reads a frame body that is one 64-bit integer.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static long ReadInt64(ReadOnlySpan<byte> body, string what)
    {
        var r = new WireReader(body);
        var value = r.ReadInt64();
        r.EnsureEnd(what);
        return value;
    }

    /// <summary>Appends a frame whose body is one 32-bit integer (<see cref="FrameType.SetWorkers"/>, <see cref="FrameType.NodeStatus"/>, <see cref="FrameType.WorkerReady"/>).</summary>
    public static void WriteInt32(FrameWriter writer, FrameType type, int value)
    {
        using var frame = writer.Begin(type);
        new WireWriter(frame.Writer).WriteInt32(value);
    }

    /// <summary>Reads a frame body that is one 32-bit integer.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static int ReadInt32(ReadOnlySpan<byte> body, string what)
    {
        var r = new WireReader(body);
        var value = r.ReadInt32();
        r.EnsureEnd(what);
        return value;
    }

    /// <summary>Appends a frame whose body is one string (<see cref="FrameType.Goodbye"/>).</summary>
    public static void WriteString(FrameWriter writer, FrameType type, string value)
    {
        using var frame = writer.Begin(type);
        new WireWriter(frame.Writer).WriteString(value);
    }

    /// <summary>Reads a frame body that is one string.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static string ReadString(ReadOnlySpan<byte> body, string what)
    {
        var r = new WireReader(body);
        var value = r.ReadString();
        r.EnsureEnd(what);
        return value;
    }
}
