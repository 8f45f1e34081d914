using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ParallelSharp.NodeDaemon.CompilerCache;
using ParallelSharp.NodeDaemon.Discovery;
using ParallelSharp.NodeDaemon.Protocol;
using ParallelSharp.NodeDaemon.WorkerHost;

namespace ParallelSharp.NodeDaemon;

/// <summary>
/// A ParallelSharp node: worker processes, the Roslyn compile cache and the protocol server. The
/// <c>parallelsharp-node</c> daemon runs one listening on TCP; a job server runs one in-process as its
/// local node and talks to it through <see cref="ServeAsync"/> with the same protocol.
/// </summary>
/// <remarks>Dispose it to stop every worker process; none outlives the node.</remarks>
public sealed class NodeHost : IAsyncDisposable
{
    private readonly NodeHostOptions _options;
    private readonly ILogger _logger;
    private readonly NodeServices _services;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _acceptStopping = new();
    private readonly List<Task> _sessions = [];
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _warmUp = Task.CompletedTask;
    private NodeAdvertisement? _advertisement;
    private bool _disposed;

    /// <summary>Creates a node; nothing starts until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent (for example no secret on a non-loopback address).</exception>
    public NodeHost(NodeHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 0);
        if (options.ListenEndPoint is { } endPoint && !IPAddress.IsLoopback(endPoint.Address) && string.IsNullOrEmpty(options.Secret) && !options.AllowOpen)
            throw new ArgumentException(
                $"Refusing to listen on {endPoint} without a secret: anyone who reaches it could run code on this machine. " +
                "Give a secret, listen on loopback, or allow an open node explicitly.", nameof(options));

        if (options.Advertise && options.ListenEndPoint is null)
            throw new ArgumentException("A node can advertise itself only when it listens on TCP; give it a listen endpoint.", nameof(options));
        if (options.Advertise && string.IsNullOrEmpty(options.Secret) && !options.AllowOpen)
            throw new ArgumentException(
                "Refusing to advertise a node without a secret: any job server on the network would find it and run code here. " +
                "Give a secret, or allow an open node explicitly.", nameof(options));

