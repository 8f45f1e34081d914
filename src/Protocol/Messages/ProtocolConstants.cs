namespace ParallelSharp.Protocol.Messages;

/// <summary>Numbers every peer must agree on.</summary>
public static class ProtocolConstants
{
    /// <summary>"PSHP" as a little-endian uint32: the first four bytes of every Hello, so a stray client is told apart at once.</summary>
    public const uint Magic = 0x50485350;

    /// <summary>The protocol version this build speaks. Peers with another version are refused with a clear reason.</summary>
    public const ushort Version = 1;

    /// <summary>The length of handshake nonces and proofs (SHA-256).</summary>
    public const int NonceLength = 32;

    /// <summary>The default TCP port of a node daemon.</summary>
    public const int DefaultPort = 7741;

    /// <summary>The default cluster name.</summary>
    public const string DefaultCluster = "default";
}
