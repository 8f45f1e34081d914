using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Tests.Infrastructure;
using ParallelSharp.Protocol.Transport;

namespace ParallelSharp.Protocol.Tests.Transport;

public class DuplexStreamTests
{
    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count, string phase)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().Within(phase);
        return buffer;
    }

    [Fact]
    public async Task WriteAsync_OnEitherEnd_IsReadByTheOtherEnd()
    {
        var (first, second) = DuplexStream.CreatePair();
        await using var _ = first;
        await using var __ = second;

        await first.WriteAsync("ping"u8.ToArray());
        await first.FlushAsync();
        await second.WriteAsync("pong!"u8.ToArray());
        await second.FlushAsync();

        Assert.Equal("ping"u8.ToArray(), await ReadExactlyAsync(second, 4, "ping at the second end"));
        Assert.Equal("pong!"u8.ToArray(), await ReadExactlyAsync(first, 5, "pong at the first end"));
    }

    [Fact]
    public void Write_SynchronousApi_IsReadByTheOtherEnd()
    {
        var (first, second) = DuplexStream.CreatePair();
        using var _ = first;
        using var __ = second;

        first.Write([1, 2, 3], 0, 3);
        first.Flush();
        var buffer = new byte[3];
        var read = 0;
        while (read < 3)
            read += second.Read(buffer, read, 3 - read);

        Assert.Equal([1, 2, 3], buffer);
    }

    [Fact]
    public async Task WriteAsync_LargePayloadWhileTheOtherEndReads_ArrivesIntactAndInOrder()
    {
        var (first, second) = DuplexStream.CreatePair();
        await using var _ = first;
        await using var __ = second;
        var payload = new byte[8 * 1024 * 1024];
        new Random(11).NextBytes(payload);

        var reading = ReadExactlyAsync(second, payload.Length, "the 8 MiB payload");
        for (var offset = 0; offset < payload.Length; offset += 64 * 1024)
            await first.WriteAsync(payload.AsMemory(offset, 64 * 1024));
        await first.FlushAsync();

        Assert.Equal(payload, await reading);
    }

    [Fact]
    public async Task Dispose_OneEnd_TheOtherEndReadsTheRestThenEndOfStream()
    {
        var (first, second) = DuplexStream.CreatePair();
        await using var _ = second;
        await first.WriteAsync(new byte[] { 7, 8 });

        await first.DisposeAsync();

        Assert.Equal([7, 8], await ReadExactlyAsync(second, 2, "the bytes written before the close"));
        Assert.Equal(0, await second.ReadAsync(new byte[16]).AsTask().Within("end of stream after the close"));
        Assert.Equal(0, await second.ReadAsync(new byte[16]).AsTask().Within("end of stream again"));
    }

    [Fact]
    public async Task Dispose_OneEndWhileTheOtherIsWaitingToRead_CompletesThatReadWithEndOfStream()
    {
        var (first, second) = DuplexStream.CreatePair();
        await using var _ = first;
        var pending = second.ReadAsync(new byte[16]).AsTask();

        await first.DisposeAsync();

        Assert.Equal(0, await pending.Within("the pending read to see the close"));
    }

    [Fact]
    public async Task ReadFramesAsync_OverTheOtherEndAfterItCloses_ReturnsFalse()
    {
        var (first, second) = DuplexStream.CreatePair();
        await using var _ = second;
        var reader = new FrameReader(second);
        var writer = new FrameWriter(first);
        writer.Write(FrameType.Goodbye, "bye"u8);
        await writer.DisposeAsync();
        await first.DisposeAsync();
        var received = new List<FrameType>();

        while (await reader.ReadFramesAsync((type, _) => received.Add(type), CancellationToken.None).Within("the frames before the close"))
        {
        }

        Assert.Equal([FrameType.Goodbye], received);
    }

    [Fact]
    public async Task WriteAsync_AfterTheOtherEndClosed_ThrowsIOExceptionLikeASocket()
    {
        var (first, second) = DuplexStream.CreatePair();
        await using var _ = first;
        await second.DisposeAsync();

        await Assert.ThrowsAsync<IOException>(() => first.WriteAsync(new byte[] { 1 }).AsTask());
        await Assert.ThrowsAsync<IOException>(() => first.WriteAsync(new byte[] { 1 }, 0, 1));
        Assert.Throws<IOException>(() => first.Write([1], 0, 1));
    }

    [Fact]
    public async Task FrameWriter_OverAnEndWhosePeerClosed_Faults()
    {
        // Without the IOException above, the writer's frames vanished silently and it never noticed the peer had gone.
        var (first, second) = DuplexStream.CreatePair();
        await using var _ = first;
        await second.DisposeAsync();
        var writer = new FrameWriter(first);

        writer.Write(FrameType.RunJob, new byte[17]);
        await writer.DisposeAsync().Within("the writer's disposal");

        Assert.IsType<IOException>(writer.Fault);
    }

    [Fact]
    public async Task WriteAsync_AfterThisEndIsDisposed_ThrowsObjectDisposedException()
    {
        var (first, second) = DuplexStream.CreatePair();
        await using var _ = second;
        await first.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.WriteAsync(new byte[] { 1 }).AsTask());
    }

    [Fact]
    public async Task Capabilities_OfEitherEnd_AreThoseOfANetworkStream()
    {
        var (first, second) = DuplexStream.CreatePair();
        await using var _ = first;
        await using var __ = second;

        Assert.True(first.CanRead);
        Assert.True(first.CanWrite);
        Assert.False(first.CanSeek);
        Assert.Throws<NotSupportedException>(() => first.Length);
        Assert.Throws<NotSupportedException>(() => first.Position);
        Assert.Throws<NotSupportedException>(() => first.Position = 0);
        Assert.Throws<NotSupportedException>(() => first.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => first.SetLength(0));
    }
}
