namespace ParallelSharp.Protocol.Tests.Infrastructure;

/// <summary>
/// A write-only stream that records each write call separately, so a test can count system calls and see the
/// order in which bytes reached "the wire". Optionally the first write blocks until the test releases it, or
/// every write fails with an <see cref="IOException"/>.
/// </summary>
internal sealed class RecordingWriteStream : Stream
{
    private readonly Lock _gate = new();
    private readonly List<byte[]> _writes = [];
    private readonly TaskCompletionSource _firstWriteStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _holdFirstWrite;
    private readonly string? _failure;
    private int _started;
    private int _syncWrites;

    /// <param name="holdFirstWrite">Whether the first write waits for <see cref="ReleaseFirstWrite"/> before it completes.</param>
    /// <param name="failure">When set, every write fails with an <see cref="IOException"/> carrying this message.</param>
    public RecordingWriteStream(bool holdFirstWrite = false, string? failure = null)
    {
        _holdFirstWrite = holdFirstWrite;
        _failure = failure;
    }

    /// <summary>Completes when the first write has been called (and, with <c>holdFirstWrite</c>, is being held).</summary>
    public Task FirstWriteStarted => _firstWriteStarted.Task;

    /// <summary>The write calls that completed, in completion order.</summary>
    public IReadOnlyList<byte[]> Writes
    {
        get
        {
            lock (_gate)
                return [.. _writes];
        }
    }

    /// <summary>Write calls made through the synchronous API.</summary>
    public int SyncWrites => Volatile.Read(ref _syncWrites);

    /// <summary>Everything written, in completion order.</summary>
    public byte[] Content => FrameBytes.Concat([.. Writes]);

    /// <summary>Lets the held first write complete.</summary>
    public void ReleaseFirstWrite() => _release.TrySetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var copy = buffer.ToArray();
        var isFirst = Interlocked.Increment(ref _started) == 1;
        if (isFirst)
            _firstWriteStarted.TrySetResult();
        if (_failure is not null)
            throw new IOException(_failure);
        if (isFirst && _holdFirstWrite)
            await _release.Task.WaitAsync(cancellationToken);
        lock (_gate)
            _writes.Add(copy);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Interlocked.Increment(ref _syncWrites);
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Flush() { }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
