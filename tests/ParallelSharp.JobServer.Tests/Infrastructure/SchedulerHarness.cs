using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ParallelSharp.Nodes;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Scheduling;
using ParallelSharp.Submission;

namespace ParallelSharp.JobServerTests.Infrastructure;

/// <summary>
/// A real <see cref="JobScheduler"/> with real <see cref="NodeConnection"/>s to fake nodes, on a manual clock.
/// Jobs are <see cref="TypedJobRecord{TResult}"/>s with ids 1, 2, 3… in submission order.
/// </summary>
internal sealed class SchedulerHarness : IAsyncDisposable
{
    public const string Secret = "scheduler-test-secret";
    public const string Cluster = "default";

    private readonly List<FakeNode> _nodes = [];
    private long _nextJobId;

    public SchedulerHarness(int pipelineDepth = 1, TimeSpan? noNodeTimeout = null)
    {
        Scheduler = new JobScheduler(pipelineDepth, noNodeTimeout, Time, NullLogger.Instance);
        Events = new RecordingNodeEvents(Scheduler);
    }

    public ManualTimeProvider Time { get; } = new();

    public JobScheduler Scheduler { get; }

    /// <summary>What the connections reported, forwarded to the scheduler.</summary>
    public RecordingNodeEvents Events { get; }

    /// <summary>Connection settings; heartbeats off unless given.</summary>
    public NodeConnectionSettings Settings(TimeSpan? heartbeatInterval = null, TimeSpan? heartbeatTimeout = null) =>
        new(Secret, Cluster, "scheduler-tests", TestTimeouts.Step, heartbeatInterval ?? TimeSpan.Zero, heartbeatTimeout ?? TimeSpan.FromSeconds(3),
            FrameLimits.DefaultMaxFrameLength, NullLogger.Instance, Time);

    /// <summary>Connects a fake node and, unless told otherwise, adds it to the scheduler.</summary>
    public async Task<FakeNode> ConnectAsync(string nodeId, int workers, NodeConnectionSettings? settings = null, bool addToScheduler = true)
    {
        var node = await FakeNode.ConnectAsync(nodeId, workers, Secret, Cluster,
            stream => NodeConnection.ConnectAsync(stream, $"fake://{nodeId}", isLocal: false, settings ?? Settings(), Events, CancellationToken.None));
        lock (_nodes)
            _nodes.Add(node);
        if (addToScheduler)
            Scheduler.AddNode(node.Connection);
        return node;
    }

    /// <summary>Creates a job (not yet submitted).</summary>
    public TypedJobRecord<T> NewJob<T>(JobSource? source = null, string arguments = "[1]", int maxAttempts = 3, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextJobId);
        return new TypedJobRecord<T>(id, source ?? Sources.Echo, Encoding.UTF8.GetBytes(arguments), 0, 0, maxAttempts, ParallelSharp.JobServer.DefaultGroup, cancellationToken);
    }

    /// <summary>Creates and submits a job whose completions are counted in <see cref="CountedJob{T}.Completions"/>.</summary>
    public CountedJob<T> Submit<T>(JobSource? source = null, int maxAttempts = 3)
    {
        var job = new CountedJob<T>(NewJob<T>(source, maxAttempts: maxAttempts));
        Scheduler.Submit(job.Record);
        return job;
    }

    /// <summary>Submits <paramref name="count"/> jobs.</summary>
    public IReadOnlyList<CountedJob<T>> SubmitMany<T>(int count, JobSource? source = null, int maxAttempts = 3) =>
        Enumerable.Range(0, count).Select(_ => Submit<T>(source, maxAttempts)).ToList();

    public async ValueTask DisposeAsync()
    {
        FakeNode[] nodes;
        lock (_nodes)
            nodes = [.. _nodes];
        // On the pool: a scheduler deadlocked by a bug would block this call for ever.
        await Task.Run(() => Scheduler.FailAll(job => new OperationCanceledException($"Test over: job {job.Id} abandoned by the harness.")))
            .Within("failing the jobs left at the end of the test");
        foreach (var node in nodes)
            await node.Connection.DisposeAsync().AsTask().Within($"disposing the server's connection to {node.NodeId}");
        foreach (var node in nodes)
            await node.DisposeAsync().AsTask().Within($"disposing fake node {node.NodeId}");
        Scheduler.Dispose();
    }
}

/// <summary>A submitted job with a count of how many times its outcome was delivered (it must be once).</summary>
internal sealed class CountedJob<T>
{
    private int _completions;

    public CountedJob(TypedJobRecord<T> record)
    {
        Record = record;
        record.Finished = _ => Interlocked.Increment(ref _completions);
    }

    public TypedJobRecord<T> Record { get; }

    public long Id => Record.Id;

    public Task<T> Task => Record.Task;

    public int Completions => Volatile.Read(ref _completions);

    /// <summary>Waits for the result.</summary>
    public Task<T> ResultAsync(string phase) => Record.Task.Within($"job {Id}: {phase}");
}

/// <summary>Forwards a connection's events to the scheduler and remembers each loss.</summary>
internal sealed class RecordingNodeEvents(INodeEvents inner) : INodeEvents
{
    private readonly Lock _gate = new();
    private readonly Dictionary<NodeConnection, TaskCompletionSource<(NodeFailureKind Kind, string Reason)>> _losses = [];

    /// <summary>Completes with the kind and reason once <paramref name="node"/> is reported lost.</summary>
    public Task<(NodeFailureKind Kind, string Reason)> LostAsync(NodeConnection node) => Loss(node).Task;

    private TaskCompletionSource<(NodeFailureKind Kind, string Reason)> Loss(NodeConnection node)
    {
        lock (_gate)
        {
            if (!_losses.TryGetValue(node, out var loss))
                _losses[node] = loss = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return loss;
        }
    }

    /// <summary>Runs on the connection's read loop before each result is passed on; a test can hold the read loop there.</summary>
    public Action<NodeConnection, long>? BeforeResult { get; set; }

    public void OnJobResult(NodeConnection node, long jobId, JobResultStatus status, long busyMicroseconds, ReadOnlySpan<byte> payload)
    {
        BeforeResult?.Invoke(node, jobId);
        inner.OnJobResult(node, jobId, status, busyMicroseconds, payload);
    }

    public void OnCapacityChanged(NodeConnection node) => inner.OnCapacityChanged(node);

    public void OnNodeLost(NodeConnection node, NodeFailureKind kind, string reason)
    {
        inner.OnNodeLost(node, kind, reason);
        Loss(node).TrySetResult((kind, reason));
    }
}
