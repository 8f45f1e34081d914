using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.JobServerTests.Infrastructure;

/// <summary>
/// A real <see cref="JobServer"/> with no local node, fed by fake nodes attached through its stream seam. Heartbeats are
/// off and jobs wait for a node for ever, unless the options given say otherwise.
/// </summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    public const string Secret = "server-test-secret";

    private readonly List<FakeNode> _nodes = [];

    public ServerHarness(Action<JobServerOptions>? configure = null)
    {
        var options = new JobServerOptions
        {
            LocalWorkers = 0,
            Secret = Secret,
            HeartbeatInterval = TimeSpan.Zero,
            NoNodeTimeout = null,
            PipelineDepth = 1,
        };
        configure?.Invoke(options);
        Server = new JobServer(options);
    }

    public JobServer Server { get; }

    /// <summary>Connects a fake node to the server.</summary>
    public async Task<FakeNode> ConnectAsync(string nodeId, int workers)
    {
        var node = await FakeNode.ConnectAsync(nodeId, workers, Secret, ProtocolConstants.DefaultCluster,
            stream => Server.AddNodeAsync(stream, $"fake://{nodeId}", CancellationToken.None));
        lock (_nodes)
            _nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        FakeNode[] nodes;
        lock (_nodes)
            nodes = [.. _nodes];
        // On the pool: a scheduler deadlocked by a bug would block this call itself, not just the task it returns.
        await Task.Run(() => Server.DisposeAsync().AsTask()).Within("disposing the job server");
        foreach (var node in nodes)
            await node.Connection.DisposeAsync().AsTask().Within($"disposing the server's connection to {node.NodeId}");
        foreach (var node in nodes)
            await node.DisposeAsync().AsTask().Within($"disposing fake node {node.NodeId}");
    }
}
