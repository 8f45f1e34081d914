using ParallelSharp.Protocol.Framing;

namespace ParallelSharp.Protocol.Tests.Infrastructure;

/// <summary>
/// The other end of a connection, driven by the test one step at a time: send this frame, expect that one,
/// send raw bytes, fall silent, hang up. It reads with the post-handshake limit so it can see whatever the
/// code under test sends, and writes with manual flushes so each step is on the wire when the call returns.
/// </summary>
internal sealed class FakePeer : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;

    public FakePeer(Stream stream)
    {
        _stream = stream;
        _reader = new FrameReader(stream, FrameLimits.DefaultMaxFrameLength);
        _writer = new FrameWriter(stream, autoFlush: false);
    }

    /// <summary>Appends frames with <paramref name="write"/> and puts them on the wire.</summary>
    public async Task SendAsync(Action<FrameWriter> write)
    {
        write(_writer);
        await _writer.FlushAsync(CancellationToken.None).Within("the fake peer's send");
    }

    /// <summary>Puts arbitrary bytes on the wire.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).Within("the fake peer's raw send");
        await _stream.FlushAsync().Within("the fake peer's raw flush");
    }

    /// <summary>Waits for the next frame and checks its type.</summary>
    public async Task<Frame> ExpectAsync(FrameType type, string phase)
    {
        var frame = await ReceiveAsync(phase);
        Assert.True(frame.Type == type, $"{phase}: expected a {type} frame, got {frame.Type}.");
        return frame;
    }

    /// <summary>Waits for the next frame.</summary>
    public async Task<Frame> ReceiveAsync(string phase)
    {
        var frame = await _reader.ReadOneAsync(CancellationToken.None).Within(phase);
        Assert.True(frame.HasValue, $"{phase}: the connection ended instead.");
        return new Frame(frame.Value.Type, frame.Value.Body);
    }

    /// <summary>Waits for the connection to end cleanly, failing if a frame arrives first.</summary>
    public async Task ExpectEndAsync(string phase)
    {
        var frame = await _reader.ReadOneAsync(CancellationToken.None).Within(phase);
        Assert.True(frame is null, $"{phase}: expected the connection to end, got a {frame?.Type} frame.");
    }

    /// <summary>Hangs up: the other side sees end of stream.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _stream.DisposeAsync();
    }
}
