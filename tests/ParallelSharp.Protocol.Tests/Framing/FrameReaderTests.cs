using System.Buffers.Binary;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Tests.Infrastructure;

namespace ParallelSharp.Protocol.Tests.Framing;

public class FrameReaderTests
{
    private static readonly FrameHandler s_ignore = (_, _) => { };

    /// <summary>A short stream with an empty body, one-byte bodies, a header-sized body and a body past a 64-byte boundary.</summary>
    private static List<Frame> SmallFrames() =>
    [
        new(FrameType.Heartbeat, []),
        new(FrameType.RunJob, [0x42]),
        new(FrameType.JobResult, Pattern(5, seed: 1)),
        new(FrameType.Goodbye, []),
        new(FrameType.UploadAssembly, Pattern(70, seed: 2)),
        new(FrameType.CancelJob, Pattern(8, seed: 3)),
    ];

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task ReadFramesAsync_ManyFramesOfVariedSizes_DeliversEachIntactAndInOrder()
    {
        var random = new Random(7);
        var types = Enum.GetValues<FrameType>();
        var expected = new List<Frame>();
        // Sizes from empty to well past the reader's 64 KiB initial buffer, so it compacts and grows on the way.
        foreach (var size in new[] { 0, 1, 2, 3, 4, 5, 100, 4095, 4096, 65_530, 65_536, 200_000, 7, 0, 1_000_000, 3 })
            expected.Add(new Frame(types[random.Next(types.Length)], Pattern(size, random.Next())));
        for (var i = 0; i < 300; i++)
            expected.Add(new Frame(types[random.Next(types.Length)], Pattern(random.Next(0, 2_000), random.Next())));

        var bytes = await FrameBytes.WriteAsync(writer =>
        {
            foreach (var frame in expected)
                writer.Write(frame.Type, frame.Body);
        });

        Assert.Equal(FrameBytes.Encode(expected), bytes);
        Frame.AssertSequenceEqual(expected, await FrameBytes.ReadAllAsync(bytes), "whole-buffer reads");
        Frame.AssertSequenceEqual(expected, await FrameBytes.ReadAllAsync(bytes, chunk: 1000), "1000-byte reads");
    }

