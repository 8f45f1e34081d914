using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Handshake;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;
using ParallelSharp.Protocol.Tests.Infrastructure;
using ParallelSharp.Protocol.Transport;

namespace ParallelSharp.Protocol.Tests.Handshake;

/// <summary>The real client handshake against a fake node that the test drives frame by frame.</summary>
public class ClientHandshakeTests
{
    private const string Secret = "correct-horse-battery-staple";
    private const string Cluster = "blue";
    private const string Endpoint = "127.0.0.1:7741";
    private static readonly NodeInfo s_info = new("node-1", Cluster, 4, "linux", "X64", 8, "0.1.0");

    /// <summary>A client running its handshake against a fake node.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        public Setup(string? secret = Secret, CancellationToken cancellationToken = default)
        {
            var (clientEnd, nodeEnd) = DuplexStream.CreatePair();
            Client = new Connection(clientEnd);
            Node = new FakePeer(nodeEnd);
            Handshake = ClientHandshake.RunAsync(Client.Reader, Client.Writer, secret, Cluster, "test-client", Endpoint, cancellationToken);
        }

        public Connection Client { get; }

        public FakePeer Node { get; }

        public Task<NodeInfo> Handshake { get; }

        public async Task<HelloMessage> ReadHelloAsync() => HelloMessage.Read((await Node.ExpectAsync(FrameType.Hello, "the client's hello")).Body);

        /// <summary>Answers a hello as a node that knows <paramref name="secret"/> would.</summary>
        public async Task<byte[]> SendChallengeAsync(HelloMessage hello, string? secret = Secret, ushort version = ProtocolConstants.Version)
        {
            var nodeNonce = HandshakeProofs.NewNonce();
            var proof = HandshakeProofs.NodeProof(HandshakeProofs.KeyFor(secret), hello.Nonce, nodeNonce, Cluster);
            await Node.SendAsync(new ChallengeMessage(version, "node-1", nodeNonce, proof).Write);
            return nodeNonce;
        }

