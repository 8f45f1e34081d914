using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Handshake;

/// <summary>The node's side of the handshake: read the hello, prove ourselves, check the client's proof, welcome it.</summary>
public static class NodeHandshake
{
    /// <summary>Runs the handshake on an accepted connection.</summary>
    /// <param name="reader">The connection's reader, limited to handshake-sized frames.</param>
    /// <param name="writer">The connection's writer.</param>
    /// <param name="secret">The shared secret (null or empty for an open node).</param>
    /// <param name="info">The node's description, sent in the welcome.</param>
    /// <param name="cancellationToken">Cancels the handshake; give it a deadline.</param>
    /// <returns>What the client said of itself.</returns>
    /// <exception cref="NodeUnavailableException">The client was refused (wrong secret, version or cluster); a Refused frame was sent.</exception>
    /// <exception cref="ProtocolException">The client sent something malformed or closed the connection.</exception>
    public static async Task<HandshakeResult> RunAsync(
        FrameReader reader, FrameWriter writer, string? secret, NodeInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(info);
        var key = HandshakeProofs.KeyFor(secret);

        var (type, body) = await ReadAsync(reader, cancellationToken).ConfigureAwait(false);
        Expect(type, FrameType.Hello);
        var hello = HelloMessage.Read(body);
        if (hello.Version != ProtocolConstants.Version)
            Refuse(writer, NodeFailureKind.Incompatible,
                $"This node speaks protocol version {ProtocolConstants.Version}; the client speaks {hello.Version}. Run the same ParallelSharp version on both sides.");
        if (!string.Equals(hello.Cluster, info.Cluster, StringComparison.Ordinal))
            Refuse(writer, NodeFailureKind.Incompatible,
                $"This node belongs to cluster '{info.Cluster}', not '{hello.Cluster}'.");
        if (hello.Nonce.Length != ProtocolConstants.NonceLength)
            throw new ProtocolException($"The client's nonce has {hello.Nonce.Length} bytes; {ProtocolConstants.NonceLength} are required.");

        var nodeNonce = HandshakeProofs.NewNonce();
        new ChallengeMessage(ProtocolConstants.Version, info.NodeId, nodeNonce, HandshakeProofs.NodeProof(key, hello.Nonce, nodeNonce, info.Cluster)).Write(writer);

        (type, body) = await ReadAsync(reader, cancellationToken).ConfigureAwait(false);
        if (type == FrameType.Refused)
        {
            var refused = RefusedMessage.Read(body);
            throw new NodeUnavailableException($"The client '{hello.ClientName}' ended the handshake: {refused.Reason}", refused.Kind);
        }

        Expect(type, FrameType.Proof);
        var r = new WireReader(body);
        var proof = r.ReadBlock();
        var expected = HandshakeProofs.ClientProof(key, hello.Nonce, nodeNonce, info.Cluster);
        if (!HandshakeProofs.AreEqual(expected, proof))
            Refuse(writer, NodeFailureKind.AuthenticationFailed,
                "The client could not prove that it knows this node's secret. Give the job server the same secret as the node.");

        TaggedJsonMessage.Write(writer, FrameType.Welcome, 0, info, ProtocolJsonContext.Default.NodeInfo);
        return new HandshakeResult(hello.ClientName, hello.Cluster);
    }

    private static void Refuse(FrameWriter writer, NodeFailureKind kind, string reason)
    {
        new RefusedMessage(kind, reason).Write(writer);
        throw new NodeUnavailableException(reason, kind);
    }

    private static async Task<(FrameType, byte[])> ReadAsync(FrameReader reader, CancellationToken cancellationToken) =>
        await reader.ReadOneAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new ProtocolException("The client closed the connection during the handshake.");

    private static void Expect(FrameType actual, FrameType expected)
    {
        if (actual != expected)
            throw new ProtocolException($"The client sent a {actual} frame where the handshake expects {expected}.");
    }
}
