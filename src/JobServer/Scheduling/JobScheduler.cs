using System.Text.Json;
using Microsoft.Extensions.Logging;
using ParallelSharp.Nodes;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;

namespace ParallelSharp.Scheduling;

/// <summary>
/// The job server's scheduler: one queue of jobs, the connected nodes, and the policy that moves jobs between them.
/// </summary>
/// <remarks>
/// <para>Load balancing: a job goes to the node with the most free slots (workers × pipeline depth, minus what it
/// holds), so a node with 8 workers takes four times the work of one with 2, and a new node gets work at once.</para>
/// <para>Faults: when a node is lost, every job it held goes back to the front of the queue. Only the jobs it was
/// likely running (its oldest, one per worker) are charged an attempt; the rest move without penalty. A job whose
/// worker crashed is charged too. A job that used up its attempts fails with <see cref="JobAbandonedException"/>
/// listing them. A result from a node for a job it no longer holds is ignored and counted: each job completes once.</para>
/// <para>One lock guards everything; frames are appended to in-memory buffers under it, never awaited.</para>
/// </remarks>
internal sealed class JobScheduler : INodeEvents, IDisposable
{
    /// <summary>How long a node that rejected a job gets no new ones.</summary>
    private static readonly TimeSpan RejectPause = TimeSpan.FromMilliseconds(500);

    private readonly Lock _gate = new();
    private readonly LinkedList<JobRecord> _queue = new();
    private readonly Dictionary<JobRecord, LinkedListNode<JobRecord>> _queued = [];
    private readonly List<NodeConnection> _nodes = [];
    private readonly Dictionary<string, NodeCounters> _countersByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _lastNodeErrors = new(StringComparer.Ordinal);
    private readonly int _pipelineDepth;
    private readonly TimeSpan? _noNodeTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _noNodeTimer;
    private long _dispatchSequence;
    private long _noNodeSince;
    private bool _disposed;

    private long _reschedules;
    private long _lateResults;
    private long _nodesLost;
    private long _nodesJoined;
    private long _abandoned;

    public JobScheduler(int pipelineDepth, TimeSpan? noNodeTimeout, TimeProvider time, ILogger logger)
    {
        _pipelineDepth = Math.Max(1, pipelineDepth);
        _noNodeTimeout = noNodeTimeout;
        _time = time;
        _logger = logger;
        _noNodeSince = time.GetTimestamp();
        var period = TimeSpan.FromMilliseconds(250);
        _noNodeTimer = time.CreateTimer(_ => CheckNoNode(), null, period, period);
    }

    /// <summary>Raised (outside the lock) when a node joins or leaves.</summary>
    public event Action? NodesChanged;

    /// <summary>Queues a job and dispatches what can be dispatched.</summary>
    public void Submit(JobRecord job)
    {
        // The job's frame is written once the lock is released, on this thread (see FrameFlushing.Inline).
        using var deferred = FrameWriter.DeferFlushes();
        lock (_gate)
        {
            if (_disposed)
                throw new ObjectDisposedException(nameof(JobServer));
            if (job.CancelRequested)
            {
                CompleteCancelledLocked(job);
                return;
            }

            if (_nodes.Count == 0 && _queue.Count == 0)
                _noNodeSince = _time.GetTimestamp();
            _queued[job] = _queue.AddLast(job);
            DispatchLocked();
        }
    }

    /// <summary>Queues many jobs at once (a map): one lock, one dispatch.</summary>
    public void SubmitMany(IReadOnlyList<JobRecord> jobs)
    {
        using var deferred = FrameWriter.DeferFlushes();
        lock (_gate)
        {
            if (_disposed)
                throw new ObjectDisposedException(nameof(JobServer));
            if (_nodes.Count == 0 && _queue.Count == 0)
                _noNodeSince = _time.GetTimestamp();
            foreach (var job in jobs)
            {
                if (job.CancelRequested)
                    CompleteCancelledLocked(job);
                else
                    _queued[job] = _queue.AddLast(job);
            }
            DispatchLocked();
        }
    }

