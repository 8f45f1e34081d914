using Microsoft.Extensions.Logging;

namespace ParallelSharp;

/// <summary>Every log event of the job server (ids 1000–1999). A published event's name and id never change.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Job server started: {LocalWorkers} local worker(s), {RemoteNodes} listed node(s)")]
    public static partial void ServerStarted(ILogger logger, int localWorkers, int remoteNodes);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Job server stopped")]
    public static partial void ServerStopped(ILogger logger);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Node {NodeId} at {Endpoint} joined with {Workers} worker(s)")]
    public static partial void NodeJoined(ILogger logger, string nodeId, string endpoint, int workers);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Node {NodeId} at {Endpoint} was lost ({Reason}); re-queued {JobCount} job(s)")]
    public static partial void NodeLost(ILogger logger, string nodeId, string endpoint, string reason, int jobCount);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Could not connect to node {Endpoint}: {Reason}")]
    public static partial void NodeConnectFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Uploaded assembly {AssemblyName} ({Bytes} bytes) to node {NodeId}")]
    public static partial void AssemblyUploaded(ILogger logger, string assemblyName, string nodeId, int bytes);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Job {JobId} rescheduled after node {NodeId} failed it: {Reason}")]
    public static partial void JobRescheduled(ILogger logger, long jobId, string nodeId, string reason);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Job {JobId} abandoned after {Attempts} failed attempt(s)")]
    public static partial void JobAbandoned(ILogger logger, long jobId, int attempts);

    [LoggerMessage(EventId = 1300, Level = LogLevel.Error, Message = "A completion callback of job {JobId} threw")]
    public static partial void CallbackFailed(ILogger logger, long jobId, Exception exception);
    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Discovered node '{InstanceName}' at {Endpoint}")]
    public static partial void NodeDiscovered(ILogger logger, string instanceName, string endpoint);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Node '{InstanceName}' left (mDNS goodbye or expiry); it gets no new jobs")]
    public static partial void NodeLeftDiscovery(ILogger logger, string instanceName);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Debug, Message = "Ignored discovered service '{InstanceName}': {Reason}")]
    public static partial void DiscoveredNodeIgnored(ILogger logger, string instanceName, string reason);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Information, Message = "Node '{InstanceName}': its mDNS records expired or went unanswered, but its connection is alive; it keeps its jobs until the connection ends")]
    public static partial void NodeExpiredWhileConnected(ILogger logger, string instanceName);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "The connection to node {NodeId} failed while handling a frame")]
    public static partial void ConnectionFaulted(ILogger logger, string nodeId, Exception exception);
}
