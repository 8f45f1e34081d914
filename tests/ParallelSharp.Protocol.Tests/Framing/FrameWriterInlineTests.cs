using System.Buffers.Binary;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Tests.Infrastructure;

namespace ParallelSharp.Protocol.Tests.Framing;

/// <summary>
/// Inline flushing: the appending thread writes when no write is under way, <see cref="FrameWriter.DeferFlushes"/>
/// holds writes back until a scope ends, and <see cref="FrameWriter.TryWriteNow"/> writes small batches at once.
/// These tests never await inside a scope: a scope belongs to the thread that opened it.
/// </summary>
public class FrameWriterInlineTests
{
    [Fact]
    public async Task Inline_FrameAppended_IsWrittenBeforeWriteReturns()
    {
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, FrameFlushing.Inline);

        writer.Write(FrameType.RunJob, [1, 2, 3]);

        // The recording stream completes writes synchronously, so an inline write has happened by now.
        var write = Assert.Single(stream.Writes);
        Assert.Equal([4, 0, 0, 0, (byte)FrameType.RunJob, 1, 2, 3], write);
    }

    [Fact]
    public async Task Inline_ManyFramesInsideDeferFlushes_AreWrittenOnceWhenTheScopeEnds()
    {
        const int count = 50;
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, FrameFlushing.Inline);

        int writesInsideScope;
        using (FrameWriter.DeferFlushes())
        {
            for (var i = 0; i < count; i++)
                writer.Write(FrameType.RunJob, BitConverter.GetBytes(i));
            writesInsideScope = stream.Writes.Count;
        }

        Assert.Equal(0, writesInsideScope);
        var write = Assert.Single(stream.Writes);
        var frames = await FrameBytes.ReadAllAsync(write);
        Assert.Equal(Enumerable.Range(0, count), frames.Select(f => BinaryPrimitives.ReadInt32LittleEndian(f.Body)));
    }

    [Fact]
    public async Task Inline_NestedScopes_WriteWhenTheOutermostEnds()
    {
        var first = new RecordingWriteStream();
        var second = new RecordingWriteStream();
        await using var firstWriter = new FrameWriter(first, FrameFlushing.Inline);
        await using var secondWriter = new FrameWriter(second, FrameFlushing.Inline);

        int writesAfterInnerScope;
        using (FrameWriter.DeferFlushes())
        {
            firstWriter.Write(FrameType.RunJob, [1]);
            using (FrameWriter.DeferFlushes())
            {
                secondWriter.Write(FrameType.RunJob, [2]);
                firstWriter.Write(FrameType.RunJob, [3]);
            }

            writesAfterInnerScope = first.Writes.Count + second.Writes.Count;
        }

        Assert.Equal(0, writesAfterInnerScope);
        Assert.Equal([[1], [3]], (await FrameBytes.ReadAllAsync(Assert.Single(first.Writes))).Select(f => f.Body));
        Assert.Equal([2], (await FrameBytes.ReadAllAsync(Assert.Single(second.Writes)))[0].Body);
    }

    [Fact]
    public async Task Inline_FramesAppendedWhileAnInlineWriteIsHeld_FollowItInOrder()
    {
        // The first write does not complete at once (a socket whose buffer is full): Write returns, and the frames
        // appended meanwhile must go out after it, through the flush loop, not around it.
        var stream = new RecordingWriteStream(holdFirstWrite: true);
        await using var writer = new FrameWriter(stream, FrameFlushing.Inline);

        writer.Write(FrameType.Heartbeat, [0]);
        await stream.FirstWriteStarted.Within("the held inline write");
        for (var i = 1; i <= 20; i++)
            writer.Write(FrameType.RunJob, BitConverter.GetBytes(i));
        stream.ReleaseFirstWrite();
        await writer.FlushAsync(CancellationToken.None).Within("the flush after the held write");

        var frames = await FrameBytes.ReadAllAsync(stream.Content);
        Assert.Equal(21, frames.Count);
        Assert.Equal(FrameType.Heartbeat, frames[0].Type);
        Assert.Equal(Enumerable.Range(1, 20), frames.Skip(1).Select(f => BinaryPrimitives.ReadInt32LittleEndian(f.Body)));
        Assert.Equal([0], frames[0].Body);
    }

    [Fact]
    public async Task Inline_StreamFails_RecordsTheFaultAndRefusesTheNextFrame()
    {
        var stream = new RecordingWriteStream(failure: "connection reset under an inline write");
        await using var writer = new FrameWriter(stream, FrameFlushing.Inline);

        writer.Write(FrameType.RunJob, [1]);

        var fault = Assert.IsType<IOException>(writer.Fault);
        Assert.Equal("connection reset under an inline write", fault.Message);
        var ex = Assert.Throws<ObjectDisposedException>(() => writer.Write(FrameType.RunJob, [2]));
        Assert.Contains("connection reset under an inline write", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Background_FramesInsideDeferFlushes_WakeTheLoopOnceAtTheEnd()
    {
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, FrameFlushing.Background);

        int writesInsideScope;
        using (FrameWriter.DeferFlushes())
        {
            writer.Write(FrameType.RunJob, [1]);
            // Ample time for a loop that had been woken by the first frame to write it alone.
            Thread.Sleep(100);
            writer.Write(FrameType.RunJob, [2]);
            writesInsideScope = stream.Writes.Count;
        }

        await WaitForFramesAsync(stream, 2);
        Assert.Equal(0, writesInsideScope);
        Assert.Equal([[1], [2]], (await FrameBytes.ReadAllAsync(Assert.Single(stream.Writes))).Select(f => f.Body));
    }

    [Fact]
    public async Task Manual_FramesInsideDeferFlushes_StayPendingUntilFlushed()
    {
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, FrameFlushing.Manual);

        using (FrameWriter.DeferFlushes())
            writer.Write(FrameType.JobResult, [1]);
        var writesBeforeFlush = stream.Writes.Count;
        await writer.FlushAsync(CancellationToken.None).Within("the manual flush");

        Assert.Equal(0, writesBeforeFlush);
        Assert.Single(stream.Writes);
    }

    [Fact]
    public async Task TryWriteNow_SmallPendingFrames_WritesThemOnThisThread()
    {
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, FrameFlushing.Background);

        bool taken;
        int writesBefore;
        using (FrameWriter.DeferFlushes())
        {
            writer.Write(FrameType.RunJob, [1, 2]);
            writesBefore = stream.Writes.Count;
            taken = writer.TryWriteNow(maxBytes: 64);
        }

        Assert.Equal(0, writesBefore);
        Assert.True(taken);
        Assert.Equal([[1, 2]], (await FrameBytes.ReadAllAsync(Assert.Single(stream.Writes))).Select(f => f.Body));
    }

    [Fact]
    public async Task TryWriteNow_PendingFramesOverTheLimit_LeavesThemToTheLoop()
    {
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, FrameFlushing.Background);

        bool taken;
        int writesAfterTry;
        using (FrameWriter.DeferFlushes())
        {
            writer.Write(FrameType.RunJob, new byte[100]);
            taken = writer.TryWriteNow(maxBytes: 64);
            writesAfterTry = stream.Writes.Count;
        }

        await WaitForFramesAsync(stream, 1);
        Assert.False(taken);
        Assert.Equal(0, writesAfterTry);
        Assert.Equal(100, (await FrameBytes.ReadAllAsync(Assert.Single(stream.Writes)))[0].Body.Length);
    }

    [Fact]
    public async Task TryWriteNow_NothingPending_ReturnsFalse()
    {
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, FrameFlushing.Background);

        Assert.False(writer.TryWriteNow(maxBytes: 64));
        Assert.Empty(stream.Writes);
    }

    [Fact]
    public async Task DeferredFlushes_DisposedWithoutAScope_DoesNothing()
    {
        // A default scope (never opened) must not unbalance the thread's nesting count.
        default(DeferredFlushes).Dispose();
        var stream = new RecordingWriteStream();
        await using var writer = new FrameWriter(stream, FrameFlushing.Inline);

        writer.Write(FrameType.RunJob, [7]);

        Assert.Single(stream.Writes);
    }

    [Fact]
    public void Constructor_UndefinedFlushing_ThrowsArgumentOutOfRangeException() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameWriter(new MemoryStream(), (FrameFlushing)42));

    private static async Task WaitForFramesAsync(RecordingWriteStream stream, int count)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Step;
        while ((await FrameBytes.ReadAllAsync(stream.Content)).Count < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The flush loop did not write {count} frames within {TestTimeouts.Step.TotalSeconds:0.#} s.");
            await Task.Delay(10);
        }
    }
}
