using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ParallelSharp.NodeDaemon;

/// <summary>Settings of a node: its workers, its secret, where it listens and where it caches compiled code.</summary>
public sealed class NodeHostOptions
{
    /// <summary>The node's name in its cluster. Defaults to the machine name plus a short random suffix.</summary>
    public string? NodeId { get; set; }

    /// <summary>The cluster the node belongs to; clients of another cluster are refused. Default <c>default</c>.</summary>
    public string Cluster { get; set; } = "default";

    /// <summary>The shared secret clients must prove they know. Null or empty runs the node open (allowed on loopback only, unless <see cref="AllowOpen"/>).</summary>
    public string? Secret { get; set; }

    /// <summary>Run without a secret on a non-loopback address. Anyone who can reach the port can then run code here.</summary>
    public bool AllowOpen { get; set; }

    /// <summary>Worker processes to run. Default: one per logical processor.</summary>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Where to accept TCP connections; null accepts none (an in-process node served through <see cref="NodeHost.ServeAsync"/>).</summary>
    public IPEndPoint? ListenEndPoint { get; set; }

    /// <summary>Announce the node on mDNS/DNS-SD so job servers with discovery find it. Needs a secret, or <see cref="AllowOpen"/>.</summary>
    public bool Advertise { get; set; }

    /// <summary>
    /// Interface names or addresses to advertise on. Empty: loopback for a loopback node, every interface for one
    /// listening on all addresses, the listen address's interface otherwise.
    /// </summary>
    public IList<string> AdvertiseInterfaces { get; } = [];

    /// <summary>The folder of the on-disk compile cache and assembly store. Default: under the user's local application data.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The largest frame accepted from an authenticated client. Default 64 MiB.</summary>
    public int MaxFrameLength { get; set; } = global::ParallelSharp.Protocol.Framing.FrameLimits.DefaultMaxFrameLength;

    /// <summary>How long a client has to complete the handshake. Default 5 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A client silent for this long (no job, no heartbeat) is dropped and its queued jobs with it; job servers send a
    /// heartbeat every second. Null never drops a silent client (the job server's own in-process node). Default 10 s.
    /// </summary>
    public TimeSpan? ClientTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many jobs each worker may hold at once (one running, the rest waiting in its pipe). Default 8.</summary>
    public int PipelineDepth { get; set; } = 8;

    /// <summary>Compile a small job at start, while the workers start, so the first real job compiles fast. Default true.</summary>
    public bool WarmUpCompiler { get; set; } = true;

    /// <summary>Where logs go. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The clock for timeouts (tests substitute a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
