using System.Security.Cryptography;
using System.Text;

namespace ParallelSharp.Protocol.Handshake;

/// <summary>
/// The mutual challenge-response: each side proves it knows the shared secret with an HMAC-SHA256 over
/// its role, both fresh nonces and the cluster name. The role label keeps a proof from being reflected
/// back; the nonces keep it from being replayed; the secret itself never crosses the wire.
/// </summary>
public static class HandshakeProofs
{
    /// <summary>Makes a fresh random nonce.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(Messages.ProtocolConstants.NonceLength);

    /// <summary>The node's proof: HMAC(secret, "psh-node" | client nonce | node nonce | cluster).</summary>
    public static byte[] NodeProof(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> nodeNonce, string cluster) =>
        Compute(secret, "psh-node", clientNonce, nodeNonce, cluster);

    /// <summary>The client's proof: HMAC(secret, "psh-client" | node nonce | client nonce | cluster).</summary>
    public static byte[] ClientProof(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> nodeNonce, string cluster) =>
        Compute(secret, "psh-client", nodeNonce, clientNonce, cluster);

    /// <summary>Compares two proofs in constant time.</summary>
    public static bool AreEqual(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        CryptographicOperations.FixedTimeEquals(expected, actual);

    /// <summary>The HMAC key for a secret: its UTF-8 bytes (an open node uses the empty secret).</summary>
    public static byte[] KeyFor(string? secret) => Encoding.UTF8.GetBytes(secret ?? string.Empty);

    private static byte[] Compute(ReadOnlySpan<byte> secret, string role, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, string cluster)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.UTF8.GetBytes(role));
        hmac.AppendData(first);
        hmac.AppendData(second);
        hmac.AppendData(Encoding.UTF8.GetBytes(cluster));
        return hmac.GetHashAndReset();
    }
}
