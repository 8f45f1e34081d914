using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ParallelSharp;

/// <summary>Settings of a <see cref="JobServer"/>: its local node, the remote nodes it uses, and its policies.</summary>
public sealed class JobServerOptions
{
    /// <summary>Worker processes of the local node started with the server. Default: one per CPU; 0 makes a pure client of remote nodes.</summary>
    public int LocalWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>Remote nodes by address, as <c>host</c> or <c>host:port</c> (pp's <c>ppservers</c>); the default port is 7741.</summary>
    public IList<string> Nodes { get; } = [];

    /// <summary>Find nodes on the network with mDNS/DNS-SD (<c>_parallelsharp._tcp</c>) and use them as they come and go. Default false.</summary>
    public bool Discovery { get; set; }

    /// <summary>
    /// Interface names or IPv4 addresses to browse on, or <c>*</c> for every multicast interface. Empty browses on loopback
    /// only (nodes on this machine), so nothing is sent on a real network unless asked for.
    /// </summary>
    public IList<string> DiscoveryInterfaces { get; } = [];

    /// <summary>The shared secret remote nodes expect. The local node gets a fresh random one of its own.</summary>
    public string? Secret { get; set; }

    /// <summary>The cluster name; nodes of other clusters are refused. Default <c>default</c>.</summary>
    public string Cluster { get; set; } = "default";

    /// <summary>How many times a job may be started before the crash of its worker or node abandons it (poison jobs). Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The default per-job timeout on the worker; null for none.</summary>
    public TimeSpan? DefaultJobTimeout { get; set; }

    /// <summary>Jobs sent ahead to each worker slot of a node. More keeps tiny jobs flowing; fewer balances long jobs better. Default 8.</summary>
    public int PipelineDepth { get; set; } = 8;

    /// <summary>Run completion callbacks concurrently instead of one at a time (then they must be thread-safe). Default false.</summary>
    public bool ConcurrentCallbacks { get; set; }

    /// <summary>How often connected nodes are sent a heartbeat. Default 1 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A node silent for this long is declared dead and its jobs run elsewhere. Default 3 s.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a connect and handshake to a node may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait between attempts to reconnect to a listed node that is down. Default 1 s.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long queued jobs wait when no node at all is connected before they fail with <see cref="NodeUnavailableException"/>. Null waits for ever.</summary>
    public TimeSpan? NoNodeTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Folder of the local node's compile cache. Default: ParallelSharp under the user's local application data.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Where logs go. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The clock for heartbeats, deadlines and retry delays (tests substitute a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
