using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>Receives the outcome of jobs: a client connection on the node.</summary>
internal interface IJobResultSink
{
    /// <summary>Delivers one job's outcome. Must not block: it is called on a worker's read loop.</summary>
    void DeliverResult(long clientJobId, JobResultStatus status, long busyMicroseconds, ReadOnlySpan<byte> payload);
}
