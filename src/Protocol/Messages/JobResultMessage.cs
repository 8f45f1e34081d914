using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Messages;

/// <summary>The outcome of one job: fixed-layout binary with the JSON result (or <see cref="RemoteError"/>) as the frame's tail.</summary>
public static class JobResultMessage
{
    /// <summary>Appends the frame.</summary>
    /// <param name="writer">The connection.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="status">How it ended.</param>
    /// <param name="busyMicroseconds">How long a worker spent on it.</param>
    /// <param name="payload">The JSON result, or a JSON <see cref="RemoteError"/>.</param>
    public static void Write(FrameWriter writer, long jobId, JobResultStatus status, long busyMicroseconds, ReadOnlySpan<byte> payload)
    {
        using var frame = writer.Begin(FrameType.JobResult);
        var w = new WireWriter(frame.Writer);
        w.WriteInt64(jobId);
        w.WriteByte((byte)status);
        w.WriteInt64(busyMicroseconds);
        w.WriteRaw(payload);
    }

    /// <summary>Reads the frame body; the payload is a slice of it.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static void Read(ReadOnlySpan<byte> body, out long jobId, out JobResultStatus status, out long busyMicroseconds, out ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(body);
        jobId = r.ReadInt64();
        var rawStatus = r.ReadByte();
        if (rawStatus > (byte)JobResultStatus.Rejected)
            throw new ProtocolException($"A job result has the unknown status {rawStatus}.");
        status = (JobResultStatus)rawStatus;
        busyMicroseconds = r.ReadInt64();
        payload = r.ReadRest();
    }
}
