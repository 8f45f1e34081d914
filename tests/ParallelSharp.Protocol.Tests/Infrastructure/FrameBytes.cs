using System.Buffers.Binary;
using ParallelSharp.Protocol.Framing;

namespace ParallelSharp.Protocol.Tests.Infrastructure;

/// <summary>
/// Builds and parses frame bytes for tests. <c>Encode</c> follows the wire layout directly
/// (<c>[u32 LE length of type+body][u8 type][body]</c>) rather than going through <see cref="FrameWriter"/>,
/// so the writer can be checked against it.
/// </summary>
internal static class FrameBytes
{
    /// <summary>The bytes of one frame.</summary>
    public static byte[] Encode(FrameType type, ReadOnlySpan<byte> body)
    {
        var bytes = new byte[FrameLimits.HeaderLength + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(body.Length + 1));
        bytes[4] = (byte)type;
        body.CopyTo(bytes.AsSpan(FrameLimits.HeaderLength));
        return bytes;
    }

    /// <summary>The bytes of several frames, back to back.</summary>
    public static byte[] Encode(IEnumerable<Frame> frames) => Concat(frames.Select(f => Encode(f.Type, f.Body)).ToArray());

    /// <summary>A header announcing <paramref name="length"/> bytes (type byte plus body), with no body.</summary>
    public static byte[] Header(uint length, FrameType type)
    {
        var bytes = new byte[FrameLimits.HeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, length);
        bytes[4] = (byte)type;
        return bytes;
    }

    /// <summary>Concatenates byte arrays.</summary>
    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }

    /// <summary>Runs <paramref name="write"/> against a manual-flush writer and returns the bytes it produced.</summary>
    public static async Task<byte[]> WriteAsync(Action<FrameWriter> write)
    {
        using var stream = new MemoryStream();
        var writer = new FrameWriter(stream, autoFlush: false);
        await using (writer)
        {
            write(writer);
            await writer.FlushAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Step);
        }

        return stream.ToArray();
    }

    /// <summary>Reads every frame of <paramref name="bytes"/> with <see cref="FrameReader.ReadFramesAsync"/>, <paramref name="chunk"/> bytes per read.</summary>
    public static async Task<List<Frame>> ReadAllAsync(byte[] bytes, int chunk = int.MaxValue, int maxFrameLength = FrameLimits.DefaultMaxFrameLength)
    {
        var reader = new FrameReader(new ChunkedReadStream(bytes, chunk), maxFrameLength);
        var frames = new List<Frame>();
        FrameHandler handler = (type, body) => frames.Add(new Frame(type, body.ToArray()));
        while (await reader.ReadFramesAsync(handler, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Step))
        {
        }

        return frames;
    }

    /// <summary>Writes frames with <paramref name="write"/> and reads back the single frame it must have produced.</summary>
    public static async Task<Frame> RoundTripAsync(Action<FrameWriter> write)
    {
        var frames = await ReadAllAsync(await WriteAsync(write));
        return Assert.Single(frames);
    }
}
