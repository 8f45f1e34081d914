using System.Text.Json;
using Microsoft.Extensions.Logging;
using ParallelSharp.NodeDaemon.Compilation;
using ParallelSharp.NodeDaemon.WorkerHost;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Handshake;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;

namespace ParallelSharp.NodeDaemon.Protocol;

/// <summary>
/// One client connection on a node: the handshake, then the client's packages (have/need for their
/// assemblies, compile through the cache) and its jobs, whose results it writes back as they come.
/// </summary>
/// <remarks>
/// Anything malformed from the client ends this connection only. When the connection ends, the client's
/// queued jobs are dropped and its running jobs finish unheard.
/// </remarks>
internal sealed class NodeSession : IJobResultSink
{
    private readonly Stream _stream;
    private readonly NodeServices _services;
    private readonly string _remote;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, PackageState> _packages = [];
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private string _clientName = "(handshake)";
    private long _lastHeard;

    public NodeSession(Stream stream, NodeServices services, string remote)
    {
        _stream = stream;
        _services = services;
        _remote = remote;
        _logger = services.Logger;
        _reader = new FrameReader(stream, FrameLimits.HandshakeMaxFrameLength);
        _writer = new FrameWriter(stream, FrameFlushing.Inline);
    }

    /// <summary>Serves the connection until it closes. Never throws for the client's faults.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var scope = Log.ConnectionScope(_logger, _remote);
        try
        {
            if (!await HandshakeAsync(cancellationToken).ConfigureAwait(false))
                return;
            _services.Pool.CapacityChanged += OnCapacityChanged;
            _reader.MaxFrameLength = _services.MaxFrameLength;
            using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _lastHeard = _services.Time.GetTimestamp();
            using var watchdog = StartSilenceWatchdog(silence);
            FrameHandler handler = OnFrame;
            try
            {
                while (await _reader.ReadFramesAsync(handler, silence.Token).ConfigureAwait(false))
                {
                }
            }
            catch (OperationCanceledException) when (silence.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Log.ClientDropped(_logger, _clientName, _remote, $"no frame for longer than {_services.ClientTimeout?.TotalSeconds:0.#} s (heartbeat timeout)");
                return;
            }

            Log.ClientDisconnected(_logger, _clientName, _remote, "it closed the connection");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.ClientDisconnected(_logger, _clientName, _remote, "the node is stopping");
        }
        catch (Exception ex) when (ex is ProtocolException or IOException or ObjectDisposedException)
        {
            Log.ClientDropped(_logger, _clientName, _remote, ex.Message);
        }
        finally
        {
            _services.Pool.CapacityChanged -= OnCapacityChanged;
            _services.Pool.RemoveSink(this);
            await _writer.DisposeAsync().ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> HandshakeAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_services.HandshakeTimeout);
        try
        {
            var info = _services.DescribeNode();
            var result = await NodeHandshake.RunAsync(_reader, _writer, _services.Secret, info, deadline.Token).ConfigureAwait(false);
            _clientName = result.ClientName;
            Log.ClientConnected(_logger, _clientName, _remote);
            return true;
        }
        catch (NodeUnavailableException ex)
        {
            Log.ClientRefused(_logger, _remote, ex.Kind.ToString(), ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.ClientRefused(_logger, _remote, "HandshakeTimeout",
                $"The client did not complete the handshake within {_services.HandshakeTimeout.TotalSeconds:0.#} s.");
        }
        catch (ProtocolException ex)
        {
            Log.ClientRefused(_logger, _remote, "ProtocolError", ex.Message);
        }

        // Let the refusal reach the client before the connection closes, but never wait on a stalled peer for long.
        try
        {
            using var flushDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _writer.FlushAsync(flushDeadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The refusal could not be delivered; the connection closes anyway.
        }

        return false;
    }

    private ITimer? StartSilenceWatchdog(CancellationTokenSource silence)
    {
        if (_services.ClientTimeout is not { } timeout)
            return null;
        var period = TimeSpan.FromMilliseconds(Math.Max(50, timeout.TotalMilliseconds / 4));
        return _services.Time.CreateTimer(_ =>
        {
            try
            {
                if (_services.Time.GetElapsedTime(Interlocked.Read(ref _lastHeard)) > timeout)
                    silence.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The session ended while this tick was due.
            }
        }, null, period, period);
    }

    private void OnFrame(FrameType type, ReadOnlySpan<byte> body)
    {
        Interlocked.Exchange(ref _lastHeard, _services.Time.GetTimestamp());
        switch (type)
        {
            case FrameType.RunJob:
                OnRunJob(body);
                break;
            case FrameType.DefinePackage:
                OnDefinePackage(body);
                break;
            case FrameType.UploadAssembly:
                OnUploadAssembly(body);
                break;
            case FrameType.CancelJob:
                OnCancel(SimpleMessages.ReadInt64(body, "cancel"));
                break;
            case FrameType.Heartbeat:
                SimpleMessages.WriteInt64(_writer, FrameType.HeartbeatAck, SimpleMessages.ReadInt64(body, "heartbeat"));
                break;
            case FrameType.SetWorkers:
                var count = SimpleMessages.ReadInt32(body, "set-workers");
                if (count is < 0 or > 4096)
                    throw new ProtocolException($"The client asked for {count} workers; 0 to 4096 are allowed.");
                Log.WorkerCountChanged(_logger, _clientName, count);
                _services.Pool.SetWorkerCount(count);
                break;
            case FrameType.StatsRequest:
                var requestId = (uint)SimpleMessages.ReadInt32(body, "stats-request");
                TaggedJsonMessage.Write(_writer, FrameType.StatsReply, requestId, _services.Statistics(), ProtocolJsonContext.Default.NodeStatsReport);
                break;
            case FrameType.HeartbeatAck:
                break;
            case FrameType.Goodbye:
                throw new IOException("The client said goodbye.");
            default:
                throw new ProtocolException($"A node does not accept {type} frames from a client.");
        }
    }

    private void OnDefinePackage(ReadOnlySpan<byte> body)
    {
        var package = TaggedJsonMessage.Read(body, ProtocolJsonContext.Default.JobPackage, out var handle);
        var state = new PackageState(handle, package);
        foreach (var reference in package.References)
        {
            if (!_services.Assemblies.Has(reference.Sha256))
                state.MissingAssemblies.Add(reference.Sha256);
        }

        lock (_gate)
            _packages[handle] = state;
        if (state.MissingAssemblies.Count > 0)
            AssemblyMessages.WriteNeed(_writer, handle, [.. state.MissingAssemblies]);
        else
            StartCompile(state);
    }

    private void OnUploadAssembly(ReadOnlySpan<byte> body)
    {
        var reference = AssemblyMessages.ReadUpload(body, out var content);
        try
        {
            _services.Assemblies.Put(reference, content);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or IOException)
        {
            // A corrupt upload fails the packages that wait for it, with the reason; the connection lives on.
            FailWaitingFor(reference.Sha256, ex.Message);
            return;
        }

        List<PackageState> ready = [];
        lock (_gate)
        {
            foreach (var state in _packages.Values)
            {
                if (state.MissingAssemblies.Remove(reference.Sha256) && state.MissingAssemblies.Count == 0)
                    ready.Add(state);
            }
        }

        foreach (var state in ready)
            StartCompile(state);
    }

    private void FailWaitingFor(string sha256, string reason)
    {
        List<PackageState> failed = [];
        lock (_gate)
            failed.AddRange(_packages.Values.Where(s => s.MissingAssemblies.Contains(sha256)));
        foreach (var state in failed)
            Fail(state, new RemoteError("System.IO.InvalidDataException", reason, string.Empty));
    }

    private void StartCompile(PackageState state)
    {
        lock (_gate)
        {
            if (state.IsCompiling)
                return;
            state.IsCompiling = true;
        }

        ValueTask<CompiledPackage> compile;
        try
        {
            compile = _services.Compiler.GetOrCompileAsync(state.Package, CancellationToken.None);
        }
        catch (Exception ex) when (ex is JobCompilationException or FileNotFoundException)
        {
            Fail(state, ToRemoteError(ex));
            return;
        }

        if (compile.IsCompletedSuccessfully)
        {
            Ready(state, compile.Result);
            return;
        }

        _ = CompleteCompileAsync(state, compile.AsTask());
    }

    private async Task CompleteCompileAsync(PackageState state, Task<CompiledPackage> compile)
    {
        try
        {
            Ready(state, await compile.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            // Every failure becomes the jobs' error: a compile bug must not hang them.
            Fail(state, ToRemoteError(ex));
        }
    }

    private static RemoteError ToRemoteError(Exception ex) => ex is JobCompilationException compilation
        ? new RemoteError(typeof(JobCompilationException).FullName!, compilation.Message, string.Empty, compilation.Diagnostics)
        : new RemoteError(ex.GetType().FullName ?? "Exception", ex.Message, ex.StackTrace ?? string.Empty);

    private void Ready(PackageState state, CompiledPackage compiled)
    {
        var paths = new List<string>(compiled.References.Count);
        foreach (var reference in compiled.References)
        {
            if (!_services.Assemblies.TryGetPath(reference.Sha256, out var path))
            {
                Fail(state, new RemoteError("System.IO.FileNotFoundException",
                    $"Assembly {reference.Name} ({reference.Sha256}) vanished from the node's store after compiling.", string.Empty));
                return;
            }

            paths.Add(path);
        }

        var runnable = new RunnablePackage(compiled.Key, compiled.Image, paths);
        List<(long JobId, byte Flags, uint Timeout, byte[] Payload)> waiting;
        lock (_gate)
        {
            state.Runnable = runnable;
            waiting = [.. state.Waiting];
            state.Waiting.Clear();
        }

        foreach (var (jobId, flags, timeout, payload) in waiting)
            _services.Pool.Enqueue(new NodeJob(this, jobId, runnable, flags, timeout, payload));
    }

    private void Fail(PackageState state, RemoteError error)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(error, ProtocolJsonContext.Default.RemoteError);
        List<(long JobId, byte Flags, uint Timeout, byte[] Payload)> waiting;
        lock (_gate)
        {
            state.Failure = json;
            waiting = [.. state.Waiting];
            state.Waiting.Clear();
        }

        Log.PackageRejected(_logger, state.Package.EntryDisplayName, error.Message);
        foreach (var job in waiting)
            DeliverResult(job.JobId, JobResultStatus.CompileFailed, 0, json);
    }

    private void OnRunJob(ReadOnlySpan<byte> body)
    {
        RunJobMessage.Read(body, out var jobId, out var handle, out var flags, out var timeout, out var payload);
        RunnablePackage? runnable;
        byte[]? failure;
        lock (_gate)
        {
            if (!_packages.TryGetValue(handle, out var state))
                throw new ProtocolException($"Job {jobId} names package handle {handle}, which this connection never defined.");
            runnable = state.Runnable;
            failure = state.Failure;
            if (runnable is null && failure is null)
            {
                state.Waiting.Add((jobId, flags, timeout, payload.ToArray()));
                return;
            }
        }

        if (failure is not null)
            DeliverResult(jobId, JobResultStatus.CompileFailed, 0, failure);
        else
            _services.Pool.Enqueue(new NodeJob(this, jobId, runnable!, flags, timeout, payload.ToArray()));
    }

    private void OnCancel(long jobId)
    {
        lock (_gate)
        {
            foreach (var state in _packages.Values)
            {
                var index = state.Waiting.FindIndex(j => j.JobId == jobId);
                if (index >= 0)
                {
                    state.Waiting.RemoveAt(index);
                    DeliverResult(jobId, JobResultStatus.Cancelled, 0, default);
                    return;
                }
            }
        }

        _services.Pool.Cancel(this, jobId);
    }

    private void OnCapacityChanged(int workers)
    {
        try
        {
            SimpleMessages.WriteInt32(_writer, FrameType.NodeStatus, workers);
        }
        catch (ObjectDisposedException)
        {
            // The connection is closing.
        }
    }

    /// <inheritdoc />
    public void DeliverResult(long clientJobId, JobResultStatus status, long busyMicroseconds, ReadOnlySpan<byte> payload)
    {
        try
        {
            JobResultMessage.Write(_writer, clientJobId, status, busyMicroseconds, payload);
        }
        catch (ObjectDisposedException)
        {
            // The client is gone; its results have nowhere to go (it re-runs what it still needs elsewhere).
        }
    }
}
