namespace ParallelSharp.Protocol.Messages;

/// <summary>What a node tells a client when the handshake succeeds.</summary>
/// <param name="NodeId">The node's name, unique in its cluster.</param>
/// <param name="Cluster">The cluster it belongs to.</param>
/// <param name="Workers">Its worker processes (its slots).</param>
/// <param name="Os">Its operating system (<c>linux</c>, <c>windows</c>, <c>osx</c>).</param>
/// <param name="Architecture">Its processor architecture.</param>
/// <param name="ProcessorCount">Its logical processors.</param>
/// <param name="Version">Its ParallelSharp version.</param>
public sealed record NodeInfo(string NodeId, string Cluster, int Workers, string Os, string Architecture, int ProcessorCount, string Version);