    /// <summary>Cancels a job: dropped at once if queued; asked of its node if sent.</summary>
    public void Cancel(JobRecord job)
    {
        lock (_gate)
        {
            if (job.IsCompleted)
                return;
            job.CancelRequested = true;
            if (_queued.Remove(job, out var node))
            {
                _queue.Remove(node);
                CompleteCancelledLocked(job);
                return;
            }

            job.Node?.SendCancel(job.Id);
        }
    }

    /// <summary>Adds a connected node; it gets work at once.</summary>
    public void AddNode(NodeConnection node)
    {
        lock (_gate)
        {
            // A connection can end between its handshake and this call. Its loss was then reported while it was not
            // here, and would never be again: adding it would strand every job sent to it. (IsLost is set before the
            // loss is reported, so a loss after this check finds the node here and removes it.)
            if (_disposed || node.IsLost)
                return;
            if (!_countersByNode.TryGetValue(node.NodeId, out var counters))
                _countersByNode[node.NodeId] = counters = new NodeCounters();
            node.Counters = counters;
            _lastNodeErrors.Remove(node.Endpoint);
            _nodes.Add(node);
            _nodesJoined++;
            DispatchLocked();
        }

        Log.NodeJoined(_logger, node.NodeId, node.Endpoint, node.Workers);
        NodesChanged?.Invoke();
    }

    /// <summary>Stops (or resumes) sending new jobs to a node that announced it is leaving.</summary>
    public void SetDraining(NodeConnection node, bool draining)
    {
        lock (_gate)
        {
            node.IsDraining = draining;
            DispatchLocked();
        }
    }

    /// <summary>Remembers why a node could not be reached, for the error of jobs that find no node.</summary>
    public void RecordNodeError(string endpoint, string error)
    {
        lock (_gate)
            _lastNodeErrors[endpoint] = error;
    }

    /// <summary>The connected nodes.</summary>
    public IReadOnlyList<NodeConnection> Nodes
    {
        get
        {
            lock (_gate)
                return [.. _nodes];
        }
    }

    /// <summary>Counters of the whole scheduler and of every node ever connected.</summary>
    public SchedulerSnapshot Snapshot()
    {
        lock (_gate)
        {
            var nodes = _countersByNode.ToDictionary(
                p => p.Key,
                p => (p.Value.JobsCompleted, p.Value.JobsFailed, p.Value.BusyMicroseconds, p.Value.Reschedules, p.Value.LateResults),
                StringComparer.Ordinal);
            return new SchedulerSnapshot(_queue.Count, _nodes.Sum(n => n.InFlight.Count), _reschedules, _lateResults, _nodesLost, _nodesJoined, _abandoned, nodes);
        }
    }

    private void DispatchLocked()
    {
        while (_queue.First is { } first)
        {
            var node = PickNodeLocked();
            if (node is null)
                return;
            var job = first.Value;
            _queue.RemoveFirst();
            _queued.Remove(job);
            try
            {
                job.Node = node;
                job.Starts++;
                job.DispatchSequence = ++_dispatchSequence;
                job.Status = JobStatus.Running;
                node.InFlight[job.Id] = job;
                node.SendJob(job);
            }
            catch (ObjectDisposedException)
            {
                // The connection broke between frames; its loss handler will follow. Keep the job.
                node.InFlight.Remove(job.Id);
                job.Node = null;
                job.Starts--;
                job.Status = JobStatus.Queued;
                _queued[job] = _queue.AddFirst(job);
                _nodes.Remove(node);
            }
        }
    }

    private NodeConnection? PickNodeLocked()
    {
        NodeConnection? best = null;
        var bestFree = 0;
        foreach (var node in _nodes)
        {
            if (node.IsDraining || (node.PausedUntil != 0 && _time.GetTimestamp() < node.PausedUntil))
                continue;
            var free = node.Workers * _pipelineDepth - node.InFlight.Count;
            if (free > bestFree)
            {
                best = node;
                bestFree = free;
            }
        }

        return best;
    }

