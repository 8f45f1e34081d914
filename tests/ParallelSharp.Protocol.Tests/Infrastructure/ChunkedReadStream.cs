namespace ParallelSharp.Protocol.Tests.Infrastructure;

/// <summary>
/// A read-only stream over fixed bytes that hands them out in chunks chosen by the test: a fixed size per
/// read, or cut at given offsets. Every read completes synchronously. At the end it reports end of stream,
/// or, with <c>stallAtEnd</c>, stays open and silent until the read is cancelled (a peer that stopped talking).
/// </summary>
internal sealed class ChunkedReadStream : Stream
{
    private readonly byte[] _data;
    private readonly Func<int, int, int> _nextChunk;
    private readonly bool _stallAtEnd;
    private readonly TaskCompletionSource<int> _silence = new(TaskCreationOptions.RunContinuationsAsynchronously); // never completed
    private int _position;

    /// <summary>Hands out at most <paramref name="chunk"/> bytes per read.</summary>
    public ChunkedReadStream(byte[] data, int chunk, bool stallAtEnd = false)
        : this(data, (_, _) => chunk, stallAtEnd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
    }

    /// <summary>Hands out the bytes in pieces that end at each of <paramref name="cuts"/> (ascending offsets), then the rest.</summary>
    public ChunkedReadStream(byte[] data, IReadOnlyList<int> cuts, bool stallAtEnd = false)
        : this(data, (readIndex, position) => readIndex < cuts.Count ? Math.Max(cuts[readIndex] - position, 0) : int.MaxValue, stallAtEnd)
    {
    }

    private ChunkedReadStream(byte[] data, Func<int, int, int> nextChunk, bool stallAtEnd)
    {
        _data = data;
        _nextChunk = nextChunk;
        _stallAtEnd = stallAtEnd;
    }

    /// <summary>How many reads returned data.</summary>
    public int DataReads { get; private set; }

    /// <summary>How many reads were made, including those at the end.</summary>
    public int Reads { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadCore(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => ReadCore(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position == _data.Length && _stallAtEnd)
        {
            Reads++;
            return new ValueTask<int>(_silence.Task.WaitAsync(cancellationToken));
        }

        return ValueTask.FromResult(ReadCore(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int ReadCore(Span<byte> buffer)
    {
        var readIndex = Reads++;
        if (_position == _data.Length || buffer.IsEmpty)
            return 0;
        // A zero-length piece (two cuts at one offset) would look like end of stream: hand out at least one byte.
        var count = Math.Min(Math.Max(_nextChunk(readIndex, _position), 1), Math.Min(buffer.Length, _data.Length - _position));
        _data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        DataReads++;
        return count;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
