using ParallelSharp.Protocol.Framing;

namespace ParallelSharp.Protocol.Tests.Infrastructure;

/// <summary>One end of a connection as the production code sets it up: a handshake-limited reader and an auto-flushing writer.</summary>
internal sealed class Connection : IAsyncDisposable
{
    public Connection(Stream stream)
    {
        Stream = stream;
        Reader = new FrameReader(stream, FrameLimits.HandshakeMaxFrameLength);
        Writer = new FrameWriter(stream);
    }

    public Stream Stream { get; }

    public FrameReader Reader { get; }

    public FrameWriter Writer { get; }

    /// <summary>Delivers what was appended (a refusal, say), then closes, as the job server and the node do.</summary>
    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await Stream.DisposeAsync();
    }
}