    void INodeEvents.OnJobResult(NodeConnection node, long jobId, JobResultStatus status, long busyMicroseconds, ReadOnlySpan<byte> payload)
    {
        JobRecord? job;
        lock (_gate)
        {
            if (!node.InFlight.Remove(jobId, out job) || job.IsCompleted)
            {
                // A result for a job this node no longer holds: it was rescheduled after the node was
                // declared dead, or cancelled. Each job completes exactly once; this one is ignored.
                node.Counters.LateResults++;
                _lateResults++;
                return;
            }

            job.Node = null;
            node.Counters.BusyMicroseconds += busyMicroseconds;
            switch (status)
            {
                case JobResultStatus.WorkerCrashed:
                    node.Counters.JobsFailed++;
                    if (!CompleteIfCancelRequestedLocked(job))
                        ChargeAttemptLocked(job, node, ReadError(payload).Message);
                    DispatchLocked();
                    return;
                case JobResultStatus.Rejected:
                    // The node could not run it (shutting down, no workers): move it without penalty, and give the node
                    // a pause so a node whose workers cannot start does not bounce the same jobs straight back.
                    if (!CompleteIfCancelRequestedLocked(job))
                    {
                        job.Starts--;
                        RequeueLocked(job);
                        node.Counters.Reschedules++;
                        node.PausedUntil = _time.GetTimestamp() + (long)(RejectPause.TotalSeconds * _time.TimestampFrequency);
                    }

                    DispatchLocked();
                    return;
                case JobResultStatus.Succeeded:
                    node.Counters.JobsCompleted++;
                    break;
                default:
                    node.Counters.JobsFailed++;
                    break;
            }

            DispatchLocked();
        }

        // Decoding and completing happen outside the lock: other nodes' results need not wait for them.
        if (!job.TryClaim(node.NodeId))
            return;
        switch (status)
        {
            case JobResultStatus.Succeeded:
                job.SetResult(payload);
                break;
            case JobResultStatus.Cancelled:
                job.SetCancelled();
                break;
            default:
                job.SetError(Errors.FromRemote(job, node.NodeId, status, ReadError(payload)));
                break;
        }

        job.Finished?.Invoke(job);
    }

    private void ChargeAttemptLocked(JobRecord job, NodeConnection node, string reason)
    {
        job.FailedAttempts.Add(new JobAttempt(job.FailedAttempts.Count + 1, node.NodeId, reason));
        if (job.FailedAttempts.Count >= job.MaxAttempts)
        {
            _abandoned++;
            Log.JobAbandoned(_logger, job.Id, job.FailedAttempts.Count);
            if (job.TryClaim(node.NodeId))
            {
                job.SetError(Errors.Abandoned(job));
                job.Finished?.Invoke(job);
            }

            return;
        }

        Log.JobRescheduled(_logger, job.Id, node.NodeId, reason);
        RequeueLocked(job);
        node.Counters.Reschedules++;
    }

    /// <summary>
    /// Completes as cancelled a job that came back from its node without an outcome (crash, rejection, lost node) after
    /// its caller had cancelled it: there is nothing left to run it for. Returns false if no cancellation was asked.
    /// </summary>
    private static bool CompleteIfCancelRequestedLocked(JobRecord job)
    {
        if (!job.CancelRequested)
            return false;
        job.Node = null;
        CompleteCancelledLocked(job);
        return true;
    }

    private void RequeueLocked(JobRecord job)
    {
        _reschedules++;
        job.Status = JobStatus.Queued;
        job.Node = null;
        if (_nodes.Count == 0 && _queue.Count == 0)
            _noNodeSince = _time.GetTimestamp();
        _queued[job] = _queue.AddFirst(job);
    }

