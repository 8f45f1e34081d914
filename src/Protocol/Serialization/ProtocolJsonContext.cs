using System.Text.Json.Serialization;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.Protocol.Serialization;

/// <summary>Source-generated JSON for the protocol's control records: no reflection on the wire's own types.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(JobPackage))]
[JsonSerializable(typeof(RemoteError))]
[JsonSerializable(typeof(NodeInfo))]
[JsonSerializable(typeof(NodeStatsReport))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
