using Microsoft.Extensions.Logging;

namespace ParallelSharp.Nodes;

/// <summary>How the job server connects to nodes.</summary>
internal sealed record NodeConnectionSettings(
    string? Secret,
    string Cluster,
    string ClientName,
    TimeSpan ConnectTimeout,
    TimeSpan HeartbeatInterval,
    TimeSpan HeartbeatTimeout,
    int MaxFrameLength,
    ILogger Logger,
    TimeProvider TimeProvider);
