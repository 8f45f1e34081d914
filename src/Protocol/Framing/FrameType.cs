namespace ParallelSharp.Protocol.Framing;

/// <summary>The type byte that follows each frame's length. Values are part of the wire format: never renumber.</summary>
public enum FrameType : byte
{
    /// <summary>Client → node: opens the handshake (magic, version, cluster, client nonce).</summary>
    Hello = 0x01,

    /// <summary>Node → client: the node's nonce and its proof that it knows the secret.</summary>
    Challenge = 0x02,

    /// <summary>Client → node: the client's proof that it knows the secret.</summary>
    Proof = 0x03,

    /// <summary>Node → client: the handshake succeeded; carries the node's description.</summary>
    Welcome = 0x04,

    /// <summary>Either side: the handshake failed; carries the reason. The connection closes after it.</summary>
    Refused = 0x05,

    /// <summary>Client → node: binds a connection-scoped handle to a job package.</summary>
    DefinePackage = 0x10,

    /// <summary>Node → client: the node lacks these assemblies of a package.</summary>
    NeedAssemblies = 0x11,

    /// <summary>Client → node: the bytes of one assembly.</summary>
    UploadAssembly = 0x12,

    /// <summary>Node → worker: a compiled package image to load.</summary>
    LoadPackage = 0x13,

    /// <summary>Run one job (or one batch of a map).</summary>
    RunJob = 0x20,

    /// <summary>The outcome of one job.</summary>
    JobResult = 0x21,

    /// <summary>Client → node: drop or stop a job.</summary>
    CancelJob = 0x22,

    /// <summary>Liveness probe; the peer echoes it as <see cref="HeartbeatAck"/>.</summary>
    Heartbeat = 0x30,

    /// <summary>Answer to <see cref="Heartbeat"/>.</summary>
    HeartbeatAck = 0x31,

    /// <summary>Client → node: change the number of worker processes.</summary>
    SetWorkers = 0x32,

    /// <summary>Node → client: the node's capacity changed.</summary>
    NodeStatus = 0x33,

    /// <summary>Client → node: ask for statistics.</summary>
    StatsRequest = 0x34,

    /// <summary>Node → client: statistics.</summary>
    StatsReply = 0x35,

    /// <summary>Worker → node: the worker process is ready.</summary>
    WorkerReady = 0x40,

    /// <summary>Either side: an orderly close, with a reason.</summary>
    Goodbye = 0x7F,
}
