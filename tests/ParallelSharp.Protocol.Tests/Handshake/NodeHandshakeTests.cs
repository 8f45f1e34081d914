using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Handshake;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;
using ParallelSharp.Protocol.Tests.Infrastructure;
using ParallelSharp.Protocol.Transport;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Tests.Handshake;

/// <summary>The real node handshake against a fake client that the test drives frame by frame.</summary>
public class NodeHandshakeTests
{
    private const string Secret = "correct-horse-battery-staple";
    private const string Cluster = "blue";
    private static readonly NodeInfo s_info = new("node-1", Cluster, 4, "linux", "X64", 8, "0.1.0");

    /// <summary>A node running its handshake against a fake client.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        public Setup(string? secret = Secret, CancellationToken cancellationToken = default)
        {
            var (clientEnd, nodeEnd) = DuplexStream.CreatePair();
            Node = new Connection(nodeEnd);
            Client = new FakePeer(clientEnd);
            Handshake = NodeHandshake.RunAsync(Node.Reader, Node.Writer, secret, s_info, cancellationToken);
        }

        public Connection Node { get; }

        public FakePeer Client { get; }

        public Task<HandshakeResult> Handshake { get; }

        /// <summary>Sends a hello and returns the nonce in it.</summary>
        public async Task<byte[]> SendHelloAsync(ushort version = ProtocolConstants.Version, string cluster = Cluster, byte[]? nonce = null)
        {
            nonce ??= HandshakeProofs.NewNonce();
            await Client.SendAsync(new HelloMessage(version, cluster, "fake-client", nonce).Write);
            return nonce;
        }

        public async Task<ChallengeMessage> ReadChallengeAsync() =>
            ChallengeMessage.Read((await Client.ExpectAsync(FrameType.Challenge, "the node's challenge")).Body);

