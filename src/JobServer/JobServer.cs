using Microsoft.Extensions.Logging;
using ParallelSharp.Discovery;
using ParallelSharp.NodeDaemon;
using ParallelSharp.Nodes;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Transport;
using ParallelSharp.Scheduling;
using ParallelSharp.Submission;

namespace ParallelSharp;

/// <summary>
/// Runs C# functions as jobs on worker processes: a local node started with the server (one worker per CPU)
/// and any remote nodes listed in the options. Submit a job, get a typed <see cref="Job{TResult}"/>.
/// </summary>
/// <remarks>
/// <para>Modelled on Parallel Python's <c>pp.Server</c>: <see cref="Submit{TResult}(JobSource, object?[])"/> is
/// <c>submit</c>, <see cref="WaitAsync(string, CancellationToken)"/> is <c>wait(group)</c>,
/// <see cref="LocalWorkers"/>/<see cref="SetLocalWorkers"/> are <c>get_ncpus</c>/<c>set_ncpus</c>,
/// <see cref="PrintStatistics"/> is <c>print_stats</c>.</para>
/// <para>Execution is at-least-once: a job whose node dies mid-run runs again elsewhere, so a job's side effects
/// (files, databases) may happen twice. Make such jobs idempotent (write to a name derived from the job's input,
/// replace rather than append). Each job's result reaches its future exactly once.</para>
/// <para>Dispose the server to stop its local workers; none outlives it, even if the process is killed.</para>
/// </remarks>
public sealed partial class JobServer : IAsyncDisposable, IDisposable
{
    /// <summary>The group of jobs submitted without one.</summary>
    public const string DefaultGroup = "default";

    private readonly JobServerOptions _options;
    private readonly ILogger _logger;
    private readonly JobScheduler _scheduler;
    private readonly CompletionTracker _completions;
    private readonly NodeConnectionSettings _remoteSettings;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connectors = [];
    private readonly Lock _gate = new();
    private readonly Task _localStart;
    private readonly NodeDiscovery? _discovery;
    private NodeHost? _localNode;
    private NodeConnection? _localConnection;
    private long _nextJobId;
    private int _disposed;

    /// <summary>Creates a job server and starts its local node (in the background: jobs submitted meanwhile wait in the queue).</summary>
    /// <param name="options">Settings; null for the defaults (a local node with one worker per CPU).</param>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public JobServer(JobServerOptions? options = null)
    {
        _options = options ?? new JobServerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.LocalWorkers, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1, nameof(options));
        _logger = _options.LoggerFactory.CreateLogger("ParallelSharp.JobServer");
        _scheduler = new JobScheduler(_options.PipelineDepth, _options.NoNodeTimeout, _options.TimeProvider, _logger);
        _completions = new CompletionTracker(_options.ConcurrentCallbacks, _logger);
        var clientName = $"{Environment.MachineName}/{Environment.ProcessId}";
        _remoteSettings = new NodeConnectionSettings(
            _options.Secret, _options.Cluster, clientName, _options.ConnectTimeout, _options.HeartbeatInterval, _options.HeartbeatTimeout,
            FrameLimits.DefaultMaxFrameLength, _logger, _options.TimeProvider);

        _localStart = _options.LocalWorkers > 0 ? StartLocalNodeAsync() : Task.CompletedTask;
        foreach (var address in _options.Nodes)
            AddNode(address);
        if (_options.Discovery)
        {
            _discovery = new NodeDiscovery(
                _options.DiscoveryInterfaces, _options.Cluster, _remoteSettings, _scheduler, _options.ReconnectDelay, _options.LoggerFactory, _logger);
            lock (_gate)
                _connectors.Add(StartDiscoveryAsync(_discovery));
        }