        _options = options;
        _logger = options.LoggerFactory.CreateLogger("ParallelSharp.NodeDaemon");
        var nodeId = options.NodeId ?? $"{Environment.MachineName.ToLowerInvariant()}-{Random.Shared.Next(0x10000):x4}";
        var cacheRoot = options.CacheDirectory ?? DefaultCacheDirectory();
        var assemblies = new AssemblyStore.NodeAssemblyStore(Path.Combine(cacheRoot, "assemblies"), _logger);
        var compiler = new PackageCompileCache(Path.Combine(cacheRoot, "compiled"), assemblies, _logger);
        var pool = new WorkerPool(
            new WorkerPoolOptions { Workers = options.Workers, PipelineDepth = options.PipelineDepth },
            WorkerLauncher.Locate(), options.TimeProvider, _logger);
        _services = new NodeServices(nodeId, options, pool, compiler, assemblies, _logger);
    }

    /// <summary>The node's name.</summary>
    public string NodeId => _services.NodeId;

    /// <summary>Where the node accepts TCP connections (with the real port when port 0 was asked), or null.</summary>
    public IPEndPoint? ListenEndPoint => _listener?.LocalEndpoint as IPEndPoint;

    /// <summary>The number of worker processes the node keeps.</summary>
    public int Workers => _services.Pool.TargetWorkers;

    /// <summary>Process ids of the running workers (for diagnostics).</summary>
    public IReadOnlyList<int> WorkerProcessIds => _services.Pool.WorkerProcessIds;

    /// <summary>Starts the workers (waiting until they are ready), warms the compiler in the background, and starts listening.</summary>
    /// <exception cref="SocketException">The listen address is in use or not local.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_options.WarmUpCompiler)
        {
            // Seconds of CPU on a thread of its own, not a thread-pool thread: on a small machine it would hold the pool's
            // few threads, and everything else the node does in those seconds (the first connections, a SIGTERM's
            // "capacity 0" to the job servers) would wait for the pool to grow, hundreds of milliseconds at a time.
            _warmUp = Task.Factory.StartNew(
                () => _services.Compiler.WarmUp(_stopping.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        await _services.Pool.StartAsync(cancellationToken).ConfigureAwait(false);
        if (_options.ListenEndPoint is { } endPoint)
        {
            _listener = new TcpListener(endPoint);
            _listener.Start(backlog: 128);
            _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
            if (_options.Advertise)
            {
                _advertisement = await NodeAdvertisement.StartAsync(
                    NodeId, _options.Cluster, Workers, ListenEndPoint!, [.. _options.AdvertiseInterfaces], _options.LoggerFactory, cancellationToken).ConfigureAwait(false);
                _services.Pool.CapacityChanged += OnCapacityChanged;
                Log.NodeAdvertised(_logger, NodeId, _advertisement.InstanceName, ListenEndPoint!.Port);
            }
        }

        Log.NodeStarted(_logger, NodeId, ListenEndPoint?.ToString() ?? "in-process", Workers, _options.CacheDirectory ?? DefaultCacheDirectory());
    }

    private void OnCapacityChanged(int workers)
    {
        if (_advertisement is { } advertisement)
            _ = UpdateAdvertisedWorkersAsync(advertisement, workers);
    }

    private async Task UpdateAdvertisedWorkersAsync(NodeAdvertisement advertisement, int workers)
    {
        try
        {
            await advertisement.UpdateWorkersAsync(workers, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException or ParallelSharp.Discovery.DiscoveryException)
        {
            // Stopping, or the network refused the update: the TCP protocol still carries the true count.
        }
    }

    /// <summary>Changes the number of worker processes while jobs run.</summary>
    public void SetWorkers(int count) => _services.Pool.SetWorkerCount(count);

    /// <summary>Serves one client connection over any duplex stream (an in-memory pipe, a socket) until it closes.</summary>
    /// <remarks>The stream is disposed when the connection ends. The client must complete the handshake first.</remarks>
    public Task ServeAsync(Stream stream, string remoteName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var session = new NodeSession(stream, _services, remoteName);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var task = session.RunAsync(linked.Token).ContinueWith(
            t => linked.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Track(task);
        return task;
    }

    /// <summary>Client connections open now.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate)
                return _sessions.Count(t => !t.IsCompleted);
        }
    }

    /// <summary>
    /// Waits until <paramref name="cancellationToken"/> is cancelled (Ctrl+C, SIGTERM) or, when
    /// <paramref name="idleTimeout"/> is positive, until no client has been connected for that long (pp's <c>-t</c>).
    /// </summary>
    public async Task WaitForShutdownAsync(TimeSpan idleTimeout, CancellationToken cancellationToken = default)
    {
        var time = _options.TimeProvider;
        var idleSince = time.GetTimestamp();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, linked.Token).ConfigureAwait(false);
                if (idleTimeout <= TimeSpan.Zero)
                    continue;
                if (ConnectionCount > 0)
                    idleSince = time.GetTimestamp();
                else if (time.GetElapsedTime(idleSince) >= idleTimeout)
                {
                    Log.IdleTimeoutReached(_logger, NodeId, idleTimeout.TotalSeconds);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Asked to stop.
        }
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _sessions.RemoveAll(t => t.IsCompleted);
            _sessions.Add(task);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_acceptStopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(_acceptStopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex) when (ex is SocketException or InvalidOperationException && _acceptStopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.AcceptFailed(_logger, ex.Message);
                continue;
            }

            // Small frames must leave at once: Nagle plus delayed ACK costs ~40-90 ms a round trip (pp's trap).
            socket.NoDelay = true;
            var remote = socket.RemoteEndPoint?.ToString() ?? "unknown";
            _ = ServeAsync(new NetworkStream(socket, ownsSocket: true), remote, _stopping.Token);
        }
    }

    private static string DefaultCacheDirectory()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        if (string.IsNullOrEmpty(root))
            root = Path.GetTempPath();
        return Path.Combine(root, "ParallelSharp");
    }

    /// <summary>Stops listening, closes every connection and stops every worker process.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_advertisement is not null)
            _services.Pool.CapacityChanged -= OnCapacityChanged;

        // 1. Connected job servers learn at once that this node takes no more work (capacity 0).
        _services.Pool.AnnounceShutdown();
        // 2. The mDNS goodbye (three packets, 250 ms apart) goes out meanwhile, for browsers not connected to us.
        var goodbye = _advertisement is null ? Task.CompletedTask : _advertisement.DisposeAsync().AsTask();
        // 3. No new connections.
        await _acceptStopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        await _acceptLoop.ConfigureAwait(false);
        // 4. Workers stop; queued and running jobs go back to their job servers as rejected (no attempt charged),
        //    while the connections are still open to carry that news.
        await _services.Pool.DisposeAsync().ConfigureAwait(false);
        // 5. Connections close (each writer flushes what is pending first).
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] sessions;
        lock (_gate)
            sessions = [.. _sessions];
        await Task.WhenAll(sessions).ConfigureAwait(false);
        await goodbye.ConfigureAwait(false);
        try
        {
            await _warmUp.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped before the warm-up finished.
        }

        Log.NodeStopped(_logger, NodeId);
        _acceptStopping.Dispose();
        _stopping.Dispose();
    }
}