        public Task SendProofAsync(byte[] proof) => Client.SendAsync(w =>
        {
            using var frame = w.Begin(FrameType.Proof);
            new WireWriter(frame.Writer).WriteBlock(proof);
        });

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Node.DisposeAsync();
        }
    }

    private static byte[] ProofFor(string? secret, byte[] clientNonce, ChallengeMessage challenge) =>
        HandshakeProofs.ClientProof(HandshakeProofs.KeyFor(secret), clientNonce, challenge.Nonce, Cluster);

    [Fact]
    public async Task RunAsync_ClientProvesTheSecret_ProvesItselfAndWelcomesTheClient()
    {
        await using var setup = new Setup();
        var clientNonce = await setup.SendHelloAsync();

        var challenge = await setup.ReadChallengeAsync();
        await setup.SendProofAsync(ProofFor(Secret, clientNonce, challenge));
        var welcome = await setup.Client.ExpectAsync(FrameType.Welcome, "the node's welcome");

        Assert.Equal(new HandshakeResult("fake-client", Cluster), await setup.Handshake.Within("the node's handshake"));
        Assert.Equal(ProtocolConstants.Version, challenge.Version);
        Assert.Equal("node-1", challenge.NodeId);
        Assert.Equal(ProtocolConstants.NonceLength, challenge.Nonce.Length);
        Assert.Equal(HandshakeProofs.NodeProof(HandshakeProofs.KeyFor(Secret), clientNonce, challenge.Nonce, Cluster), challenge.Proof);
        Assert.Equal(s_info, TaggedJsonMessage.Read(welcome.Body, ProtocolJsonContext.Default.NodeInfo, out _));
    }

    [Fact]
    public async Task RunAsync_ClientDoesNotKnowTheSecret_RefusesWithAuthenticationFailedAndNoWelcome()
    {
        await using var setup = new Setup();
        var clientNonce = await setup.SendHelloAsync();
        var challenge = await setup.ReadChallengeAsync();

        await setup.SendProofAsync(ProofFor("a guess", clientNonce, challenge));

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the node's handshake"));
        var refused = RefusedMessage.Read((await setup.Client.ExpectAsync(FrameType.Refused, "the node's refusal")).Body);
        await setup.Node.DisposeAsync();
        await setup.Client.ExpectEndAsync("the node's hang-up, with no welcome before it");
        Assert.Equal(NodeFailureKind.AuthenticationFailed, ex.Kind);
        Assert.Equal(NodeFailureKind.AuthenticationFailed, refused.Kind);
        Assert.Equal(ex.Message, refused.Reason);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> BadProofs => new()
    {
        { "empty", [] },
        { "one byte short", new byte[ProtocolConstants.NonceLength - 1] },
        { "zeros", new byte[ProtocolConstants.NonceLength] },
        { "too long", new byte[ProtocolConstants.NonceLength + 1] },
    };

    [Theory]
    [MemberData(nameof(BadProofs))]
    public async Task RunAsync_ProofOfTheWrongShape_RefusesWithAuthenticationFailed(string what, byte[] proof)
    {
        await using var setup = new Setup();
        await setup.SendHelloAsync();
        await setup.ReadChallengeAsync();

        await setup.SendProofAsync(proof);

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within($"the node's reaction to a proof that is {what}"));
        Assert.Equal(NodeFailureKind.AuthenticationFailed, ex.Kind);
    }

    [Fact]
    public async Task RunAsync_ClientReflectsTheNodesOwnProof_Refuses()
    {
        // An impostor sends the node's proof back as its own: the role label makes it a different HMAC.
        await using var setup = new Setup();
        await setup.SendHelloAsync();
        var challenge = await setup.ReadChallengeAsync();

        await setup.SendProofAsync(challenge.Proof);

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the node's handshake"));
        Assert.Equal(NodeFailureKind.AuthenticationFailed, ex.Kind);
    }

    [Fact]
    public async Task RunAsync_RecordedHelloAndProofReplayed_AreRefusedBecauseTheNodeNonceIsFresh()
    {
        // Session 1: a legitimate client; an eavesdropper records its hello and its proof.
        byte[] recordedHello;
        byte[] recordedProof;
        byte[] firstNodeNonce;
        await using (var first = new Setup())
        {
            var clientNonce = await first.SendHelloAsync();
            var challenge = await first.ReadChallengeAsync();
            firstNodeNonce = challenge.Nonce;
            recordedProof = ProofFor(Secret, clientNonce, challenge);
            await first.SendProofAsync(recordedProof);
            await first.Client.ExpectAsync(FrameType.Welcome, "the first session's welcome");
            await first.Handshake.Within("the first session's handshake");
            recordedHello = WireBytes.Build(w =>
            {
                w.WriteUInt32(ProtocolConstants.Magic);
                w.WriteUInt16(ProtocolConstants.Version);
                w.WriteString(Cluster);
                w.WriteString("fake-client");
                w.WriteBlock(clientNonce);
            });
        }

        // Session 2: the eavesdropper replays both, byte for byte.
        await using var replay = new Setup();
        await replay.Client.SendRawAsync(FrameBytes.Encode(FrameType.Hello, recordedHello));
        var secondChallenge = await replay.ReadChallengeAsync();
        await replay.SendProofAsync(recordedProof);

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => replay.Handshake.Within("the replayed session's handshake"));
        Assert.Equal(NodeFailureKind.AuthenticationFailed, ex.Kind);
        Assert.NotEqual(firstNodeNonce, secondChallenge.Nonce);
        await replay.Client.ExpectAsync(FrameType.Refused, "the refusal of the replayed proof");
    }

    [Fact]
    public async Task RunAsync_ClientSpeaksAnotherVersion_RefusesWithIncompatibleNamingBothVersions()
    {
        await using var setup = new Setup();
        await setup.SendHelloAsync(version: 2);

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the node's handshake"));
        var refused = RefusedMessage.Read((await setup.Client.ExpectAsync(FrameType.Refused, "the node's refusal")).Body);

        Assert.Equal(NodeFailureKind.Incompatible, ex.Kind);
        Assert.Contains("This node speaks protocol version 1; the client speaks 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new RefusedMessage(NodeFailureKind.Incompatible, ex.Message), refused);
    }

    [Fact]
    public async Task RunAsync_ClientOfAnotherCluster_RefusesWithIncompatibleNamingBothClusters()
    {
        await using var setup = new Setup();
        await setup.SendHelloAsync(cluster: "red");

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the node's handshake"));
        var refused = RefusedMessage.Read((await setup.Client.ExpectAsync(FrameType.Refused, "the node's refusal")).Body);

        Assert.Equal(NodeFailureKind.Incompatible, ex.Kind);
        Assert.Equal("This node belongs to cluster 'blue', not 'red'.", ex.Message);
        Assert.Equal(ex.Message, refused.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(ProtocolConstants.NonceLength + 1)]
    public async Task RunAsync_HelloNonceOfTheWrongLength_ThrowsProtocolException(int length)
    {
        await using var setup = new Setup();
        await setup.SendHelloAsync(nonce: new byte[length]);

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the node's handshake"));

        Assert.Equal($"The client's nonce has {length} bytes; 32 are required.", ex.Message);
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "an HTTP request", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray() },
        { "a TLS client hello", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03] },
        { "a zero-length frame", [0, 0, 0, 0, 1, 0, 0, 0] },
        { "a frame of another type", FrameBytes.Encode(FrameType.RunJob, new byte[17]) },
        { "a proof before any hello", FrameBytes.Encode(FrameType.Proof, [32, 0, 0, 0]) },
        { "a hello with the wrong magic", FrameBytes.Encode(FrameType.Hello, [.. "HELO"u8, 1, 0]) },
        { "a hello with a truncated string", FrameBytes.Encode(FrameType.Hello, [0x50, 0x53, 0x48, 0x50, 1, 0, 0xFF, 0, 0, 0, 65]) },
        { "a hello with trailing bytes", FrameBytes.Encode(FrameType.Hello, [0x50, 0x53, 0x48, 0x50, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]) },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task RunAsync_GarbageInsteadOfAHello_ThrowsProtocolExceptionWhileThePeerStaysConnected(string what, byte[] garbage)
    {
        await using var setup = new Setup();

        await setup.Client.SendRawAsync(garbage);

        await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within($"the node's reaction to {what}"));
    }

    [Fact]
    public async Task RunAsync_SomethingElseInsteadOfTheProof_ThrowsProtocolException()
    {
        await using var setup = new Setup();
        await setup.SendHelloAsync();
        await setup.ReadChallengeAsync();

        await setup.Client.SendAsync(w => SimpleMessages.WriteInt64(w, FrameType.Heartbeat, 1));

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the node's handshake"));
        Assert.Equal("The client sent a Heartbeat frame where the handshake expects Proof.", ex.Message);
    }

    [Fact]
    public async Task RunAsync_MalformedProofFrame_ThrowsProtocolException()
    {
        await using var setup = new Setup();
        await setup.SendHelloAsync();
        await setup.ReadChallengeAsync();

        await setup.Client.SendRawAsync(FrameBytes.Encode(FrameType.Proof, [200, 0, 0, 0, 1, 2, 3]));

        await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the node's handshake"));
    }

    [Fact]
    public async Task RunAsync_ClientRefusesTheChallenge_ThrowsWithTheClientsKindAndReason()
    {
        await using var setup = new Setup();
        await setup.SendHelloAsync();
        await setup.ReadChallengeAsync();

        await setup.Client.SendAsync(new RefusedMessage(NodeFailureKind.AuthenticationFailed, "The node could not prove that it knows the cluster secret.").Write);

        var ex = await Assert.ThrowsAsync<NodeUnavailableException>(() => setup.Handshake.Within("the node's handshake"));
        Assert.Equal(NodeFailureKind.AuthenticationFailed, ex.Kind);
        Assert.Equal("The client 'fake-client' ended the handshake: The node could not prove that it knows the cluster secret.", ex.Message);
    }

    [Theory]
    [InlineData(0x8000_0000u)] // 2 GiB
    [InlineData(0xFFFF_FFFFu)]
    [InlineData(FrameLimits.HandshakeMaxFrameLength + 1u)]
    public async Task RunAsync_ClientAnnouncesAFrameOverTheHandshakeLimit_ThrowsProtocolExceptionAtOnce(uint length)
    {
        await using var setup = new Setup();

        await setup.Client.SendRawAsync(FrameBytes.Header(length, FrameType.Hello));

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the node's reaction to the oversized frame"));
        Assert.Contains($"Received a frame of {length} bytes, more than the 4096 allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ClientAnnouncesAnOversizedProof_ThrowsProtocolException()
    {
        await using var setup = new Setup();
        await setup.SendHelloAsync();
        await setup.ReadChallengeAsync();

        await setup.Client.SendRawAsync(FrameBytes.Header(0x8000_0000u, FrameType.Proof));

        await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the node's reaction to the oversized proof"));
    }

    [Fact]
    public async Task RunAsync_ClientClosesBeforeTheHello_ThrowsProtocolException()
    {
        await using var setup = new Setup();

        await setup.Client.DisposeAsync();

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the node's handshake"));
        Assert.Equal("The client closed the connection during the handshake.", ex.Message);
    }

    [Fact]
    public async Task RunAsync_ClientClosesInsideTheHello_ThrowsProtocolException()
    {
        await using var setup = new Setup();
        var hello = await FrameBytes.WriteAsync(new HelloMessage(ProtocolConstants.Version, Cluster, "fake-client", HandshakeProofs.NewNonce()).Write);

        await setup.Client.SendRawAsync(hello[..^5]);
        await setup.Client.DisposeAsync();

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => setup.Handshake.Within("the node's handshake"));
        Assert.Contains("ended inside a frame", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ClientNeverSpeaks_EndsAtTheCallersDeadline()
    {
        using var deadline = new CancellationTokenSource();
        await using var setup = new Setup(cancellationToken: deadline.Token);

        // The deadline starts once the exchange so far is done, so only the silence can trip it.
        deadline.CancelAfter(TestTimeouts.SilentPeerDeadline);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => setup.Handshake.Within("the node's deadline"));
    }

    [Fact]
    public async Task RunAsync_ClientGoesSilentAfterTheHello_EndsAtTheCallersDeadline()
    {
        using var deadline = new CancellationTokenSource();
        await using var setup = new Setup(cancellationToken: deadline.Token);
        await setup.SendHelloAsync();
        await setup.ReadChallengeAsync();

        // The deadline starts once the exchange so far is done, so only the silence can trip it.
        deadline.CancelAfter(TestTimeouts.SilentPeerDeadline);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => setup.Handshake.Within("the node's deadline"));
    }

    [Fact]
    public async Task RunAsync_TwoHandshakes_SendFreshNonces()
    {
        var nonces = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            await using var setup = new Setup();
            await setup.SendHelloAsync();
            nonces.Add((await setup.ReadChallengeAsync()).Nonce);
        }

        Assert.NotEqual(nonces[0], nonces[1]);
    }
}
