using System.Buffers;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Tests.Infrastructure;

/// <summary>Writes a frame body field by field, for bodies the message writers would never produce.</summary>
internal delegate void BodyWriter(WireWriter writer);

internal static class WireBytes
{
    /// <summary>The bytes <paramref name="write"/> puts through a <see cref="WireWriter"/>.</summary>
    public static byte[] Build(BodyWriter write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new WireWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Every strict prefix of <paramref name="body"/>, from empty to one byte short.</summary>
    public static IEnumerable<byte[]> Prefixes(byte[] body) => Enumerable.Range(0, body.Length).Select(n => body[..n]);
}
