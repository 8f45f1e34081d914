using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Handshake;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Tests.Infrastructure;
using ParallelSharp.Protocol.Transport;

namespace ParallelSharp.Protocol.Tests.Handshake;

/// <summary>The real client handshake against the real node handshake over an in-memory connection.</summary>
public class HandshakeTests
{
    private const string Secret = "correct-horse-battery-staple";
    private const string OtherSecret = "tr0ub4dor-and-3";
    private const string Cluster = "blue";
    private const string ClientName = "test-client@host-a";
    private const string Endpoint = "127.0.0.1:7741";
    private static readonly NodeInfo s_info = new("node-1", Cluster, 4, "linux", "X64", 8, "0.1.0");

    /// <summary>Both sides of one handshake; the connection stays open until the test disposes it.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private Session(Connection client, Connection node, Task<NodeInfo> clientResult, Task<HandshakeResult> nodeResult)
        {
            Client = client;
            Node = node;
            ClientResult = clientResult;
            NodeResult = nodeResult;
        }

        public Connection Client { get; }

        public Connection Node { get; }

        public Task<NodeInfo> ClientResult { get; }

        public Task<HandshakeResult> NodeResult { get; }

        public static Session Start(string? clientSecret, string? nodeSecret, string clientCluster = Cluster, Func<Stream, Stream>? wrap = null)
        {
            var (clientEnd, nodeEnd) = DuplexStream.CreatePair();
            wrap ??= s => s;
            var client = new Connection(wrap(clientEnd));
            var node = new Connection(wrap(nodeEnd));
            var nodeResult = NodeHandshake.RunAsync(node.Reader, node.Writer, nodeSecret, s_info, CancellationToken.None);
            var clientResult = ClientHandshake.RunAsync(client.Reader, client.Writer, clientSecret, clientCluster, ClientName, Endpoint, CancellationToken.None);
            return new Session(client, node, clientResult, nodeResult);
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Node.DisposeAsync();
        }
    }

    private static void AssertNamesNoSecret(Exception ex)
    {
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherSecret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MatchingSecretAndCluster_DeliversNodeInfoToTheClientAndClientNameToTheNode()
    {
        await using var session = Session.Start(Secret, Secret);

        var info = await session.ClientResult.Within("the client's handshake");
        var result = await session.NodeResult.Within("the node's handshake");

        Assert.Equal(s_info, info);
        Assert.Equal(new HandshakeResult(ClientName, Cluster), result);
        Assert.False(session.Client.Reader.HasBufferedData);
        Assert.False(session.Node.Reader.HasBufferedData);
    }

    [Fact]
    public async Task RunAsync_AfterSuccess_LeavesTheConnectionReadyForJobFrames()
    {
        await using var session = Session.Start(Secret, Secret);
        await session.ClientResult.Within("the client's handshake");
        await session.NodeResult.Within("the node's handshake");
        session.Client.Reader.MaxFrameLength = FrameLimits.DefaultMaxFrameLength;
        session.Node.Reader.MaxFrameLength = FrameLimits.DefaultMaxFrameLength;

        var payload = new byte[100_000]; // far above the handshake limit, fine once it is raised
        RunJobMessage.Write(session.Client.Writer, 1, 2, 0, 0, payload);
        var run = await session.Node.Reader.ReadOneAsync(CancellationToken.None).Within("the RunJob frame at the node");
        JobResultMessage.Write(session.Node.Writer, 1, JobResultStatus.Succeeded, 5, "42"u8);
        var result = await session.Client.Reader.ReadOneAsync(CancellationToken.None).Within("the JobResult frame at the client");

        Assert.Equal(FrameType.RunJob, run!.Value.Type);
        Assert.Equal(17 + payload.Length, run.Value.Body.Length);
        Assert.Equal(FrameType.JobResult, result!.Value.Type);
    }

    [Fact]
    public async Task RunAsync_EveryReadReturnsOneByte_Succeeds()
    {
        var streams = new List<TricklingStream>();
        await using var session = Session.Start(Secret, Secret, wrap: s =>
        {
            var trickling = new TricklingStream(s);
            streams.Add(trickling);
            return trickling;
        });

        Assert.Equal(s_info, await session.ClientResult.Within("the client's handshake, one byte per read"));
        Assert.Equal(ClientName, (await session.NodeResult.Within("the node's handshake, one byte per read")).ClientName);
        Assert.All(streams, s => Assert.True(s.Reads > 50, $"only {s.Reads} reads: the bytes were not split"));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("", null)]
    public async Task RunAsync_OpenNodeAndClientWithoutSecret_Succeeds(string? clientSecret, string? nodeSecret)
    {
        await using var session = Session.Start(clientSecret, nodeSecret);

        Assert.Equal(s_info, await session.ClientResult.Within("the client's handshake"));
        Assert.Equal(ClientName, (await session.NodeResult.Within("the node's handshake")).ClientName);
    }

    [Theory]
    [InlineData(OtherSecret, Secret)]
    [InlineData(null, Secret)]
    [InlineData(Secret, null)]
    [InlineData(Secret, Secret + " ")]
    public async Task RunAsync_SecretsDiffer_FailsWithAuthenticationFailedOnBothSides(string? clientSecret, string? nodeSecret)
    {
        await using var session = Session.Start(clientSecret, nodeSecret);

        var clientError = await Assert.ThrowsAsync<NodeUnavailableException>(() => session.ClientResult.Within("the client's handshake"));
        var nodeError = await Assert.ThrowsAsync<NodeUnavailableException>(() => session.NodeResult.Within("the node's handshake"));

        Assert.Equal(NodeFailureKind.AuthenticationFailed, clientError.Kind);
        Assert.False(clientError.IsTransient);
        Assert.Contains("node-1", clientError.Message, StringComparison.Ordinal);
        Assert.Contains(Endpoint, clientError.Message, StringComparison.Ordinal);
        Assert.Equal(NodeFailureKind.AuthenticationFailed, nodeError.Kind);
        Assert.Contains(ClientName, nodeError.Message, StringComparison.Ordinal);
        AssertNamesNoSecret(clientError);
        AssertNamesNoSecret(nodeError);
    }

    [Fact]
    public async Task RunAsync_ClustersDiffer_FailsWithIncompatibleNamingBothClusters()
    {
        await using var session = Session.Start(Secret, Secret, clientCluster: "red");

        var nodeError = await Assert.ThrowsAsync<NodeUnavailableException>(() => session.NodeResult.Within("the node's handshake"));
        var clientError = await Assert.ThrowsAsync<NodeUnavailableException>(() => session.ClientResult.Within("the client's handshake"));

        Assert.Equal(NodeFailureKind.Incompatible, nodeError.Kind);
        Assert.Equal(NodeFailureKind.Incompatible, clientError.Kind);
        Assert.False(clientError.IsTransient);
        foreach (var ex in new[] { nodeError, clientError })
        {
            Assert.Contains("'blue'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("'red'", ex.Message, StringComparison.Ordinal);
        }

        Assert.Contains(Endpoint, clientError.Message, StringComparison.Ordinal);
    }
}
