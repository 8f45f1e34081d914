using ParallelSharp.Protocol.Framing;

namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>What a worker process reports to its supervisor. Called on the worker's read loop.</summary>
internal interface IWorkerEvents
{
    /// <summary>A frame other than the ready signal arrived from the worker (a job result, a heartbeat answer).</summary>
    void OnWorkerFrame(WorkerProcess worker, FrameType type, ReadOnlySpan<byte> body);

    /// <summary>The worker's output ended and its process exited (or was killed).</summary>
    void OnWorkerExited(WorkerProcess worker, int? exitCode, Exception? error);
}
