using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Messages;

/// <summary>Run one job: the hot path, so it is fixed-layout binary with the JSON arguments as the frame's tail.</summary>
public static class RunJobMessage
{
    /// <summary>The payload is a JSON array of argument arrays (a map chunk) and the result a JSON array of results.</summary>
    public const byte BatchFlag = 1;

    /// <summary>Appends the frame.</summary>
    /// <param name="writer">The connection.</param>
    /// <param name="jobId">The job (unique per client connection).</param>
    /// <param name="packageHandle">The connection-scoped handle of the job's package.</param>
    /// <param name="flags"><see cref="BatchFlag"/> or 0.</param>
    /// <param name="timeoutMilliseconds">How long the job may run on its worker; 0 for no limit.</param>
    /// <param name="payload">The JSON array of arguments.</param>
    public static void Write(FrameWriter writer, long jobId, uint packageHandle, byte flags, uint timeoutMilliseconds, ReadOnlySpan<byte> payload)
    {
        using var frame = writer.Begin(FrameType.RunJob);
        var w = new WireWriter(frame.Writer);
        w.WriteInt64(jobId);
        w.WriteUInt32(packageHandle);
        w.WriteByte(flags);
        w.WriteUInt32(timeoutMilliseconds);
        w.WriteRaw(payload);
    }

    /// <summary>Reads the frame body; the payload is a slice of it.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static void Read(ReadOnlySpan<byte> body, out long jobId, out uint packageHandle, out byte flags, out uint timeoutMilliseconds, out ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(body);
        jobId = r.ReadInt64();
        packageHandle = r.ReadUInt32();
        flags = r.ReadByte();
        timeoutMilliseconds = r.ReadUInt32();
        payload = r.ReadRest();
    }
}
