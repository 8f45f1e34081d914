using System.Buffers;
using System.Buffers.Binary;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Tests.Infrastructure;
using ParallelSharp.Protocol.Transport;

namespace ParallelSharp.Protocol.Tests.Framing;

public class FrameWriterTests
{
    [Fact]
    public async Task Write_OneFrame_ProducesLengthTypeAndBody()
    {
        var bytes = await FrameBytes.WriteAsync(writer => writer.Write(FrameType.RunJob, [1, 2, 3]));

        Assert.Equal([4, 0, 0, 0, (byte)FrameType.RunJob, 1, 2, 3], bytes);
    }

    [Fact]
    public async Task Write_EmptyBody_ProducesLengthOneFrame()
    {
        var bytes = await FrameBytes.WriteAsync(writer => writer.Write(FrameType.Heartbeat, []));

        Assert.Equal([1, 0, 0, 0, (byte)FrameType.Heartbeat], bytes);
    }

    [Fact]
    public async Task Begin_BodyWrittenInPiecesThatOutgrowTheBuffer_PatchesTheLengthOfEachFrame()
    {
        // The pending buffer starts at 64 KiB: a 5 MiB body written through GetSpan/Advance reallocates it
        // several times while the frame is open, and the header must still receive the right length.
        var large = new byte[5 * 1024 * 1024];
        new Random(3).NextBytes(large);

        var bytes = await FrameBytes.WriteAsync(writer =>
        {
            writer.Write(FrameType.Heartbeat, [9]);
            using (var frame = writer.Begin(FrameType.UploadAssembly))
            {
                for (var offset = 0; offset < large.Length; offset += 100_000)
                {
                    var piece = large.AsSpan(offset, Math.Min(100_000, large.Length - offset));
                    piece.CopyTo(frame.Writer.GetSpan(piece.Length));
                    frame.Writer.Advance(piece.Length);
                }
            }

            writer.Write(FrameType.Goodbye, [7, 7]);
        });

        Frame.AssertSequenceEqual(
            [new(FrameType.Heartbeat, [9]), new(FrameType.UploadAssembly, large), new(FrameType.Goodbye, [7, 7])],
            await FrameBytes.ReadAllAsync(bytes, chunk: 256 * 1024),
            "frames around a 5 MiB body");
    }

    [Fact]
    public async Task FlushAsync_AfterALargeFrame_KeepsWritingIntactFrames()
    {
        // A flushed buffer over 4 MiB is replaced, not kept: the next frames must land in the new one intact.
        using var stream = new MemoryStream();
        await using var writer = new FrameWriter(stream, autoFlush: false);
        writer.Write(FrameType.UploadAssembly, new byte[5 * 1024 * 1024]);
        await writer.FlushAsync(CancellationToken.None).Within("the large flush");
        writer.Write(FrameType.Heartbeat, [1]);
        await writer.FlushAsync(CancellationToken.None).Within("the first small flush");
        writer.Write(FrameType.HeartbeatAck, [2]);
        await writer.FlushAsync(CancellationToken.None).Within("the second small flush");

        var frames = await FrameBytes.ReadAllAsync(stream.ToArray());

        Assert.Equal([FrameType.UploadAssembly, FrameType.Heartbeat, FrameType.HeartbeatAck], frames.Select(f => f.Type));
        Assert.Equal([2], frames[2].Body);
    }

    [Fact]
    public async Task Counters_AfterFlush_CountFramesAndBytes()
    {
        using var stream = new MemoryStream();
        await using var writer = new FrameWriter(stream, autoFlush: false);
        writer.Write(FrameType.Heartbeat, new byte[8]);
        writer.Write(FrameType.Goodbye, []);

        Assert.Equal(2, writer.FramesWritten);
        Assert.Equal(0, writer.BytesWritten);
        await writer.FlushAsync(CancellationToken.None).Within("the flush");
        Assert.Equal(13 + 5, writer.BytesWritten);
        Assert.Equal(writer.BytesWritten, stream.Length);
    }

    [Fact]
    public async Task Write_ManualFlushMode_WritesNothingUntilFlushAsync()
    {
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, autoFlush: false);
        for (var i = 0; i < 5; i++)
            writer.Write(FrameType.JobResult, [(byte)i]);

        // No background loop exists in this mode, so nothing can be in flight: the stream is untouched.
        Assert.Empty(stream.Writes);
        Assert.False(stream.FirstWriteStarted.IsCompleted);

        await writer.FlushAsync(CancellationToken.None).Within("the manual flush");

