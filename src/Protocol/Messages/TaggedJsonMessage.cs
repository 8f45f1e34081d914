using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Messages;

/// <summary>
/// Control frames whose body is a 32-bit tag followed by a JSON record: <see cref="FrameType.Welcome"/> (tag 0, <see cref="NodeInfo"/>),
/// <see cref="FrameType.DefinePackage"/> (tag = package handle, <see cref="JobPackage"/>) and <see cref="FrameType.StatsReply"/>
/// (tag = request id, <see cref="NodeStatsReport"/>). They are rare, so JSON's flexibility costs nothing.
/// </summary>
public static class TaggedJsonMessage
{
    /// <summary>Appends the frame.</summary>
    /// <exception cref="ArgumentException">The value cannot be serialized (for example a NaN the options do not allow); no frame was appended.</exception>
    public static void Write<T>(FrameWriter writer, FrameType type, uint tag, T value, JsonTypeInfo<T> typeInfo)
    {
        // Serialize before the frame begins: disposing the builder commits whatever was written, so a value that
        // failed half-way would go out as a truncated frame and the peer would drop the whole connection.
        // It also keeps the writer's lock out of JSON serialization.
        var json = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        using var frame = writer.Begin(type);
        var w = new WireWriter(frame.Writer);
        w.WriteUInt32(tag);
        w.WriteRaw(json);
    }

    /// <summary>Reads the frame body.</summary>
    /// <exception cref="ProtocolException">The body is malformed or its JSON does not describe a <typeparamref name="T"/>.</exception>
    public static T Read<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> typeInfo, out uint tag)
    {
        var r = new WireReader(body);
        tag = r.ReadUInt32();
        try
        {
            return JsonSerializer.Deserialize(r.ReadRest(), typeInfo)
                ?? throw new ProtocolException($"A {typeof(T).Name} frame carries null.");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            throw new ProtocolException($"A {typeof(T).Name} frame carries malformed JSON: {ex.Message}", ex);
        }
    }
}
