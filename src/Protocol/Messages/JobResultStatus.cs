namespace ParallelSharp.Protocol.Messages;

/// <summary>How a job ended, as reported by a node. Values are part of the wire format.</summary>
public enum JobResultStatus : byte
{
    /// <summary>The payload is the JSON result.</summary>
    Succeeded = 0,

    /// <summary>The job's code threw; the payload is a <see cref="RemoteError"/>.</summary>
    Failed = 1,

    /// <summary>The package did not compile or its entry point is unusable; the payload is a <see cref="RemoteError"/> with diagnostics.</summary>
    CompileFailed = 2,

    /// <summary>The arguments did not fit the entry method; the payload is a <see cref="RemoteError"/>.</summary>
    BindingFailed = 3,

    /// <summary>The worker process died while running the job; the payload is a <see cref="RemoteError"/>. The job may be retried.</summary>
    WorkerCrashed = 4,

    /// <summary>The job ran past its timeout and its worker was replaced.</summary>
    TimedOut = 5,

    /// <summary>The job was cancelled before it finished.</summary>
    Cancelled = 6,

    /// <summary>The node could not run the job (for example it was shutting down); the job was not started and may run elsewhere.</summary>
    Rejected = 7,
}
