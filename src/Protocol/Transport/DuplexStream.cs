using System.IO.Pipelines;

namespace ParallelSharp.Protocol.Transport;

/// <summary>
/// One end of an in-memory, full-duplex byte stream. The job server talks to its in-process local node
/// through a pair of these, with exactly the framing, handshake and messages a TCP connection carries:
/// only the transport differs.
/// </summary>
public sealed class DuplexStream : Stream
{
    private readonly Stream _input;
    private readonly Stream _output;

    private DuplexStream(PipeReader reader, PipeWriter writer)
    {
        _input = reader.AsStream();
        _output = writer.AsStream();
    }

    /// <summary>Creates two connected ends: what one writes, the other reads.</summary>
    public static (DuplexStream First, DuplexStream Second) CreatePair()
    {
        // Generous thresholds: the writers batch many frames per flush and must not stall on small bursts.
        var options = new PipeOptions(pauseWriterThreshold: 64 * 1024 * 1024, resumeWriterThreshold: 32 * 1024 * 1024, useSynchronizationContext: false);
        var forward = new Pipe(options);
        var backward = new Pipe(options);
        return (new DuplexStream(backward.Reader, forward.Writer), new DuplexStream(forward.Reader, backward.Writer));
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _input.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _input.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => _output.Write(buffer, offset, count);

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _output.WriteAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _output.WriteAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public override void Flush() => _output.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Completing our writer is what the other end sees as end of stream.
            _output.Dispose();
            _input.Dispose();
        }

        base.Dispose(disposing);
    }
}
