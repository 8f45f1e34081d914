using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Tests.Infrastructure;

namespace ParallelSharp.Protocol.Tests.Messages;

public class HandshakeMessageTests
{
    private static readonly byte[] s_nonce = Enumerable.Range(0, ProtocolConstants.NonceLength).Select(i => (byte)(i * 3)).ToArray();

    [Fact]
    public async Task Hello_WrittenThenRead_RoundTripsEveryField()
    {
        var frame = await FrameBytes.RoundTripAsync(new HelloMessage(ProtocolConstants.Version, "blue", "host-a/4242 ✓", s_nonce).Write);

        var hello = HelloMessage.Read(frame.Body);

        Assert.Equal(FrameType.Hello, frame.Type);
        Assert.Equal("PSHP"u8.ToArray(), frame.Body[..4]);
        Assert.Equal(ProtocolConstants.Version, hello.Version);
        Assert.Equal("blue", hello.Cluster);
        Assert.Equal("host-a/4242 ✓", hello.ClientName);
        Assert.Equal(s_nonce, hello.Nonce);
    }

    [Fact]
    public async Task Hello_EmptyFieldsAndExtremeVersion_RoundTrip()
    {
        var frame = await FrameBytes.RoundTripAsync(new HelloMessage(ushort.MaxValue, string.Empty, string.Empty, []).Write);

        var hello = HelloMessage.Read(frame.Body);

        Assert.Equal(ushort.MaxValue, hello.Version);
        Assert.Equal(string.Empty, hello.Cluster);
        Assert.Equal(string.Empty, hello.ClientName);
        Assert.Empty(hello.Nonce);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x50534850u)] // the magic in the wrong byte order
    [InlineData(0x20544547u)] // "GET "
    [InlineData(ProtocolConstants.Magic + 1)]
    public void HelloRead_WrongMagic_ThrowsProtocolException(uint magic)
    {
        var body = WireBytes.Build(w =>
        {
            w.WriteUInt32(magic);
            w.WriteUInt16(ProtocolConstants.Version);
            w.WriteString("blue");
            w.WriteString("client");
            w.WriteBlock(s_nonce);
        });

        var ex = Assert.Throws<ProtocolException>(() => HelloMessage.Read(body));

        Assert.Contains("wrong magic", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelloRead_EveryTruncation_ThrowsProtocolException()
    {
        var body = (await FrameBytes.RoundTripAsync(new HelloMessage(1, "blue", "client", s_nonce).Write)).Body;

        foreach (var prefix in WireBytes.Prefixes(body))
            Assert.Throws<ProtocolException>(() => HelloMessage.Read(prefix));
    }

    [Fact]
    public async Task HelloRead_TrailingByte_ThrowsProtocolException()
    {
        var body = (await FrameBytes.RoundTripAsync(new HelloMessage(1, "blue", "client", s_nonce).Write)).Body;

        var ex = Assert.Throws<ProtocolException>(() => HelloMessage.Read([.. body, 0]));

        Assert.Equal("The hello frame has 1 unexpected trailing byte(s).", ex.Message);
    }

    [Fact]
    public async Task Challenge_WrittenThenRead_RoundTripsEveryField()
    {
        var proof = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var frame = await FrameBytes.RoundTripAsync(new ChallengeMessage(7, "node-ü", s_nonce, proof).Write);

        var challenge = ChallengeMessage.Read(frame.Body);

        Assert.Equal(FrameType.Challenge, frame.Type);
        Assert.Equal(7, challenge.Version);
        Assert.Equal("node-ü", challenge.NodeId);
        Assert.Equal(s_nonce, challenge.Nonce);
        Assert.Equal(proof, challenge.Proof);
    }

    [Fact]
    public async Task ChallengeRead_EveryTruncationAndATrailingByte_ThrowProtocolException()
    {
        var body = (await FrameBytes.RoundTripAsync(new ChallengeMessage(1, "node", s_nonce, s_nonce).Write)).Body;

        foreach (var prefix in WireBytes.Prefixes(body))
            Assert.Throws<ProtocolException>(() => ChallengeMessage.Read(prefix));
        Assert.Throws<ProtocolException>(() => ChallengeMessage.Read([.. body, 0]));
    }

    public static TheoryData<NodeFailureKind> FailureKinds => [.. Enum.GetValues<NodeFailureKind>()];

    [Theory]
    [MemberData(nameof(FailureKinds))]
    public async Task Refused_EveryKind_RoundTrips(NodeFailureKind kind)
    {
        var frame = await FrameBytes.RoundTripAsync(new RefusedMessage(kind, $"refused because of {kind} — see the node's log").Write);

        var refused = RefusedMessage.Read(frame.Body);

        Assert.Equal(FrameType.Refused, frame.Type);
        Assert.Equal(new RefusedMessage(kind, $"refused because of {kind} — see the node's log"), refused);
    }

    [Fact]
    public async Task RefusedRead_EveryTruncationAndATrailingByte_ThrowProtocolException()
    {
        var body = (await FrameBytes.RoundTripAsync(new RefusedMessage(NodeFailureKind.Incompatible, "no").Write)).Body;

        foreach (var prefix in WireBytes.Prefixes(body))
            Assert.Throws<ProtocolException>(() => RefusedMessage.Read(prefix));
        Assert.Throws<ProtocolException>(() => RefusedMessage.Read([.. body, 0]));
    }
}
