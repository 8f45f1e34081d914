using System.Text;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;

namespace ParallelSharp.JobServerTests.Infrastructure;

/// <summary>A frame the job server sent to a fake node, decoded.</summary>
internal abstract record NodeFrame
{
    public static NodeFrame Parse(FrameType type, byte[] body)
    {
        switch (type)
        {
            case FrameType.RunJob:
                RunJobMessage.Read(body, out var jobId, out var handle, out var flags, out var timeout, out var payload);
                return new RunJobFrame(jobId, handle, flags, timeout, payload.ToArray());
            case FrameType.DefinePackage:
                var package = TaggedJsonMessage.Read(body, ProtocolJsonContext.Default.JobPackage, out var packageHandle);
                return new DefinePackageFrame(packageHandle, package);
            case FrameType.CancelJob:
                return new CancelJobFrame(SimpleMessages.ReadInt64(body, "cancel"));
            case FrameType.Heartbeat:
                return new HeartbeatFrame(SimpleMessages.ReadInt64(body, "heartbeat"));
            case FrameType.HeartbeatAck:
                return new HeartbeatAckFrame(SimpleMessages.ReadInt64(body, "heartbeat-ack"));
            case FrameType.SetWorkers:
                return new SetWorkersFrame(SimpleMessages.ReadInt32(body, "set-workers"));
            case FrameType.StatsRequest:
                return new StatsRequestFrame((uint)SimpleMessages.ReadInt32(body, "stats-request"));
            case FrameType.UploadAssembly:
                var reference = AssemblyMessages.ReadUpload(body, out var content);
                return new UploadAssemblyFrame(reference, content.ToArray());
            case FrameType.Goodbye:
                return new GoodbyeFrame(SimpleMessages.ReadString(body, "goodbye"));
            default:
                return new OtherFrame(type, body);
        }
    }
}

/// <summary>Run one job (or one map chunk).</summary>
internal sealed record RunJobFrame(long JobId, uint PackageHandle, byte Flags, uint TimeoutMilliseconds, byte[] Payload) : NodeFrame
{
    public string PayloadText => Encoding.UTF8.GetString(Payload);

    public bool IsBatch => (Flags & RunJobMessage.BatchFlag) != 0;
}

/// <summary>Binds a connection-scoped handle to a package.</summary>
internal sealed record DefinePackageFrame(uint Handle, JobPackage Package) : NodeFrame;

/// <summary>Drop or stop a job.</summary>
internal sealed record CancelJobFrame(long JobId) : NodeFrame;

/// <summary>The server's liveness probe.</summary>
internal sealed record HeartbeatFrame(long Value) : NodeFrame;

/// <summary>The server's answer to a heartbeat the node sent.</summary>
internal sealed record HeartbeatAckFrame(long Value) : NodeFrame;

/// <summary>Change the node's worker count.</summary>
internal sealed record SetWorkersFrame(int Count) : NodeFrame;

/// <summary>Ask for the node's statistics.</summary>
internal sealed record StatsRequestFrame(uint RequestId) : NodeFrame;

/// <summary>The bytes of an assembly the node said it lacks.</summary>
internal sealed record UploadAssemblyFrame(AssemblyReference Reference, byte[] Content) : NodeFrame;

/// <summary>An orderly close.</summary>
internal sealed record GoodbyeFrame(string Reason) : NodeFrame;

/// <summary>Any other frame.</summary>
internal sealed record OtherFrame(FrameType Type, byte[] Body) : NodeFrame;
