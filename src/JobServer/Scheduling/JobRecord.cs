using ParallelSharp.Nodes;

namespace ParallelSharp.Scheduling;

/// <summary>
/// A job as the scheduler sees it, untyped: what to run, where it is, and its attempts. The typed
/// subclass turns the outcome into the caller's result. Completion happens exactly once; every later
/// outcome (a late result from a node declared dead, say) is ignored and counted.
/// </summary>
internal abstract class JobRecord(long id, JobSource source, byte[] payload, byte flags, uint timeoutMilliseconds, int maxAttempts, string group)
{
    private int _completed;

    public long Id { get; } = id;

    public JobSource Source { get; } = source;

    public byte[] Payload { get; } = payload;

    public byte Flags { get; } = flags;

    public uint TimeoutMilliseconds { get; } = timeoutMilliseconds;

    public int MaxAttempts { get; } = maxAttempts;

    public string Group { get; } = group;

    /// <summary>Starts that ended without a result (crashes, lost nodes), oldest first. Guarded by the scheduler's lock.</summary>
    public List<JobAttempt> FailedAttempts { get; } = [];

    /// <summary>How many times the job was started (sent to a node). Guarded by the scheduler's lock.</summary>
    public int Starts { get; set; }

    /// <summary>The node the job is on, if it is on one. Guarded by the scheduler's lock.</summary>
    public NodeConnection? Node { get; set; }

    /// <summary>The order in which the job was sent to its node, used to tell the jobs a node was running from those it only held.</summary>
    public long DispatchSequence { get; set; }

    /// <summary>The node that produced the outcome.</summary>
    public string? CompletedOn { get; private set; }

    public JobStatus Status { get; set; } = JobStatus.Queued;

    /// <summary>Set when cancellation was asked before the job reached the queue. Guarded by the scheduler's lock.</summary>
    public bool CancelRequested { get; set; }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Called once the outcome is set and, if there is a callback, after it ran.</summary>
    public Action<JobRecord>? Finished { get; set; }

    /// <summary>Claims the right to complete the job. False if it was already completed.</summary>
    public bool TryClaim(string? nodeId)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
            return false;
        CompletedOn = nodeId;
        return true;
    }

    /// <summary>Decodes the JSON result and completes the job. Call only after <see cref="TryClaim"/>.</summary>
    public abstract void SetResult(ReadOnlySpan<byte> payload);

    /// <summary>Completes the job with an error. Call only after <see cref="TryClaim"/>.</summary>
    public abstract void SetError(Exception error);

    /// <summary>Completes the job as cancelled. Call only after <see cref="TryClaim"/>.</summary>
    public abstract void SetCancelled();
}