    private static RemoteError ReadError(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
            return new RemoteError(string.Empty, string.Empty, string.Empty);
        try
        {
            return JsonSerializer.Deserialize(payload, ProtocolJsonContext.Default.RemoteError) ?? new RemoteError(string.Empty, string.Empty, string.Empty);
        }
        catch (JsonException ex)
        {
            return new RemoteError("ParallelSharp.MalformedError", $"The node sent an unreadable error description: {ex.Message}", string.Empty);
        }
    }

    void INodeEvents.OnCapacityChanged(NodeConnection node)
    {
        lock (_gate)
            DispatchLocked();
    }

    void INodeEvents.OnNodeLost(NodeConnection node, NodeFailureKind kind, string reason)
    {
        lock (_gate)
        {
            if (!_nodes.Remove(node) && node.InFlight.Count == 0)
                return;
            _nodesLost++;
            _lastNodeErrors[node.Endpoint] = $"node {node.NodeId} was lost: {reason}";
            // The node ran its oldest jobs, one per worker; those are charged an attempt, the rest merely waited there.
            var held = node.InFlight.Values.OrderBy(j => j.DispatchSequence).ToList();
            node.InFlight.Clear();
            var running = Math.Max(1, node.Workers);
            for (var i = held.Count - 1; i >= 0; i--)
            {
                var job = held[i];
                if (job.IsCompleted || CompleteIfCancelRequestedLocked(job))
                    continue;
                if (i < running)
                {
                    ChargeAttemptLocked(job, node, $"node lost ({kind}): {reason}");
                }
                else
                {
                    job.Starts--;
                    RequeueLocked(job);
                    node.Counters.Reschedules++;
                }
            }

            if (_nodes.Count == 0)
                _noNodeSince = _time.GetTimestamp();
            DispatchLocked();
            Log.NodeLost(_logger, node.NodeId, node.Endpoint, reason, held.Count);
        }

        NodesChanged?.Invoke();
    }

    private void CheckNoNode()
    {
        lock (_gate)
        {
            // Nodes whose rejection pause ended get work again.
            if (_queue.Count > 0 && _nodes.Any(n => n.PausedUntil != 0))
                DispatchLocked();
        }

        if (_noNodeTimeout is not { } timeout)
            return;
        List<JobRecord> expired = [];
        string detail;
        lock (_gate)
        {
            if (_nodes.Count > 0 || _queue.Count == 0 || _time.GetElapsedTime(_noNodeSince) < timeout)
                return;
            expired.AddRange(_queue);
            _queue.Clear();
            _queued.Clear();
            detail = _lastNodeErrors.Count == 0
                ? "No node was configured or found."
                : string.Join(" ", _lastNodeErrors.Select(p => $"{p.Key}: {p.Value.TrimEnd('.')}."));
        }

        foreach (var job in expired)
        {
            if (job.TryClaim(null))
            {
                job.SetError(Errors.NoNodeAvailable(job, timeout, detail));
                job.Finished?.Invoke(job);
            }
        }
    }

    private static void CompleteCancelledLocked(JobRecord job)
    {
        if (!job.TryClaim(null))
            return;
        job.SetCancelled();
        job.Finished?.Invoke(job);
    }

    /// <summary>Fails every job not yet finished (the server is shutting down).</summary>
    public void FailAll(Func<JobRecord, Exception> error)
    {
        List<JobRecord> pending;
        lock (_gate)
        {
            _disposed = true;
            pending = [.. _queue];
            _queue.Clear();
            _queued.Clear();
            foreach (var node in _nodes)
            {
                pending.AddRange(node.InFlight.Values);
                node.InFlight.Clear();
            }
        }

        foreach (var job in pending)
        {
            if (job.TryClaim(null))
            {
                job.SetError(error(job));
                job.Finished?.Invoke(job);
            }
        }
    }

    public void Dispose() => _noNodeTimer.Dispose();
}
