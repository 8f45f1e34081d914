using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Handshake;

/// <summary>The client's side of the handshake: hello, check the node's proof, prove ourselves, receive the welcome.</summary>
public static class ClientHandshake
{
    /// <summary>Runs the handshake on a fresh connection.</summary>
    /// <param name="reader">The connection's reader (its limit is the handshake limit until this returns).</param>
    /// <param name="writer">The connection's writer.</param>
    /// <param name="secret">The shared secret (null or empty for an open node).</param>
    /// <param name="cluster">The cluster name.</param>
    /// <param name="clientName">A name for the node's logs.</param>
    /// <param name="endpoint">The node's address, for messages.</param>
    /// <param name="cancellationToken">Cancels the handshake; give it a deadline.</param>
    /// <returns>The node's description.</returns>
    /// <exception cref="NodeUnavailableException">The node refused us, proved no knowledge of the secret, or closed the connection.</exception>
    /// <exception cref="ProtocolException">The node sent something malformed.</exception>
    public static async Task<NodeInfo> RunAsync(
        FrameReader reader, FrameWriter writer, string? secret, string cluster, string clientName, string endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        var key = HandshakeProofs.KeyFor(secret);
        var clientNonce = HandshakeProofs.NewNonce();
        new HelloMessage(ProtocolConstants.Version, cluster, clientName, clientNonce).Write(writer);

        var (type, body) = await ReadAsync(reader, endpoint, cancellationToken).ConfigureAwait(false);
        ThrowIfRefused(type, body, endpoint);
        Expect(type, FrameType.Challenge, endpoint);
        var challenge = ChallengeMessage.Read(body);
        if (challenge.Version != ProtocolConstants.Version)
        {
            var reason = $"Node {challenge.NodeId} at {endpoint} speaks protocol version {challenge.Version}; this client speaks {ProtocolConstants.Version}. Run the same ParallelSharp version on both sides.";
            new RefusedMessage(NodeFailureKind.Incompatible, reason).Write(writer);
            throw new NodeUnavailableException(reason, NodeFailureKind.Incompatible);
        }

        var expected = HandshakeProofs.NodeProof(key, clientNonce, challenge.Nonce, cluster);
        if (!HandshakeProofs.AreEqual(expected, challenge.Proof))
        {
            new RefusedMessage(NodeFailureKind.AuthenticationFailed, "The node could not prove that it knows the cluster secret.").Write(writer);
            throw new NodeUnavailableException(
                $"Node {challenge.NodeId} at {endpoint} does not know this cluster's secret, so no job was sent to it. Give both sides the same secret.",
                NodeFailureKind.AuthenticationFailed);
        }

        using (var frame = writer.Begin(FrameType.Proof))
            new WireWriter(frame.Writer).WriteBlock(HandshakeProofs.ClientProof(key, clientNonce, challenge.Nonce, cluster));

        (type, body) = await ReadAsync(reader, endpoint, cancellationToken).ConfigureAwait(false);
        ThrowIfRefused(type, body, endpoint);
        Expect(type, FrameType.Welcome, endpoint);
        return TaggedJsonMessage.Read(body, ProtocolJsonContext.Default.NodeInfo, out _);
    }

    private static async Task<(FrameType, byte[])> ReadAsync(FrameReader reader, string endpoint, CancellationToken cancellationToken) =>
        await reader.ReadOneAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new NodeUnavailableException(
            $"The node at {endpoint} closed the connection during the handshake. Check that it is a ParallelSharp node of the same version and cluster.",
            NodeFailureKind.ConnectionLost);

    private static void ThrowIfRefused(FrameType type, byte[] body, string endpoint)
    {
        if (type != FrameType.Refused)
            return;
        var refused = RefusedMessage.Read(body);
        throw new NodeUnavailableException($"The node at {endpoint} refused the connection: {refused.Reason}", refused.Kind);
    }

    private static void Expect(FrameType actual, FrameType expected, string endpoint)
    {
        if (actual != expected)
            throw new ProtocolException($"The node at {endpoint} sent a {actual} frame where the handshake expects {expected}.");
    }
}
