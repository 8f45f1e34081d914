using Microsoft.Extensions.Logging;

namespace ParallelSharp.NodeDaemon;

/// <summary>Every log event of the node daemon (ids 2000–2999). A published event's name and id never change.</summary>
internal static partial class Log
{
    // Compilation, compile cache and assembly store: 2400–2449.

    [LoggerMessage(EventId = 2400, Level = LogLevel.Debug,
        Message = "Compiled package {PackageKey} ({Entry}) in {ElapsedMilliseconds:F1} ms: {ImageBytes} byte(s)")]
    public static partial void PackageCompiled(ILogger logger, string packageKey, string entry, double elapsedMilliseconds, int imageBytes);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Debug,
        Message = "Package {PackageKey} ({Entry}) did not compile: {Reason}")]
    public static partial void PackageCompileFailed(ILogger logger, string packageKey, string entry, string reason);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Information,
        Message = "Compiler warmed up in {ElapsedMilliseconds:F0} ms")]
    public static partial void CompilerWarmedUp(ILogger logger, double elapsedMilliseconds);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Debug,
        Message = "Loaded compiled package {PackageKey} from the disk cache")]
    public static partial void CompiledPackageLoadedFromDisk(ILogger logger, string packageKey);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Warning,
        Message = "Deleted unreadable compile-cache file {Path} for package {PackageKey}: {Reason}; the package will be compiled again")]
    public static partial void CompiledPackageFileCorrupt(ILogger logger, string packageKey, string path, string reason);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Warning,
        Message = "Could not write compiled package {PackageKey} to the disk cache; it stays in memory only")]
    public static partial void CompiledPackageWriteFailed(ILogger logger, string packageKey, Exception exception);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Information,
        Message = "Evicted {Count} compiled package(s) ({Bytes} byte(s)) from the disk cache {Directory}")]
    public static partial void CompileCacheDiskEvicted(ILogger logger, int count, long bytes, string directory);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Warning,
        Message = "Could not scan or evict the disk compile cache {Directory}")]
    public static partial void CompileCacheDiskScanFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 2408, Level = LogLevel.Debug,
        Message = "Stored assembly {AssemblyName} ({Sha256}, {Length} byte(s))")]
    public static partial void AssemblyStored(ILogger logger, string assemblyName, string sha256, long length);

    [LoggerMessage(EventId = 2409, Level = LogLevel.Warning,
        Message = "Refused assembly {AssemblyName} ({Sha256}): {Reason}")]
    public static partial void AssemblyRefused(ILogger logger, string assemblyName, string sha256, string reason);

    [LoggerMessage(EventId = 2410, Level = LogLevel.Warning,
        Message = "Compiler warm-up failed; the first job will compile cold")]
    public static partial void CompilerWarmUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Information,
        Message = "Compiler warm-up gave way after {ElapsedMilliseconds:F0} ms to a job's compile, which warms the compiler itself")]
    public static partial void CompilerWarmUpYielded(ILogger logger, double elapsedMilliseconds);
    // Node lifecycle and connections: 2000–2099.

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "Node {NodeId} started: listening on {Endpoint}, {Workers} worker(s), cache in {CacheDirectory}")]
    public static partial void NodeStarted(ILogger logger, string nodeId, string endpoint, int workers, string cacheDirectory);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Node {NodeId} stopped")]
    public static partial void NodeStopped(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Client {ClientName} connected from {Remote}")]
    public static partial void ClientConnected(ILogger logger, string clientName, string remote);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Refused a connection from {Remote} ({Reason}): {Detail}")]
    public static partial void ClientRefused(ILogger logger, string remote, string reason, string detail);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Client {ClientName} at {Remote} disconnected: {Reason}")]
    public static partial void ClientDisconnected(ILogger logger, string clientName, string remote, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Dropped client {ClientName} at {Remote}: {Reason}")]
    public static partial void ClientDropped(ILogger logger, string clientName, string remote, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Could not accept a connection: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Client {ClientName} set the worker count to {Workers}")]
    public static partial void WorkerCountChanged(ILogger logger, string clientName, int workers);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug, Message = "Package {Entry} cannot run: {Reason}")]
    public static partial void PackageRejected(ILogger logger, string entry, string reason);

    // Worker supervision: 2100–2199.

    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "Worker {WorkerNumber} started as process {ProcessId}")]
    public static partial void WorkerStarted(ILogger logger, int workerNumber, int processId);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning,
        Message = "Worker {WorkerNumber} (process {ProcessId}) exited with code {ExitCode} ({Cause}) {Detail}; replacing it")]
    public static partial void WorkerExited(ILogger logger, int workerNumber, int processId, int exitCode, string cause, string detail);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error,
        Message = "Worker {WorkerNumber} could not start ({ConsecutiveFailures} consecutive failure(s))")]
    public static partial void WorkerStartFailed(ILogger logger, int workerNumber, int consecutiveFailures, Exception? exception);
    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Node {NodeId} is shutting down: handing back queued jobs and stopping workers")]
    public static partial void DaemonStopping(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Node {NodeId} had no client for {IdleSeconds} s; exiting")]
    public static partial void IdleTimeoutReached(ILogger logger, string nodeId, double idleSeconds);
    private static readonly Func<ILogger, string, IDisposable?> s_connectionScope =
        LoggerMessage.DefineScope<string>("Connection from {Remote}");

    /// <summary>One scope per client connection, so every line it logs names the peer.</summary>
    public static IDisposable? ConnectionScope(ILogger logger, string remote) => s_connectionScope(logger, remote);
    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Node {NodeId} advertised on mDNS as '{InstanceName}' (_parallelsharp._tcp, port {Port})")]
    public static partial void NodeAdvertised(ILogger logger, string nodeId, string instanceName, int port);
}
