using System.Text.Json;
using Microsoft.Extensions.Logging;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;

namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>
/// Supervises a node's worker processes and hands them jobs. It keeps the configured number of workers
/// alive (replacing any that die), sends each job to the least-loaded worker, loads packages into a
/// worker the first time it needs them, stops jobs that overrun their timeout by replacing their
/// worker, and turns a worker's death into a "worker crashed" result for the job it was running, while
/// the jobs merely queued behind it run elsewhere.
/// </summary>
/// <remarks>
/// One lock guards all state; nothing under it blocks (frames are appended to in-memory buffers, and the only write
/// made under it is a small one into the drained pipe of an idle worker).
/// </remarks>
internal sealed partial class WorkerPool : IWorkerEvents, IAsyncDisposable
{
    // Well under a pipe's buffer (64 KiB on Linux, 4 KiB at the least on Windows): such a write never waits.
    private const int IdleWorkerInlineBytes = 4096;

    private readonly WorkerPoolOptions _options;
    private readonly WorkerLauncher _launcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly LinkedList<NodeJob> _queue = new();
    private readonly List<WorkerProcess> _workers = [];
    private readonly Dictionary<string, uint> _packageHandles = new(StringComparer.Ordinal);
    private readonly ITimer _timeoutTimer;
    private readonly CancellationTokenSource _disposing = new();
    private readonly List<Task> _starting = [];
    private int _target;
    private int _startingCount;
    private int _nextWorkerNumber;
    private uint _nextPackageHandle;
    private long _nextLocalId;
    private int _consecutiveStartFailures;
    private string? _lastStartError;
    private bool _disposed;
    private bool _draining;

    private long _jobsCompleted;
    private long _jobsFailed;
    private long _busyMicroseconds;
    private long _workerRestarts;