        Log.ServerStarted(_logger, _options.LocalWorkers, _options.Nodes.Count);
    }

    /// <summary>Waits until the local node is connected and its workers are running (useful before timing anything).</summary>
    /// <exception cref="NodeUnavailableException">The local node could not start.</exception>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken = default) => _localStart.WaitAsync(cancellationToken);

    /// <summary>The local node's worker count (pp's <c>get_ncpus</c>); 0 without a local node.</summary>
    public int LocalWorkers => _localConnection?.Workers ?? _localNode?.Workers ?? 0;

    /// <summary>Changes the local node's worker count while jobs run (pp's <c>set_ncpus</c>): new workers start at once, surplus ones stop after their current job.</summary>
    /// <exception cref="InvalidOperationException">The server was created without a local node.</exception>
    public void SetLocalWorkers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 0);
        ThrowIfDisposed();
        if (_options.LocalWorkers == 0)
            throw new InvalidOperationException("This job server has no local node (LocalWorkers was 0 when it was created); change the workers of remote nodes on the nodes themselves.");
        // The node object exists from the constructor on; a count set before its workers start is simply its target.
        _localNode!.SetWorkers(count);
    }

    /// <summary>The nodes connected now, with their worker counts (pp's <c>get_active_nodes</c>).</summary>
    public IReadOnlyDictionary<string, int> ActiveNodes =>
        _scheduler.Nodes.ToDictionary(n => n.NodeId, n => n.Workers, StringComparer.Ordinal);

    /// <summary>Process ids of the local node's workers (for diagnostics).</summary>
    public IReadOnlyList<int> LocalWorkerProcessIds => _localNode?.WorkerProcessIds ?? [];

    /// <summary>Adds a remote node by address (<c>host</c> or <c>host:port</c>); the server keeps reconnecting to it while it is down.</summary>
    /// <exception cref="ArgumentException">The address cannot be parsed.</exception>
    public void AddNode(string address)
    {
        ThrowIfDisposed();
        var (host, port) = NodeAddress.Parse(address);
        var connector = new NodeConnector(host, port, _remoteSettings, _scheduler, _options.ReconnectDelay, _logger);
        lock (_gate)
            _connectors.Add(connector.RunAsync(_stopping.Token));
    }

    private async Task StartDiscoveryAsync(NodeDiscovery discovery)
    {
        try
        {
            await discovery.StartAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ParallelSharp.Discovery.DiscoveryException or OperationCanceledException)
        {
            // Discovery is one source of nodes among others: record why it is off, and go on with the rest.
            _scheduler.RecordNodeError("mDNS discovery", ex.Message);
            Log.NodeConnectFailed(_logger, "mDNS discovery", ex.Message);
        }
    }

    private async Task StartLocalNodeAsync()
    {
        // The local node is served in-process, over an in-memory pipe, with the same protocol as a remote one.
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var node = new NodeHost(new NodeHostOptions
        {
            NodeId = "local",
            Cluster = _options.Cluster,
            Secret = secret,
            Workers = _options.LocalWorkers,
            CacheDirectory = _options.CacheDirectory,
            PipelineDepth = _options.PipelineDepth,
            LoggerFactory = _options.LoggerFactory,
            TimeProvider = _options.TimeProvider,
            ClientTimeout = null, // in-process: no heartbeats on the pipe, and the node dies with us anyway
        });
        _localNode = node;
        var (clientEnd, nodeEnd) = DuplexStream.CreatePair();
        _ = node.ServeAsync(nodeEnd, "in-process", _stopping.Token);
        // Connect first so the first job's package compiles while the workers start.
        var settings = _remoteSettings with { Secret = secret, HeartbeatInterval = TimeSpan.Zero };
        var connection = await NodeConnection.ConnectAsync(clientEnd, "in-process", isLocal: true, settings, _scheduler, _stopping.Token).ConfigureAwait(false);
        _localConnection = connection;
        _scheduler.AddNode(connection);
        await node.StartAsync(_stopping.Token).ConfigureAwait(false);
    }

    /// <summary>Cancels a job (used by <see cref="Job{TResult}.Cancel"/>).</summary>
    internal void Cancel(JobRecord job) => _scheduler.Cancel(job);

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw Errors.ServerDisposed();
    }

    /// <summary>Stops the server: unfinished jobs are cancelled, connections closed, local workers stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _scheduler.FailAll(Errors.ShutDown);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _localStart.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or NodeUnavailableException or ProtocolException or IOException or InvalidOperationException)
        {
            // The local node never came up; nothing of it to stop but what exists.
        }

        Task[] connectors;
        lock (_gate)
            connectors = [.. _connectors];
        await Task.WhenAll(connectors).ConfigureAwait(false);
        if (_discovery is not null)
            await _discovery.DisposeAsync().ConfigureAwait(false);
        if (_localConnection is not null)
            await _localConnection.DisposeAsync().ConfigureAwait(false);
        if (_localNode is not null)
            await _localNode.DisposeAsync().ConfigureAwait(false);
        _scheduler.Dispose();
        await _completions.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        Log.ServerStopped(_logger);
    }

    /// <summary>Stops the server, blocking until its workers are gone. Prefer <see cref="DisposeAsync"/>.</summary>
    // Blocking on purpose: 'using var server = new JobServer()' in synchronous code must still reap every worker.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