    [Fact]
    public async Task ReadFramesAsync_StreamCutAtEveryByteBoundary_YieldsIdenticalFrames()
    {
        var expected = SmallFrames();
        var bytes = FrameBytes.Encode(expected);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var reader = new FrameReader(new ChunkedReadStream(bytes, [cut]));
            var actual = new List<Frame>();
            while (await reader.ReadFramesAsync((type, body) => actual.Add(new Frame(type, body.ToArray())), CancellationToken.None).Within($"reads cut at {cut}"))
            {
            }

            Frame.AssertSequenceEqual(expected, actual, $"stream cut at byte {cut}");
        }
    }

    [Fact]
    public async Task ReadFramesAsync_EveryChunkSize_YieldsIdenticalFrames()
    {
        var expected = SmallFrames();
        var bytes = FrameBytes.Encode(expected);
        for (var chunk = 1; chunk <= bytes.Length; chunk++)
            Frame.AssertSequenceEqual(expected, await FrameBytes.ReadAllAsync(bytes, chunk), $"{chunk}-byte reads");
    }

    [Fact]
    public async Task ReadOneAsync_EveryChunkSize_YieldsIdenticalFrames()
    {
        var expected = SmallFrames();
        var bytes = FrameBytes.Encode(expected);
        for (var chunk = 1; chunk <= bytes.Length; chunk++)
        {
            var reader = new FrameReader(new ChunkedReadStream(bytes, chunk));
            var actual = new List<Frame>();
            while (await reader.ReadOneAsync(CancellationToken.None).Within($"{chunk}-byte reads") is { } frame)
                actual.Add(new Frame(frame.Type, frame.Body));
            Frame.AssertSequenceEqual(expected, actual, $"ReadOneAsync, {chunk}-byte reads");
        }
    }

    [Fact]
    public async Task ReadFramesAsync_BurstInOneRead_DeliversEveryFrameFromOneCall()
    {
        var expected = SmallFrames();
        var stream = new ChunkedReadStream(FrameBytes.Encode(expected), int.MaxValue);
        var reader = new FrameReader(stream);
        var actual = new List<Frame>();

        Assert.True(await reader.ReadFramesAsync((type, body) => actual.Add(new Frame(type, body.ToArray())), CancellationToken.None).Within("the burst"));

        Frame.AssertSequenceEqual(expected, actual, "one ReadFramesAsync call");
        Assert.Equal(1, stream.Reads);
        Assert.False(reader.HasBufferedData);
    }

    [Fact]
    public async Task ReadOneAsync_SeveralFramesInOneRead_LeavesTheRestBufferedForReadFramesAsync()
    {
        var expected = SmallFrames();
        var stream = new ChunkedReadStream(FrameBytes.Encode(expected), int.MaxValue);
        var reader = new FrameReader(stream);

        var first = await reader.ReadOneAsync(CancellationToken.None).Within("the first frame");

        Assert.NotNull(first);
        Assert.Equal(expected[0].Type, first.Value.Type);
        Assert.Equal(expected[0].Body, first.Value.Body);
        Assert.True(reader.HasBufferedData);
        var rest = new List<Frame>();
        Assert.True(await reader.ReadFramesAsync((type, body) => rest.Add(new Frame(type, body.ToArray())), CancellationToken.None).Within("the buffered frames"));
        Frame.AssertSequenceEqual(expected[1..], rest, "frames after ReadOneAsync");
        Assert.Equal(1, stream.Reads); // the buffered frames came without another read
        Assert.False(await reader.ReadFramesAsync(s_ignore, CancellationToken.None).Within("the end of stream"));
    }

    [Fact]
    public async Task DeliverBuffered_WithAPartialFrameBuffered_DeliversOnlyCompleteFramesAndKeepsThePartOne()
    {
        var frames = SmallFrames();
        var bytes = FrameBytes.Encode(frames);
        var firstTwo = FrameBytes.Encode(frames.Take(2)).Length;
        var reader = new FrameReader(new ChunkedReadStream(bytes, [firstTwo + 3]));

        var first = await reader.ReadOneAsync(CancellationToken.None).Within("the first frame");
        var delivered = new List<Frame>();
        var count = reader.DeliverBuffered((type, body) => delivered.Add(new Frame(type, body.ToArray())));

        Assert.Equal(frames[0].Type, first!.Value.Type);
        Assert.Equal(1, count);
        Frame.AssertSequenceEqual(frames[1..2], delivered, "DeliverBuffered");
        Assert.True(reader.HasBufferedData); // three bytes of the third frame's header
        var rest = new List<Frame>();
        while (await reader.ReadFramesAsync((type, body) => rest.Add(new Frame(type, body.ToArray())), CancellationToken.None).Within("the remaining frames"))
        {
        }

        Frame.AssertSequenceEqual(frames[2..], rest, "frames after the partial header");
    }

    [Fact]
    public async Task ReadFramesAsync_CleanEndBetweenFrames_ReturnsFalse()
    {
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Encode(FrameType.Heartbeat, new byte[8]), 3));
        var count = 0;

        Assert.True(await reader.ReadFramesAsync((_, _) => count++, CancellationToken.None).Within("the frame"));
        Assert.False(await reader.ReadFramesAsync((_, _) => count++, CancellationToken.None).Within("the end of stream"));
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task ReadOneAsync_CleanEndBetweenFrames_ReturnsNull()
    {
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Encode(FrameType.Heartbeat, new byte[8]), 2));

        Assert.NotNull(await reader.ReadOneAsync(CancellationToken.None).Within("the frame"));
        Assert.Null(await reader.ReadOneAsync(CancellationToken.None).Within("the end of stream"));
        Assert.Null(await reader.ReadOneAsync(CancellationToken.None).Within("a read after the end"));
    }

    [Fact]
    public async Task ReadOneAsync_EmptyStream_ReturnsNull()
    {
        var reader = new FrameReader(new ChunkedReadStream([], 1));

        Assert.Null(await reader.ReadOneAsync(CancellationToken.None).Within("the end of stream"));
        Assert.Equal(0, reader.BytesRead);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ReadOneAsync_EndOfStreamInsideHeader_ThrowsProtocolException(int headerBytes)
    {
        var bytes = FrameBytes.Concat(FrameBytes.Encode(FrameType.Heartbeat, new byte[8]), FrameBytes.Header(9, FrameType.Heartbeat)[..headerBytes]);
        var reader = new FrameReader(new ChunkedReadStream(bytes, 1));

        Assert.NotNull(await reader.ReadOneAsync(CancellationToken.None).Within("the complete frame"));
        var ex = await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadOneAsync(CancellationToken.None).Within("the truncated header"));

        Assert.Contains("ended inside a frame", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{headerBytes} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_EndOfStreamInsideBody_ThrowsProtocolException(bool readFrames)
    {
        var bytes = FrameBytes.Concat(FrameBytes.Header(101, FrameType.RunJob), new byte[40]);
        var reader = new FrameReader(new ChunkedReadStream(bytes, 16));

        var ex = readFrames
            ? await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadFramesAsync(s_ignore, CancellationToken.None).Within("the truncated body"))
            : await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadOneAsync(CancellationToken.None).Within("the truncated body"));

        Assert.Contains("ended inside a frame (45 bytes of it had arrived)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOneAsync_ZeroLengthFrame_ThrowsProtocolException()
    {
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Concat([0, 0, 0, 0], new byte[16]), 1));

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadOneAsync(CancellationToken.None).Within("the zero-length frame"));

        Assert.Contains("length 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFramesAsync_ZeroLengthFrameAfterGoodOnes_DeliversTheGoodOnesThenThrows()
    {
        var good = FrameBytes.Encode(FrameType.Heartbeat, new byte[8]);
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Concat(good, good, [0, 0, 0, 0, 1]), int.MaxValue));
        var delivered = 0;

        await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadFramesAsync((_, _) => delivered++, CancellationToken.None).Within("the burst"));

        Assert.Equal(2, delivered);
    }

    [Fact]
    public async Task ReadOneAsync_FrameAtHandshakeLimit_IsAccepted()
    {
        var body = Pattern(FrameLimits.HandshakeMaxFrameLength - 1, seed: 5);
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Encode(FrameType.Hello, body), 1000));

        var frame = await reader.ReadOneAsync(CancellationToken.None).Within("the frame at the limit");

        Assert.Equal(body, frame!.Value.Body);
    }

    [Fact]
    public async Task ReadOneAsync_FrameOneByteOverHandshakeLimit_ThrowsProtocolExceptionNamingBothSizes()
    {
        var bytes = FrameBytes.Encode(FrameType.Hello, new byte[FrameLimits.HandshakeMaxFrameLength]);
        var reader = new FrameReader(new ChunkedReadStream(bytes, 1000));

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadOneAsync(CancellationToken.None).Within("the oversized frame"));

        Assert.Contains("4097 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4096 allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOneAsync_LimitRaisedAfterHandshake_AcceptsLargerFramesAndStillRejectsLongerOnes()
    {
        const int raised = 1024 * 1024;
        var small = FrameBytes.Encode(FrameType.Welcome, new byte[100]);
        var large = FrameBytes.Encode(FrameType.RunJob, Pattern(raised - 1, seed: 9));
        var tooLarge = FrameBytes.Header(raised + 1, FrameType.RunJob);
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Concat(small, large, tooLarge), 64 * 1024, stallAtEnd: true));

        Assert.NotNull(await reader.ReadOneAsync(CancellationToken.None).Within("the handshake-sized frame"));
        reader.MaxFrameLength = raised;
        var frame = await reader.ReadOneAsync(CancellationToken.None).Within("the frame at the raised limit");
        var ex = await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadOneAsync(CancellationToken.None).Within("the frame over the raised limit"));

        Assert.Equal(raised - 1, frame!.Value.Body.Length);
        Assert.Contains($"{raised + 1} bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{raised} allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOneAsync_FrameAtDefaultLimit_IsAcceptedAndOneByteMoreIsNot()
    {
        // The real post-handshake limit (64 MiB): built by hand so that only the reader holds a second copy.
        var bytes = new byte[FrameLimits.HeaderLength + FrameLimits.DefaultMaxFrameLength - 1];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, FrameLimits.DefaultMaxFrameLength);
        bytes[4] = (byte)FrameType.UploadAssembly;
        bytes[^1] = 0xAB;
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Concat(bytes, FrameBytes.Header(FrameLimits.DefaultMaxFrameLength + 1, FrameType.UploadAssembly)), 4 * 1024 * 1024, stallAtEnd: true), FrameLimits.DefaultMaxFrameLength);

        var body = new byte[1];
        Assert.True(await reader.ReadFramesAsync((type, b) => body = [(byte)type, (byte)b.Length, b[^1], (byte)(b.Length >> 24)], CancellationToken.None).Within("the 64 MiB frame"));
        await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadFramesAsync(s_ignore, CancellationToken.None).Within("the frame over 64 MiB"));

        Assert.Equal([(byte)FrameType.UploadAssembly, 0xFF, 0xAB, 0x03], body); // body length 64 MiB - 1 = 0x03FF_FFFF
    }

    [Theory]
    [InlineData(FrameLimits.HandshakeMaxFrameLength + 1u)]
    [InlineData(0x8000_0000u)]
    [InlineData(0xFFFF_FFFFu)]
    public async Task ReadOneAsync_HugeLengthPrefix_ThrowsFromTheHeaderAloneWithoutAllocatingTheFrame(uint length)
    {
        // The peer sends only the header and stays connected: waiting for the body would hang, allocating it would hurt.
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Header(length, FrameType.Hello), 5, stallAtEnd: true));
        var before = GC.GetAllocatedBytesForCurrentThread();

        // The stream completes reads synchronously, so the whole read runs on this thread and is measured.
        var read = reader.ReadOneAsync(CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => read.Within("the oversized header"));
        Assert.Contains($"{length} bytes", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1024 * 1024, $"Reading a {length}-byte header allocated {allocated} bytes.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 4)]
    public void MaxFrameLength_OutOfRange_ThrowsArgumentOutOfRangeException(int value)
    {
        var reader = new FrameReader(new ChunkedReadStream([], 1));

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.MaxFrameLength = value);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameReader(new ChunkedReadStream([], 1), value));
        Assert.Equal(FrameLimits.HandshakeMaxFrameLength, reader.MaxFrameLength);
    }

    [Theory]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(0xFFFF_FFF0u)]
    public async Task ReadOneAsync_LimitAtItsLargestAndLongerLength_ThrowsProtocolException(uint length)
    {
        // With an unbounded limit (int.MaxValue), a 0x7FFFFFFF prefix made "4 + length" overflow: the reader took a
        // frame that had not arrived and failed with ArgumentOutOfRangeException instead of a ProtocolException.
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Header(length, FrameType.RunJob), 5, stallAtEnd: true))
        {
            MaxFrameLength = Array.MaxLength - 4,
        };

        await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadOneAsync(CancellationToken.None).Within("the hostile header"));
    }

    [Fact]
    public async Task ReadOneAsync_SilentPeer_EndsWithTheCallersCancellation()
    {
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Header(9, FrameType.Heartbeat), 5, stallAtEnd: true));
        using var cancellation = new CancellationTokenSource();
        var read = reader.ReadOneAsync(cancellation.Token).AsTask();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.Within("the cancelled read"));
    }

    [Fact]
    public async Task BytesRead_AfterReadingFrames_CountsEveryByte()
    {
        var bytes = FrameBytes.Encode(SmallFrames());
        var reader = new FrameReader(new ChunkedReadStream(bytes, 7));

        while (await reader.ReadFramesAsync(s_ignore, CancellationToken.None).Within("the frames"))
        {
        }

        Assert.Equal(bytes.Length, reader.BytesRead);
    }

    /// <summary>The worker's loop: act between frames, read only when nothing complete is buffered.</summary>
    private static async Task<List<Frame>> ReadOneAtATimeAsync(FrameReader reader, string context)
    {
        var frames = new List<Frame>();
        FrameHandler handler = (type, body) => frames.Add(new Frame(type, body.ToArray()));
        do
        {
            while (reader.TryDeliverOne(handler))
            {
            }
        }
        while (await reader.ReadMoreAsync(CancellationToken.None).Within(context));
        return frames;
    }

    [Fact]
    public async Task TryDeliverOne_EveryChunkSize_YieldsIdenticalFrames()
    {
        var expected = SmallFrames();
        var bytes = FrameBytes.Encode(expected);
        for (var chunk = 1; chunk <= bytes.Length; chunk++)
        {
            var actual = await ReadOneAtATimeAsync(new FrameReader(new ChunkedReadStream(bytes, chunk)), $"{chunk}-byte reads");
            Frame.AssertSequenceEqual(expected, actual, $"TryDeliverOne, {chunk}-byte reads");
        }
    }

    [Fact]
    public async Task TryDeliverOne_SeveralFramesBuffered_DeliversExactlyOnePerCall()
    {
        var expected = SmallFrames();
        var stream = new ChunkedReadStream(FrameBytes.Encode(expected), int.MaxValue);
        var reader = new FrameReader(stream);
        var delivered = new List<FrameType>();

        Assert.False(reader.TryDeliverOne((type, _) => delivered.Add(type)));
        Assert.True(await reader.ReadMoreAsync(CancellationToken.None).Within("the burst"));
        Assert.True(reader.TryDeliverOne((type, _) => delivered.Add(type)));
        Assert.Equal([expected[0].Type], delivered);
        Assert.True(reader.TryDeliverOne((type, _) => delivered.Add(type)));
        Assert.Equal([expected[0].Type, expected[1].Type], delivered);
        while (reader.TryDeliverOne((type, _) => delivered.Add(type)))
        {
        }

        Assert.Equal(expected.Select(f => f.Type), delivered);
        Assert.Equal(1, stream.Reads);
        Assert.False(await reader.ReadMoreAsync(CancellationToken.None).Within("the end of stream"));
    }

    [Fact]
    public void ReadMore_EveryChunkSize_YieldsIdenticalFramesThroughSynchronousReads()
    {
        var expected = SmallFrames();
        var bytes = FrameBytes.Encode(expected);
        for (var chunk = 1; chunk <= bytes.Length; chunk++)
        {
            var reader = new FrameReader(new ChunkedReadStream(bytes, chunk));
            var actual = new List<Frame>();
            do
            {
                reader.DeliverBuffered((type, body) => actual.Add(new Frame(type, body.ToArray())));
            }
            while (reader.ReadMore());

            Frame.AssertSequenceEqual(expected, actual, $"ReadMore, {chunk}-byte reads");
            Assert.Equal(bytes.Length, reader.BytesRead);
        }
    }

    [Fact]
    public void ReadMore_EndOfStreamInsideAFrame_ThrowsProtocolException()
    {
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Encode(FrameType.Heartbeat, new byte[8])[..7], 3));

        var ex = Assert.Throws<ProtocolException>(() =>
        {
            // 7 of the frame's 13 bytes, 3 at a time, then the end of the stream.
            for (var reads = 0; reads < 10 && reader.ReadMore(); reads++)
            {
            }
        });
        Assert.Contains("inside a frame", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadMoreAsync_EndOfStreamInsideAFrame_ThrowsProtocolException()
    {
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Encode(FrameType.Heartbeat, new byte[8])[..7], 3));

        await Assert.ThrowsAsync<ProtocolException>(() => ReadOneAtATimeAsync(reader, "the truncated frame"));
    }

    [Fact]
    public async Task TryDeliverOne_OversizedFrameBuffered_ThrowsProtocolException()
    {
        var reader = new FrameReader(new ChunkedReadStream(FrameBytes.Header(0x8000_0000u, FrameType.RunJob), 5, stallAtEnd: true));
        Assert.True(await reader.ReadMoreAsync(CancellationToken.None).Within("the header"));

        Assert.Throws<ProtocolException>(() => reader.TryDeliverOne((_, _) => { }));
    }
}
