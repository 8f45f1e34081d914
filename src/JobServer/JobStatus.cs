namespace ParallelSharp;

/// <summary>Where a job is in its life.</summary>
public enum JobStatus
{
    /// <summary>Waiting in the job server for a free worker slot.</summary>
    Queued = 0,

    /// <summary>Sent to a node; running or about to run there.</summary>
    Running = 1,

    /// <summary>Finished with a result.</summary>
    Succeeded = 2,

    /// <summary>Finished with an error (the job threw, did not compile, timed out, or was abandoned).</summary>
    Failed = 3,

    /// <summary>Cancelled before it finished.</summary>
    Cancelled = 4,
}
