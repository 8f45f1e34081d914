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
    private DuplexStream? _peer;
    private volatile bool _isDisposed;

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
        var first = new DuplexStream(backward.Reader, forward.Writer);
        var second = new DuplexStream(forward.Reader, backward.Writer);
        first._peer = second;
        second._peer = first;
        return (first, second);
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
    /// <exception cref="IOException">The other end was closed.</exception>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ThrowIfCannotWrite();
        _output.Write(buffer, offset, count);
    }

    /// <inheritdoc />
    /// <exception cref="IOException">The other end was closed.</exception>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfCannotWrite();
        return _output.WriteAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="IOException">The other end was closed.</exception>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ThrowIfCannotWrite();
        return _output.WriteAsync(buffer, offset, count, cancellationToken);
    }

    private void ThrowIfCannotWrite()
    {
        ObjectDisposedException.ThrowIf(_isDisposed, this);
        // A pipe whose reader is gone swallows writes; a socket fails them. Fail them here too, so that a
        // FrameWriter over this stream faults exactly as it would over TCP when the other side goes away.
        if (_peer is { _isDisposed: true })
            throw new IOException("The other end of the in-process connection was closed.");
    }

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
            _isDisposed = true;
            // Completing our writer is what the other end sees as end of stream.
            _output.Dispose();
            _input.Dispose();
        }

        base.Dispose(disposing);
    }
}
