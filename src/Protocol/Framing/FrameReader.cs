using System.Buffers.Binary;

namespace ParallelSharp.Protocol.Framing;

/// <summary>
/// Reads length-prefixed frames from a stream. It reads as much as the stream has and hands every
/// complete frame in the buffer to the handler before reading again, so a burst of small frames costs
/// one system call.
/// </summary>
/// <remarks>Not thread-safe: one read loop owns a reader.</remarks>
public sealed class FrameReader
{
    private const int InitialBufferLength = 64 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[InitialBufferLength];
    private int _start;
    private int _end;
    private int _maxFrameLength;

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The stream to read.</param>
    /// <param name="maxFrameLength">The largest frame accepted; raise it with <see cref="MaxFrameLength"/> once the peer is authenticated.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameLength"/> is out of range (see <see cref="MaxFrameLength"/>).</exception>
    public FrameReader(Stream stream, int maxFrameLength = FrameLimits.HandshakeMaxFrameLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        MaxFrameLength = maxFrameLength;
    }

    /// <summary>The largest frame (type byte plus body) accepted; a longer one is a <see cref="ProtocolException"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1, or a frame of that length and its prefix would not fit in an array.</exception>
    public int MaxFrameLength
    {
        get => _maxFrameLength;
        set
        {
            // The reader computes "prefix + length" as an int and buffers the whole frame in one array:
            // a larger limit (int.MaxValue as "unlimited", say) would overflow that arithmetic on a hostile length.
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Array.MaxLength - 4);
            _maxFrameLength = value;
        }
    }

    /// <summary>Total bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Reads one frame and returns a copy of it, or null at a clean end of stream. Used for handshakes.</summary>
    /// <exception cref="ProtocolException">The frame is malformed or too long, or the stream ended inside a frame.</exception>
    public async ValueTask<(FrameType Type, byte[] Body)?> ReadOneAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTakeFrame(out var type, out var bodyStart, out var bodyLength))
                return (type, _buffer.AsSpan(bodyStart, bodyLength).ToArray());
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                return null;
        }
    }

    /// <summary>
    /// Waits for data, then delivers every complete frame in the buffer to <paramref name="handler"/>.
    /// Returns false at a clean end of stream (between frames).
    /// </summary>
    /// <exception cref="ProtocolException">A frame is malformed or too long, or the stream ended inside a frame.</exception>
    public async ValueTask<bool> ReadFramesAsync(FrameHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (DeliverBuffered(handler) > 0)
            return true;
        while (true)
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                return false;
            if (DeliverBuffered(handler) > 0)
                return true;
        }
    }

    /// <summary>Whether complete or partial bytes are waiting in the buffer.</summary>
    public bool HasBufferedData => _end > _start;

    /// <summary>Delivers the complete frames already buffered, without reading. Returns how many were delivered.</summary>
    /// <remarks>
    /// Frames the handler writes to inline writers (<see cref="FrameFlushing.Inline"/>) go out when the whole batch
    /// has been handled: a burst of results that each dispatch a job costs one write per connection, not one each.
    /// </remarks>
    public int DeliverBuffered(FrameHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        using var deferred = FrameWriter.DeferFlushes();
        var count = 0;
        while (TryTakeFrame(out var type, out var bodyStart, out var bodyLength))
        {
            handler(type, _buffer.AsSpan(bodyStart, bodyLength));
            count++;
        }

        return count;
    }

    /// <summary>Delivers the next buffered frame, if a complete one is buffered, without reading.</summary>
    /// <remarks>For owners that must act between frames (the worker flushes each result before it starts the next job).</remarks>
    /// <exception cref="ProtocolException">The next frame is malformed or too long.</exception>
    public bool TryDeliverOne(FrameHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!TryTakeFrame(out var type, out var bodyStart, out var bodyLength))
            return false;
        handler(type, _buffer.AsSpan(bodyStart, bodyLength));
        return true;
    }

    /// <summary>Reads whatever the stream has next into the buffer. Returns false at a clean end of stream.</summary>
    /// <exception cref="ProtocolException">The stream ended inside a frame.</exception>
    public ValueTask<bool> ReadMoreAsync(CancellationToken cancellationToken) => FillAsync(cancellationToken);

    /// <summary>
    /// Reads whatever the stream has next into the buffer, blocking this thread until it comes. Returns false at a clean
    /// end of stream.
    /// </summary>
    /// <remarks>
    /// For a thread that does nothing but read a pipe (a worker's input, a worker's output at the node): one wake-up
    /// per read, on the owner's own thread. Use it from the first read on: on Unix an asynchronous read of a pipe
    /// registers it with the socket engine and makes it non-blocking for good, and blocking reads then wait for the
    /// engine's thread to wake them (two wake-ups per read).
    /// </remarks>
    /// <exception cref="ProtocolException">The stream ended inside a frame.</exception>
    public bool ReadMore()
    {
        EnsureRoom();
        return Filled(_stream.Read(_buffer, _end, _buffer.Length - _end));
    }

    private bool TryTakeFrame(out FrameType type, out int bodyStart, out int bodyLength)
    {
        type = default;
        bodyStart = bodyLength = 0;
        var available = _end - _start;
        if (available < 4)
            return false;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start, 4));
        if (length == 0)
            throw new ProtocolException("Received a frame of length 0; every frame carries at least its type byte. The connection is closed.");
        if (length > (uint)MaxFrameLength)
            throw new ProtocolException(
                $"Received a frame of {length} bytes, more than the {MaxFrameLength} allowed on this connection. The connection is closed.");
        if (available < 4 + (int)length)
            return false;
        type = (FrameType)_buffer[_start + 4];
        bodyStart = _start + FrameLimits.HeaderLength;
        bodyLength = (int)length - 1;
        _start += 4 + (int)length;
        if (_start == _end)
            _start = _end = 0;
        return true;
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        EnsureRoom();
        return Filled(await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false));
    }

    private bool Filled(int read)
    {
        if (read == 0)
        {
            if (_end > _start)
                throw new ProtocolException($"The connection ended inside a frame ({_end - _start} bytes of it had arrived).");
            return false;
        }

        _end += read;
        BytesRead += read;
        return true;
    }

    private void EnsureRoom()
    {
        // Make room for the rest of the frame being read: compact first, grow only for frames larger than the buffer.
        var needed = 4096;
        if (_end - _start >= 4)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start, 4));
            if (length <= (uint)MaxFrameLength)
                needed = Math.Max(needed, 4 + (int)length - (_end - _start));
        }

        if (_buffer.Length - _end >= needed)
            return;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_buffer.Length - _end < needed)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + needed));
    }
}
