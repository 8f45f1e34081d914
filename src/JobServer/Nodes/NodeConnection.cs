using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Handshake;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;
using ParallelSharp.Scheduling;

namespace ParallelSharp.Nodes;

/// <summary>
/// The job server's end of one connection to a node, local or remote: it defines packages on first use
/// (pp's transparent caching, per connection), uploads assemblies the node says it lacks, sends jobs,
/// receives results, and watches the node's heartbeat.
/// </summary>
internal sealed class NodeConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly INodeEvents _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, uint> _packageHandles = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, JobSource> _sourcesByHandle = [];
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<NodeStatsReport>> _statsRequests = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _readLoop = Task.CompletedTask;
    private ITimer? _heartbeat;
    private uint _nextHandle;
    private int _nextStatsRequest;
    private long _lastHeard;
    private int _checks;
    private int _lost;
    private int _disposed;

    private NodeConnection(Stream stream, FrameReader reader, FrameWriter writer, NodeInfo info, string endpoint, bool isLocal, INodeEvents events, ILogger logger, TimeProvider time)
    {
        _stream = stream;
        _reader = reader;
        _writer = writer;
        Info = info;
        Endpoint = endpoint;
        IsLocal = isLocal;
        Workers = info.Workers;
        _events = events;
        _logger = logger;
        _time = time;
        _lastHeard = time.GetTimestamp();
    }

    /// <summary>What the node said of itself in the handshake.</summary>
    public NodeInfo Info { get; }

    /// <summary>The node's name.</summary>
    public string NodeId => Info.NodeId;

    /// <summary>Where the node is (address, or "in-process").</summary>
    public string Endpoint { get; }

    /// <summary>Whether this is the job server's own in-process node.</summary>
    public bool IsLocal { get; }

    /// <summary>The node's current worker count (its slots).</summary>
    public int Workers { get; private set; }

    /// <summary>Jobs sent and not yet answered, by id. Guarded by the scheduler's lock.</summary>
    public Dictionary<long, JobRecord> InFlight { get; } = [];

    /// <summary>Per-node counters kept by the scheduler (under its lock).</summary>
    public NodeCounters Counters { get; set; } = new();

    /// <summary>A <see cref="TimeProvider"/> timestamp before which the node gets no new jobs (it rejected one); 0 for none. Guarded by the scheduler's lock.</summary>
    public long PausedUntil { get; set; }

    /// <summary>Set when discovery saw the node say goodbye: it gets no new jobs, but its running jobs may still answer. Guarded by the scheduler's lock.</summary>
    public bool IsDraining { get; set; }

    /// <summary>Whether the connection has ended.</summary>
    public bool IsLost => Volatile.Read(ref _lost) != 0;

    /// <summary>Completes when the read loop has ended.</summary>
    public Task Completion => _readLoop;

    /// <summary>Runs the handshake on a fresh stream and starts reading.</summary>
    /// <exception cref="NodeUnavailableException">The node refused us or we refused it (secret, version, cluster).</exception>
    /// <exception cref="ProtocolException">The node sent something malformed.</exception>
    public static async Task<NodeConnection> ConnectAsync(
        Stream stream, string endpoint, bool isLocal, NodeConnectionSettings settings, INodeEvents events, CancellationToken cancellationToken)
    {
        var reader = new FrameReader(stream, FrameLimits.HandshakeMaxFrameLength);
        var writer = new FrameWriter(stream, FrameFlushing.Inline);
        NodeInfo info;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(settings.ConnectTimeout);
            info = await ClientHandshake.RunAsync(reader, writer, settings.Secret, settings.Cluster, settings.ClientName, endpoint, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await CloseAsync(writer, stream).ConfigureAwait(false);
            throw new NodeUnavailableException(
                $"The node at {endpoint} did not complete the handshake within {settings.ConnectTimeout.TotalSeconds:0.#} s. Check that a ParallelSharp node listens there.",
                NodeFailureKind.ConnectionFailed);
        }
        catch
        {
            try
            {
                using var flushDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await writer.FlushAsync(flushDeadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The refusal could not be delivered; the peer is gone anyway.
            }

            await CloseAsync(writer, stream).ConfigureAwait(false);
            throw;
        }

        reader.MaxFrameLength = settings.MaxFrameLength;
        var connection = new NodeConnection(stream, reader, writer, info, endpoint, isLocal, events, settings.Logger, settings.TimeProvider);
        connection._readLoop = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
        if (settings.HeartbeatInterval > TimeSpan.Zero)
        {
            // The silence is checked about ten times per timeout, so a silent node is declared dead close to the
            // timeout rather than up to a whole heartbeat interval after it; the heartbeat itself goes out once per interval.
            var checksPerBeat = settings.HeartbeatTimeout > TimeSpan.Zero
                ? (int)Math.Clamp(Math.Ceiling(settings.HeartbeatInterval / (settings.HeartbeatTimeout / 10)), 1, 100)
                : 1;
            var period = settings.HeartbeatInterval / checksPerBeat;
            connection._heartbeat = settings.TimeProvider.CreateTimer(_ => connection.Beat(settings.HeartbeatTimeout, checksPerBeat), null, period, period);
        }

        return connection;
    }

    /// <summary>Sends a job, defining its package on this connection first if needed. Called under the scheduler's lock.</summary>
    /// <exception cref="ObjectDisposedException">The connection is closed.</exception>
    public void SendJob(JobRecord job)
    {
        var handle = EnsurePackage(job.Source);
        RunJobMessage.Write(_writer, job.Id, handle, job.Flags, job.TimeoutMilliseconds, job.Payload);
    }

    /// <summary>Asks the node to drop or stop a job.</summary>
    public void SendCancel(long jobId) => TrySend(() => SimpleMessages.WriteInt64(_writer, FrameType.CancelJob, jobId));

    /// <summary>Asks the node to change its worker count.</summary>
    public void SendSetWorkers(int count) => TrySend(() => SimpleMessages.WriteInt32(_writer, FrameType.SetWorkers, count));

    /// <summary>Asks the node for its own counters.</summary>
    /// <exception cref="NodeUnavailableException">The connection ended first.</exception>
    public async Task<NodeStatsReport> RequestStatisticsAsync(CancellationToken cancellationToken)
    {
        var id = (uint)Interlocked.Increment(ref _nextStatsRequest);
        var pending = new TaskCompletionSource<NodeStatsReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        _statsRequests[id] = pending;
        try
        {
            // Registered before the check: Lose marks the connection lost before it fails the pending requests, so a
            // request either sees the loss here or is failed by it. (After a loss the writer may still accept frames.)
            if (IsLost || !TrySend(() => SimpleMessages.WriteInt32(_writer, FrameType.StatsRequest, (int)id)))
                throw new NodeUnavailableException($"Node {NodeId} at {Endpoint} is disconnected.", NodeFailureKind.ConnectionLost);
            return await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _statsRequests.TryRemove(id, out _);
        }
    }

    private uint EnsurePackage(JobSource source)
    {
        lock (_gate)
        {
            if (_packageHandles.TryGetValue(source.Package.Key, out var handle))
                return handle;
            handle = ++_nextHandle;
            _packageHandles[source.Package.Key] = handle;
            _sourcesByHandle[handle] = source;
            TaggedJsonMessage.Write(_writer, FrameType.DefinePackage, handle, source.Package, ProtocolJsonContext.Default.JobPackage);
            return handle;
        }
    }

    private bool TrySend(Action send)
    {
        try
        {
            send();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private void Beat(TimeSpan timeout, int checksPerBeat)
    {
        if (IsLost)
            return;
        var silence = _time.GetElapsedTime(Interlocked.Read(ref _lastHeard));
        if (silence > timeout)
        {
            Abort(NodeFailureKind.HeartbeatTimeout, $"no heartbeat for {silence.TotalSeconds:0.0} s (timeout {timeout.TotalSeconds:0.#} s)");
            return;
        }

        if (Interlocked.Increment(ref _checks) % checksPerBeat == 0)
            TrySend(() => SimpleMessages.WriteInt64(_writer, FrameType.Heartbeat, _time.GetTimestamp()));
    }

    private async Task ReadLoopAsync()
    {
        var kind = NodeFailureKind.ConnectionLost;
        var reason = "the node closed the connection";
        FrameHandler handler = OnFrame;
        try
        {
            while (await _reader.ReadFramesAsync(handler, _closing.Token).ConfigureAwait(false))
            {
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            reason = "the connection was closed";
        }
        catch (Exception ex) when (ex is IOException or ProtocolException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            reason = ex.Message;
        }
        catch (InvalidOperationException) when (_closing.IsCancellationRequested)
        {
            // We closed the stream under a read (Abort, DisposeAsync) while the loop was between reads: the in-process
            // pipe then refuses the next read with InvalidOperationException where a socket throws ObjectDisposedException.
            reason = "the connection was closed";
        }
        catch (Exception ex)
        {
            // Anything else is a bug in handling a frame; the node must still be reported lost, or its jobs would be stranded.
            kind = NodeFailureKind.ConnectionLost;
            reason = $"the connection failed unexpectedly: {ex.GetType().Name}: {ex.Message}";
            Log.ConnectionFaulted(_logger, NodeId, ex);
        }

        if (_writer.Fault is { } fault && reason == "the node closed the connection")
            reason = fault.Message;
        Lose(kind, reason);
    }

    private void OnFrame(FrameType type, ReadOnlySpan<byte> body)
    {
        Interlocked.Exchange(ref _lastHeard, _time.GetTimestamp());
        switch (type)
        {
            case FrameType.JobResult:
                JobResultMessage.Read(body, out var jobId, out var status, out var busy, out var payload);
                _events.OnJobResult(this, jobId, status, busy, payload);
                break;
            case FrameType.HeartbeatAck:
                break;
            case FrameType.Heartbeat:
                SimpleMessages.WriteInt64(_writer, FrameType.HeartbeatAck, SimpleMessages.ReadInt64(body, "heartbeat"));
                break;
            case FrameType.NodeStatus:
                Workers = Math.Max(0, SimpleMessages.ReadInt32(body, "node-status"));
                _events.OnCapacityChanged(this);
                break;
            case FrameType.NeedAssemblies:
                UploadAssemblies(AssemblyMessages.ReadNeed(body, out var handle), handle);
                break;
            case FrameType.StatsReply:
                var report = TaggedJsonMessage.Read(body, ProtocolJsonContext.Default.NodeStatsReport, out var requestId);
                if (_statsRequests.TryRemove(requestId, out var pending))
                    pending.TrySetResult(report);
                break;
            case FrameType.Goodbye:
                throw new IOException($"the node said goodbye: {SimpleMessages.ReadString(body, "goodbye")}");
            default:
                throw new ProtocolException($"Node {NodeId} sent an unexpected {type} frame.");
        }
    }

    private void UploadAssemblies(IReadOnlyList<string> sha256s, uint handle)
    {
        JobSource? source;
        lock (_gate)
            _sourcesByHandle.TryGetValue(handle, out source);
        if (source is null)
            throw new ProtocolException($"Node {NodeId} asked for assemblies of package handle {handle}, which was never defined.");
        foreach (var sha in sha256s)
        {
            var reference = source.Package.References.FirstOrDefault(r => r.Sha256 == sha)
                ?? throw new ProtocolException($"Node {NodeId} asked for assembly {sha}, which package {source} does not reference.");
            var bytes = File.ReadAllBytes(source.AssemblyFiles[sha]);
            Log.AssemblyUploaded(_logger, reference.Name, NodeId, bytes.Length);
            AssemblyMessages.WriteUpload(_writer, reference, bytes);
        }
    }

    /// <summary>Ends the connection: its jobs go back to the scheduler.</summary>
    public void Abort(NodeFailureKind kind, string reason)
    {
        Lose(kind, reason);
        if (Volatile.Read(ref _disposed) != 0)
            return;
        try
        {
            _closing.Cancel();
            _stream.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently: already closed.
        }
    }

    private void Lose(NodeFailureKind kind, string reason)
    {
        if (Interlocked.Exchange(ref _lost, 1) != 0)
            return;
        _heartbeat?.Dispose();
        foreach (var pending in _statsRequests.Values)
            pending.TrySetException(new NodeUnavailableException($"Node {NodeId} at {Endpoint} disconnected: {reason}", kind));
        _events.OnNodeLost(this, kind, reason);
    }

    private static async Task CloseAsync(FrameWriter writer, Stream stream)
    {
        await writer.DisposeAsync().ConfigureAwait(false);
        await stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Says goodbye and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        TrySend(() => SimpleMessages.WriteString(_writer, FrameType.Goodbye, "the job server is shutting down"));
        _heartbeat?.Dispose();
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _closing.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _readLoop.ConfigureAwait(false);
        _closing.Dispose();
    }
}