        public async ValueTask DisposeAsync()
        {
            await Node.DisposeAsync();
            await Client.DisposeAsync();
        }
    }

    [Fact]
    public async Task RunAsync_NodeProvesTheSecret_SendsAValidProofAndReturnsTheWelcome()
    {
        await using var setup = new Setup();
        var hello = await setup.ReadHelloAsync();
        var nodeNonce = await setup.SendChallengeAsync(hello);

        var proof = await setup.Node.ExpectAsync(FrameType.Proof, "the client's proof");
        await setup.Node.SendAsync(w => TaggedJsonMessage.Write(w, FrameType.Welcome, 0, s_info, ProtocolJsonContext.Default.NodeInfo));

        Assert.Equal(s_info, await setup.Handshake.Within("the client's handshake"));
        Assert.Equal(ProtocolConstants.Version, hello.Version);
        Assert.Equal(Cluster, hello.Cluster);
        Assert.Equal("test-client", hello.ClientName);
        Assert.Equal(ProtocolConstants.NonceLength, hello.Nonce.Length);
        var expected = HandshakeProofs.ClientProof(HandshakeProofs.KeyFor(Secret), hello.Nonce, nodeNonce, Cluster);
        Assert.Equal(WireBytes.Build(w => w.WriteBlock(expected)), proof.Body);
    }

    [Fact]
    public async Task RunAsync_NodeDoesNotKnowTheSecret_RefusesItWithoutSendingAProof()
    {
        await using var setup = new Setup();
        var hello = await setup.ReadHelloAsync();
        await setup.SendChallengeAsync(hello, secret: "a guess");

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the client's handshake"));
        // The client answered with a refusal, not its proof: an impostor learns nothing to attack the secret offline.
        var refused = RefusedMessage.Read((await setup.Node.ExpectAsync(FrameType.Refused, "the client's refusal")).Body);

        Assert.Equal(NodeFailureKind.AuthenticationFailed, ex.Kind);
        Assert.Contains("Node node-1 at 127.0.0.1:7741 does not know this cluster's secret", ex.Message, StringComparison.Ordinal);
        Assert.Equal(NodeFailureKind.AuthenticationFailed, refused.Kind);
    }

    [Fact]
    public async Task RunAsync_NodeReflectsTheClientsOwnNonceAndProof_IsRefused()
    {
        // A node that echoes the client's nonce cannot get a proof it could reuse: the role labels differ.
        await using var setup = new Setup();
        var hello = await setup.ReadHelloAsync();
        await setup.Node.SendAsync(new ChallengeMessage(ProtocolConstants.Version, "node-1", hello.Nonce,
            HandshakeProofs.ClientProof(HandshakeProofs.KeyFor("unknown"), hello.Nonce, hello.Nonce, Cluster)).Write);

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the client's handshake"));

        Assert.Equal(NodeFailureKind.AuthenticationFailed, ex.Kind);
        await setup.Node.ExpectAsync(FrameType.Refused, "the client's refusal");
    }

    [Fact]
    public async Task RunAsync_NodeSpeaksAnotherVersion_FailsWithIncompatibleNamingBothVersions()
    {
        await using var setup = new Setup();
        var hello = await setup.ReadHelloAsync();
        await setup.SendChallengeAsync(hello, version: 2);

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the client's handshake"));
        var refused = RefusedMessage.Read((await setup.Node.ExpectAsync(FrameType.Refused, "the client's refusal")).Body);

        Assert.Equal(NodeFailureKind.Incompatible, ex.Kind);
        Assert.Contains("speaks protocol version 2; this client speaks 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("node-1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(NodeFailureKind.Incompatible, refused.Kind);
        Assert.Equal(ex.Message, refused.Reason);
    }

    [Fact]
    public async Task RunAsync_NodeRefusesTheHello_ThrowsWithTheNodesKindAndReason()
    {
        await using var setup = new Setup();
        await setup.ReadHelloAsync();
        await setup.Node.SendAsync(new RefusedMessage(NodeFailureKind.Incompatible, "This node belongs to cluster 'green', not 'blue'.").Write);

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the client's handshake"));

        Assert.Equal(NodeFailureKind.Incompatible, ex.Kind);
        Assert.Equal("The node at 127.0.0.1:7741 refused the connection: This node belongs to cluster 'green', not 'blue'.", ex.Message);
    }

    [Fact]
    public async Task RunAsync_NodeRefusesTheProof_ThrowsAuthenticationFailed()
    {
        await using var setup = new Setup();
        await setup.SendChallengeAsync(await setup.ReadHelloAsync());
        await setup.Node.ExpectAsync(FrameType.Proof, "the client's proof");
        await setup.Node.SendAsync(new RefusedMessage(NodeFailureKind.AuthenticationFailed, "wrong proof").Write);

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the client's handshake"));

        Assert.Equal(NodeFailureKind.AuthenticationFailed, ex.Kind);
    }

    [Fact]
    public async Task RunAsync_NodeSkipsTheChallenge_ThrowsProtocolExceptionWithoutSendingAProof()
    {
        await using var setup = new Setup();
        await setup.ReadHelloAsync();
        await setup.Node.SendAsync(w => TaggedJsonMessage.Write(w, FrameType.Welcome, 0, s_info, ProtocolJsonContext.Default.NodeInfo));

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the client's handshake"));
        await setup.Client.DisposeAsync();

        Assert.Equal("The node at 127.0.0.1:7741 sent a Welcome frame where the handshake expects Challenge.", ex.Message);
        await setup.Node.ExpectEndAsync("the client's hang-up, with no proof before it");
    }

    [Fact]
    public async Task RunAsync_NodeSendsAChallengeInsteadOfTheWelcome_ThrowsProtocolException()
    {
        await using var setup = new Setup();
        var hello = await setup.ReadHelloAsync();
        await setup.SendChallengeAsync(hello);
        await setup.Node.ExpectAsync(FrameType.Proof, "the client's proof");
        await setup.SendChallengeAsync(hello);

        await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the client's handshake"));
    }

    [Fact]
    public async Task RunAsync_NodeClosesAfterTheHello_ThrowsConnectionLost()
    {
        await using var setup = new Setup();
        await setup.ReadHelloAsync();
        await setup.Node.DisposeAsync();

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the client's handshake"));

        Assert.Equal(NodeFailureKind.ConnectionLost, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Contains("closed the connection during the handshake", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "an HTTP response", "HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray() },
        { "an SSH banner", "SSH-2.0-OpenSSH_9.6\r\n"u8.ToArray() },
        { "a zero-length frame", [0, 0, 0, 0, 2, 0, 0, 0] },
        { "a challenge with a truncated body", FrameBytes.Encode(FrameType.Challenge, [1, 0, 200, 0, 0, 0, 65]) },
        { "a challenge with invalid UTF-8", FrameBytes.Encode(FrameType.Challenge, [1, 0, 2, 0, 0, 0, 0xC3, 0x28, 0, 0, 0, 0, 0, 0, 0, 0]) },
        { "a frame of an unknown type", FrameBytes.Encode((FrameType)0xEE, new byte[10]) },
        { "a welcome with malformed JSON", FrameBytes.Encode(FrameType.Welcome, [0, 0, 0, 0, (byte)'{']) },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task RunAsync_NodeSendsGarbageAndStaysConnected_ThrowsProtocolException(string what, byte[] garbage)
    {
        await using var setup = new Setup();
        await setup.ReadHelloAsync();

        await setup.Node.SendRawAsync(garbage);

        await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within($"the client's reaction to {what}"));
    }

    [Theory]
    [InlineData(0x8000_0000u)] // 2 GiB
    [InlineData(FrameLimits.HandshakeMaxFrameLength + 1u)]
    public async Task RunAsync_NodeAnnouncesAFrameOverTheHandshakeLimit_ThrowsProtocolExceptionAtOnce(uint length)
    {
        await using var setup = new Setup();
        await setup.ReadHelloAsync();

        // Only the header: the client must not wait for (or allocate) the body.
        await setup.Node.SendRawAsync(FrameBytes.Header(length, FrameType.Challenge));

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the client's reaction to the oversized frame"));
        Assert.Contains($"more than the {FrameLimits.HandshakeMaxFrameLength} allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NodeGoesSilent_EndsAtTheCallersDeadline()
    {
        using var deadline = new CancellationTokenSource();
        await using var setup = new Setup(cancellationToken: deadline.Token);
        await setup.ReadHelloAsync();

        // The deadline starts once the exchange so far is done, so only the silence can trip it.
        deadline.CancelAfter(TestTimeouts.SilentPeerDeadline);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => setup.Handshake.Within("the client's deadline"));
    }

    [Fact]
    public async Task RunAsync_NodeGoesSilentInsideAFrame_EndsAtTheCallersDeadline()
    {
        using var deadline = new CancellationTokenSource();
        await using var setup = new Setup(cancellationToken: deadline.Token);
        await setup.ReadHelloAsync();

        await setup.Node.SendRawAsync(FrameBytes.Header(100, FrameType.Challenge)[..3]);

        // The deadline starts once the exchange so far is done, so only the silence can trip it.
        deadline.CancelAfter(TestTimeouts.SilentPeerDeadline);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => setup.Handshake.Within("the client's deadline"));
    }

    [Fact]
    public async Task RunAsync_TwoHandshakes_SendFreshNonces()
    {
        var nonces = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            await using var setup = new Setup();
            nonces.Add((await setup.ReadHelloAsync()).Nonce);
        }

        Assert.All(nonces, n => Assert.Equal(ProtocolConstants.NonceLength, n.Length));
        Assert.NotEqual(nonces[0], nonces[1]);
    }
}