    public WorkerPool(WorkerPoolOptions options, WorkerLauncher launcher, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PipelineDepth, 1);
        _options = options;
        _launcher = launcher;
        _time = time;
        _logger = logger;
        _target = options.Workers;
        _timeoutTimer = time.CreateTimer(_ => CheckTimeouts(), null, options.TimeoutCheckInterval, options.TimeoutCheckInterval);
    }

    /// <summary>Raised (outside the lock) when the number of live workers changes, with the new count.</summary>
    public event Action<int>? CapacityChanged;

    /// <summary>The number of workers the pool keeps.</summary>
    public int TargetWorkers
    {
        get
        {
            lock (_gate)
                return _target;
        }
    }

    /// <summary>Workers running now.</summary>
    public int LiveWorkers
    {
        get
        {
            lock (_gate)
                return _workers.Count(w => !w.IsRetiring);
        }
    }

    /// <summary>Process ids of the live workers (for diagnostics and tests).</summary>
    public IReadOnlyList<int> WorkerProcessIds
    {
        get
        {
            lock (_gate)
                return _workers.Select(w => w.ProcessId).ToArray();
        }
    }

    /// <summary>Counters for statistics.</summary>
    public (long Completed, long Failed, long BusyMicroseconds, long Restarts, int Queued) Counters
    {
        get
        {
            lock (_gate)
                return (_jobsCompleted, _jobsFailed, _busyMicroseconds, _workerRestarts, _queue.Count);
        }
    }

    /// <summary>Starts the configured workers and waits until they are ready.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Task[] starts;
        lock (_gate)
        {
            EnsureWorkersLocked();
            starts = [.. _starting];
        }

        await Task.WhenAll(starts).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues a job; it runs on the first worker with room.</summary>
    public void Enqueue(NodeJob job)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                Reject(job, "The node is shutting down.");
                return;
            }

            _queue.AddLast(job);
            if (_consecutiveStartFailures >= _options.MaxConsecutiveStartFailures && _workers.Count == 0)
            {
                FailQueuedLocked();
                return;
            }

            DispatchLocked();
        }
    }

    /// <summary>Cancels a job of a client: dropped if queued, its worker replaced if running.</summary>
    public void Cancel(IJobResultSink sink, long clientJobId)
    {
        lock (_gate)
        {
            for (var node = _queue.First; node is not null; node = node.Next)
            {
                if (node.Value.Sink == sink && node.Value.ClientJobId == clientJobId)
                {
                    _queue.Remove(node);
                    sink.DeliverResult(clientJobId, JobResultStatus.Cancelled, 0, default);
                    return;
                }
            }

            foreach (var worker in _workers)
            {
                var index = 0;
                foreach (var dispatched in worker.Outstanding)
                {
                    if (dispatched.Job.Sink == sink && dispatched.Job.ClientJobId == clientJobId && !dispatched.Job.IsAbandoned)
                    {
                        if (index == 0)
                        {
                            // Running: the only way to stop arbitrary code is to replace its process.
                            worker.Kill(JobResultStatus.Cancelled);
                        }
                        else
                        {
                            // Queued in the worker's pipe: it will run, but its result is dropped.
                            dispatched.Job.IsAbandoned = true;
                            sink.DeliverResult(clientJobId, JobResultStatus.Cancelled, 0, default);
                        }

                        return;
                    }

                    index++;
                }
            }
        }
    }

    /// <summary>Forgets every job of a client that went away: queued ones are dropped, running ones finish unheard.</summary>
    public void RemoveSink(IJobResultSink sink)
    {
        lock (_gate)
        {
            for (var node = _queue.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Sink == sink)
                    _queue.Remove(node);
                node = next;
            }

            foreach (var worker in _workers)
            {
                foreach (var dispatched in worker.Outstanding)
                {
                    if (dispatched.Job.Sink == sink)
                        dispatched.Job.IsAbandoned = true;
                }
            }
        }
    }

    /// <summary>Changes the number of workers: new ones start at once; surplus ones stop after their current jobs.</summary>
    public void SetWorkerCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 0);
        var retiring = new List<WorkerProcess>();
        lock (_gate)
        {
            _target = count;
            _consecutiveStartFailures = 0;
            var live = _workers.Where(w => !w.IsRetiring).ToList();
            var surplus = live.Count + _startingCount - count;
            // Retire the least busy first, so running jobs are disturbed least.
            foreach (var worker in live.OrderBy(w => w.Outstanding.Count))
            {
                if (surplus <= 0)
                    break;
                worker.IsRetiring = true;
                surplus--;
                if (worker.Outstanding.Count == 0)
                    retiring.Add(worker);
            }

            EnsureWorkersLocked();
            DispatchLocked();
        }

        foreach (var worker in retiring)
            _ = worker.StopAsync(TimeSpan.FromSeconds(5));
        RaiseCapacityChanged();
    }

    private void RaiseCapacityChanged() => CapacityChanged?.Invoke(Volatile.Read(ref _draining) ? 0 : TargetWorkers);

    /// <summary>
    /// Tells every client at once that this node takes no more work (its capacity is now 0), before it stops. Its
    /// queued and running jobs then come back to them as rejected, and run elsewhere without penalty.
    /// </summary>
    public void AnnounceShutdown()
    {
        Volatile.Write(ref _draining, true);
        RaiseCapacityChanged();
    }

    private void EnsureWorkersLocked()
    {
        if (_disposed)
            return;
        var missing = _target - _workers.Count(w => !w.IsRetiring) - _startingCount;
        for (var i = 0; i < missing; i++)
        {
            _startingCount++;
            var number = ++_nextWorkerNumber;
            var start = StartWorkerAsync(number);
            _starting.Add(start);
            _ = start.ContinueWith(t =>
            {
                lock (_gate)
                    _starting.Remove(t);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task StartWorkerAsync(int number)
    {
        WorkerProcess? worker = null;
        Exception? failure = null;
        try
        {
            worker = await WorkerProcess.StartAsync(_launcher, number, this, _options.ReadyTimeout, _disposing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception or IOException)
        {
            failure = ex;
        }

        var stopAtOnce = false;
        lock (_gate)
        {
            _startingCount--;
            if (worker is null)
            {
                _consecutiveStartFailures++;
                _lastStartError = failure?.Message;
                if (!_disposed)
                    Log.WorkerStartFailed(_logger, number, _consecutiveStartFailures, failure);
                if (_consecutiveStartFailures >= _options.MaxConsecutiveStartFailures)
                    FailQueuedLocked();
                else
                    EnsureWorkersLocked();
                return;
            }

            _consecutiveStartFailures = 0;
            if (_disposed || _workers.Count(w => !w.IsRetiring) >= _target)
            {
                stopAtOnce = true;
            }
            else
            {
                _workers.Add(worker);
                Log.WorkerStarted(_logger, worker.Number, worker.ProcessId);
                DispatchLocked();
            }
        }

        if (stopAtOnce)
            await worker.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        else
            RaiseCapacityChanged();
    }

    private void FailQueuedLocked()
    {
        var message = $"The node could not start a worker process ({_consecutiveStartFailures} attempts): {_lastStartError}";
        while (_queue.First is { } node)
        {
            _queue.RemoveFirst();
            WriteErrorResult(node.Value, JobResultStatus.Rejected, "ParallelSharp.WorkerStartFailed", message);
        }
    }

    private void DispatchLocked()
    {
        while (_queue.First is { } node)
        {
            var worker = PickWorkerLocked();
            if (worker is null)
                return;
            _queue.RemoveFirst();
            var job = node.Value;
            if (job.IsAbandoned)
                continue;
            SendLocked(worker, job);
        }
    }

    private WorkerProcess? PickWorkerLocked()
    {
        WorkerProcess? best = null;
        foreach (var worker in _workers)
        {
            if (worker.IsRetiring || worker.KillStatus is not null || worker.Outstanding.Count >= _options.PipelineDepth)
                continue;
            if (best is null || worker.Outstanding.Count < best.Outstanding.Count)
                best = worker;
        }

        return best;
    }

    private void SendLocked(WorkerProcess worker, NodeJob job)
    {
        var package = job.Package;
        if (!_packageHandles.TryGetValue(package.Key, out var handle))
            _packageHandles[package.Key] = handle = ++_nextPackageHandle;
        try
        {
            if (!worker.LoadedPackages.Touch(handle))
            {
                worker.LoadedPackages.Add(handle);
                new LoadPackageMessage(handle, package.Key, package.ReferencePaths, package.Image).Write(worker.Writer);
            }

            var localId = ++_nextLocalId;
            RunJobMessage.Write(worker.Writer, localId, handle, job.Flags, job.TimeoutMilliseconds, job.Payload);
            worker.Outstanding.Enqueue(new DispatchedJob(localId, job));
            if (worker.Outstanding.Count == 1)
            {
                worker.HeadStartedAt = _time.GetTimestamp();
                // The worker had nothing to run, so it waits on a drained pipe: a small job goes in without blocking,
                // from this thread, rather than by waking the writer's loop (one hand-off less per round trip).
                worker.Writer.TryWriteNow(IdleWorkerInlineBytes);
            }
        }
        catch (ObjectDisposedException)
        {
            // The worker's pipe just broke; its exit handler will run. Keep the job for another worker.
            _queue.AddFirst(job);
            worker.Kill(null);
        }
    }

    void IWorkerEvents.OnWorkerFrame(WorkerProcess worker, FrameType type, ReadOnlySpan<byte> body)
    {
        if (type != FrameType.JobResult)
        {
            if (type is FrameType.HeartbeatAck)
                return;
            throw new ProtocolException($"Worker {worker.Number} sent an unexpected {type} frame.");
        }

        JobResultMessage.Read(body, out var localId, out var status, out var busy, out var payload);
        var stopWorker = false;
        lock (_gate)
        {
            if (!worker.Outstanding.TryDequeue(out var dispatched) || dispatched.LocalId != localId)
                throw new ProtocolException($"Worker {worker.Number} answered job {localId}, which is not the job it was running.");
            worker.HeadStartedAt = _time.GetTimestamp();
            _busyMicroseconds += busy;
            if (status == JobResultStatus.Succeeded)
                _jobsCompleted++;
            else
                _jobsFailed++;
            if (!dispatched.Job.IsAbandoned)
                dispatched.Job.Sink.DeliverResult(dispatched.Job.ClientJobId, status, busy, payload);
            if (worker.IsRetiring && worker.Outstanding.Count == 0)
                stopWorker = true;
            DispatchLocked();
        }

        if (stopWorker)
            _ = worker.StopAsync(TimeSpan.FromSeconds(5));
    }

    void IWorkerEvents.OnWorkerExited(WorkerProcess worker, int? exitCode, Exception? error)
    {
        lock (_gate)
        {
            _workers.Remove(worker);
            var first = true;
            var requeue = new List<NodeJob>();
            while (worker.Outstanding.TryDequeue(out var dispatched))
            {
                var job = dispatched.Job;
                if (first)
                {
                    first = false;
                    if (!job.IsAbandoned)
                        ReportEndedHead(worker, job, exitCode);
                    continue;
                }

                // Merely queued in the dead worker's pipe: moves without penalty.
                if (!job.IsAbandoned)
                    requeue.Add(job);
            }

            for (var i = requeue.Count - 1; i >= 0; i--)
            {
                // Shutting down: hand them back to their job servers now, while the connections can still carry it.
                if (_disposed)
                    Reject(requeue[i], "The node is shutting down.");
                else
                    _queue.AddFirst(requeue[i]);
            }

            if (!_disposed && !(worker.IsRetiring && worker.KillStatus is null && exitCode == 0))
            {
                _workerRestarts++;
                Log.WorkerExited(_logger, worker.Number, worker.ProcessId, exitCode ?? -1, worker.KillStatus?.ToString() ?? "crashed", error?.Message ?? string.Empty);
            }

            EnsureWorkersLocked();
            DispatchLocked();
        }

        RaiseCapacityChanged();
    }

    private void ReportEndedHead(WorkerProcess worker, NodeJob job, int? exitCode)
    {
        switch (worker.KillStatus)
        {
            case JobResultStatus.Cancelled:
                job.Sink.DeliverResult(job.ClientJobId, JobResultStatus.Cancelled, 0, default);
                break;
            case JobResultStatus.Rejected:
                Reject(job, "The node shut down while the job was running; it may run elsewhere.");
                break;
            case JobResultStatus.TimedOut:
                WriteErrorResult(job, JobResultStatus.TimedOut, "System.TimeoutException",
                    $"The job ran longer than its timeout of {job.TimeoutMilliseconds} ms; its worker process {worker.ProcessId} was replaced.");
                break;
            default:
                WriteErrorResult(job, JobResultStatus.WorkerCrashed, "ParallelSharp.WorkerCrashed",
                    $"The worker process {worker.ProcessId} running the job crashed (exit code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}); " +
                    "for example Environment.FailFast, a stack overflow or Environment.Exit in the job. The worker was replaced.");
                break;
        }
    }

    private static void Reject(NodeJob job, string message) =>
        WriteErrorResult(job, JobResultStatus.Rejected, "ParallelSharp.NodeShuttingDown", message);

    private static void WriteErrorResult(NodeJob job, JobResultStatus status, string type, string message)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new RemoteError(type, message, string.Empty), ProtocolJsonContext.Default.RemoteError);
        job.Sink.DeliverResult(job.ClientJobId, status, 0, json);
    }

    private void CheckTimeouts()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            foreach (var worker in _workers)
            {
                if (worker.KillStatus is not null || !worker.Outstanding.TryPeek(out var head) || head.Job.TimeoutMilliseconds == 0)
                    continue;
                if (_time.GetElapsedTime(worker.HeadStartedAt, now).TotalMilliseconds > head.Job.TimeoutMilliseconds)
                    worker.Kill(JobResultStatus.TimedOut);
            }
        }
    }

    /// <summary>Stops every worker: rejects queued jobs, closes pipes, kills what does not exit.</summary>
    public async ValueTask DisposeAsync()
    {
        List<WorkerProcess> workers;
        Task[] starting;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            while (_queue.First is { } node)
            {
                _queue.RemoveFirst();
                Reject(node.Value, "The node is shutting down.");
            }

            workers = [.. _workers];
            starting = [.. _starting];
        }

        await _timeoutTimer.DisposeAsync().ConfigureAwait(false);
        await _disposing.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(starting).ConfigureAwait(false);
        foreach (var worker in workers)
            worker.Kill(JobResultStatus.Rejected);
        await Task.WhenAll(workers.Select(w => w.Completion)).ConfigureAwait(false);
        _disposing.Dispose();
    }
}
