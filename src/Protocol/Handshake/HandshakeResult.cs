namespace ParallelSharp.Protocol.Handshake;

/// <summary>What the node side learns from a successful handshake.</summary>
/// <param name="ClientName">The name the client gave.</param>
/// <param name="Cluster">The cluster both sides belong to.</param>
public sealed record HandshakeResult(string ClientName, string Cluster);
