namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>A job sent to a worker, with the id the worker knows it by.</summary>
/// <param name="LocalId">The node-wide id used on the worker's pipe (client job ids may collide across clients).</param>
/// <param name="Job">The job.</param>
internal sealed record DispatchedJob(long LocalId, NodeJob Job);