        var write = Assert.Single(stream.Writes);
        Assert.Equal(5, (await FrameBytes.ReadAllAsync(write)).Count);
    }

    [Fact]
    public async Task FlushAsync_ManyFramesAppended_WritesThemInOneCall()
    {
        const int count = 1000;
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, autoFlush: false);
        for (var i = 0; i < count; i++)
            writer.Write(FrameType.RunJob, BitConverter.GetBytes(i));

        await writer.FlushAsync(CancellationToken.None).Within("the batched flush");
        await writer.FlushAsync(CancellationToken.None).Within("an empty flush");

        var write = Assert.Single(stream.Writes);
        Assert.Equal(0, stream.SyncWrites);
        var frames = await FrameBytes.ReadAllAsync(write);
        Assert.Equal(Enumerable.Range(0, count), frames.Select(f => BinaryPrimitives.ReadInt32LittleEndian(f.Body)));
    }

    [Fact]
    public async Task AutoFlush_FramesAppendedWhileAWriteIsInProgress_GoOutTogetherInTheNextWrite()
    {
        const int burst = 100;
        var stream = new RecordingWriteStream(holdFirstWrite: true);
        await using var writer = new FrameWriter(stream);
        writer.Write(FrameType.Heartbeat, [0]);
        await stream.FirstWriteStarted.Within("the flush loop's first write");

        for (var i = 1; i <= burst; i++)
            writer.Write(FrameType.RunJob, BitConverter.GetBytes(i));
        stream.ReleaseFirstWrite();
        await writer.FlushAsync(CancellationToken.None).Within("the flush after the burst");

        Assert.Equal(2, stream.Writes.Count);
        Assert.Single(await FrameBytes.ReadAllAsync(stream.Writes[0]));
        Assert.Equal(burst, (await FrameBytes.ReadAllAsync(stream.Writes[1])).Count);
    }

    [Fact]
    public async Task AutoFlush_FrameAppended_ReachesThePeerWithoutAnExplicitFlush()
    {
        var (local, remote) = DuplexStream.CreatePair();
        await using var connection = new Connection(local);
        await using var peer = new FakePeer(remote);

        connection.Writer.Write(FrameType.Goodbye, [1, 2, 3]);

        var frame = await peer.ExpectAsync(FrameType.Goodbye, "the auto-flushed frame");
        Assert.Equal([1, 2, 3], frame.Body);
    }

    [Fact]
    public async Task FlushAsync_WhileTheFlushLoopIsWriting_WaitsForItAndKeepsFrameOrder()
    {
        // The job server and the node call FlushAsync on auto-flush writers ("let the refusal reach the peer before
        // closing"). It must not overtake the loop's write in progress nor return before that write is done.
        var stream = new RecordingWriteStream(holdFirstWrite: true);
        await using var writer = new FrameWriter(stream);
        writer.Write(FrameType.Heartbeat, [1]);
        await stream.FirstWriteStarted.Within("the flush loop's first write");
        writer.Write(FrameType.Refused, [2]);

        var flush = writer.FlushAsync(CancellationToken.None).AsTask();
        var completedBeforeRelease = flush.IsCompleted;
        stream.ReleaseFirstWrite();
        await flush.Within("the flush behind the loop's write");

        Assert.False(completedBeforeRelease, "FlushAsync returned while an earlier frame was still being written.");
        var frames = await FrameBytes.ReadAllAsync(stream.Content);
        Assert.Equal([FrameType.Heartbeat, FrameType.Refused], frames.Select(f => f.Type));
    }

    [Theory]
    [InlineData(FrameFlushing.Background)]
    [InlineData(FrameFlushing.Inline)]
    public async Task Write_FromSeveralThreadsAtOnce_ProducesIntactFramesInPerThreadOrder(FrameFlushing flushing)
    {
        const int threads = 4;
        const int framesPerThread = 2000;
        var (local, remote) = DuplexStream.CreatePair();
        await using var writer = new FrameWriter(local, flushing);
        var reader = new FrameReader(remote, FrameLimits.DefaultMaxFrameLength);
        var received = new List<Frame>();
        var readAll = Task.Run(async () =>
        {
            FrameHandler handler = (type, body) => received.Add(new Frame(type, body.ToArray()));
            while (received.Count < threads * framesPerThread && await reader.ReadFramesAsync(handler, CancellationToken.None))
            {
            }
        });

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producers = Enumerable.Range(0, threads).Select(thread => Task.Run(async () =>
        {
            await start.Task;
            for (var seq = 0; seq < framesPerThread; seq++)
            {
                var body = Body(thread, seq);
                if (seq % 2 == 0)
                {
                    writer.Write(FrameType.RunJob, body);
                    continue;
                }

                // The builder path: the body arrives in two pieces while the writer is held.
                using var frame = writer.Begin(FrameType.RunJob);
                frame.Writer.Write(body.AsSpan(0, 5));
                frame.Writer.Write(body.AsSpan(5));
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(producers).Within("the producer threads");
        await readAll.Within($"{threads * framesPerThread} frames at the reader");

        var next = new int[threads];
        foreach (var frame in received)
        {
            Assert.Equal(FrameType.RunJob, frame.Type);
            var thread = frame.Body[0];
            var seq = BinaryPrimitives.ReadInt32LittleEndian(frame.Body.AsSpan(1));
            Assert.True(seq == next[thread], $"Thread {thread}: frame {seq} arrived where {next[thread]} was expected.");
            Assert.Equal(Body(thread, seq), frame.Body);
            next[thread]++;
        }

        Assert.All(next, n => Assert.Equal(framesPerThread, n));
        Assert.Equal(threads * framesPerThread, writer.FramesWritten);
    }

    private static byte[] Body(int thread, int seq)
    {
        var body = new byte[5 + (seq * 7 % 300)];
        body[0] = (byte)thread;
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(1), seq);
        body.AsSpan(5).Fill((byte)(thread ^ seq));
        return body;
    }

    [Fact]
    public async Task Write_AfterTheStreamFailedUnderTheFlushLoop_ThrowsObjectDisposedExceptionWithTheReason()
    {
        var stream = new RecordingWriteStream(failure: "connection reset by the test peer");
        var writer = new FrameWriter(stream);
        writer.Write(FrameType.Heartbeat, [1]);
        await stream.FirstWriteStarted.Within("the failing write");

        // Disposal waits for the flush loop, which has recorded the failure by then.
        await writer.DisposeAsync().Within("the writer's disposal");

        var fault = Assert.IsType<IOException>(writer.Fault);
        Assert.Equal("connection reset by the test peer", fault.Message);
        var ex = Assert.Throws<ObjectDisposedException>(() => writer.Write(FrameType.Heartbeat, [2]));
        Assert.Contains("connection reset by the test peer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_AfterManualFlushFailed_ThrowsObjectDisposedExceptionWithTheReason()
    {
        var stream = new RecordingWriteStream(failure: "broken pipe in the test");
        await using var writer = new FrameWriter(stream, autoFlush: false);
        writer.Write(FrameType.JobResult, [1]);

        var flushError = await Assert.ThrowsAsync<IOException>(() => writer.FlushAsync(CancellationToken.None).Within("the failing flush"));
        var ex = Assert.Throws<ObjectDisposedException>(() => writer.Begin(FrameType.JobResult).Dispose());

        Assert.Same(flushError, writer.Fault);
        Assert.Contains("can no longer be written", ex.Message, StringComparison.Ordinal);
        Assert.Contains("broken pipe in the test", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DisposeAsync_WithFramesPending_WritesThemFirst(bool autoFlush)
    {
        var stream = new RecordingWriteStream(holdFirstWrite: false);
        var writer = new FrameWriter(stream, autoFlush);
        writer.Write(FrameType.Goodbye, [1]);
        writer.Write(FrameType.Goodbye, [2]);

        await writer.DisposeAsync().Within("the writer's disposal");

        Assert.Equal([[1], [2]], (await FrameBytes.ReadAllAsync(stream.Content)).Select(f => f.Body));
    }

    [Fact]
    public async Task DisposeAsync_CalledTwice_DoesNotThrow()
    {
        // Owners dispose from several paths (a worker's stop and its read loop's end both do).
        var writer = new FrameWriter(new MemoryStream());

        await writer.DisposeAsync().Within("the first disposal");
        await writer.DisposeAsync().Within("the second disposal");

        Assert.IsType<ObjectDisposedException>(writer.Fault);
    }

    [Fact]
    public async Task Write_AfterDisposeAsync_ThrowsObjectDisposedException()
    {
        var writer = new FrameWriter(new MemoryStream(), autoFlush: false);
        await writer.DisposeAsync().Within("the disposal");

        Assert.Throws<ObjectDisposedException>(() => writer.Write(FrameType.Heartbeat, []));
        await writer.FlushAsync(CancellationToken.None).Within("a flush after disposal, which has nothing to write");
    }

    [Fact]
    public async Task Begin_WhenTheBodyThrows_ReleasesTheWriterForOtherThreads()
    {
        using var stream = new MemoryStream();
        await using var writer = new FrameWriter(stream, autoFlush: false);

        void BuildAndFail()
        {
            using var frame = writer.Begin(FrameType.RunJob);
            frame.Writer.Write<byte>([1, 2]);
            throw new InvalidOperationException("the caller failed while building a body");
        }

        Assert.Throws<InvalidOperationException>(BuildAndFail);
        await Task.Run(() => writer.Write(FrameType.Heartbeat, [3])).Within("a write from another thread");
        await writer.FlushAsync(CancellationToken.None).Within("the flush");

        Assert.Equal(FrameType.Heartbeat, (await FrameBytes.ReadAllAsync(stream.ToArray()))[^1].Type);
    }

    [Fact]
    public void Constructor_NullStream_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => new FrameWriter(null!));
}
