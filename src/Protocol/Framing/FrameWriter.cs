using System.Buffers;
using System.Buffers.Binary;

namespace ParallelSharp.Protocol.Framing;

/// <summary>
/// Writes length-prefixed frames to a stream. Any thread may append frames; they collect in a buffer
/// that one flush loop writes with a single system call, so a burst of small frames costs one write.
/// </summary>
/// <remarks>
/// Appending never blocks on the network. Flow control belongs to the protocol above (a node is sent no
/// more jobs than it has slots for). With <see cref="FrameFlushing.Manual"/> the owner calls <see cref="FlushAsync"/>
/// itself (the worker does, after it has drained its input), which keeps everything on one thread. With
/// <see cref="FrameFlushing.Inline"/> the thread that appends a frame also starts its write when no other write is
/// under way, which saves the wake-up of the flush loop on every round trip; frames appended inside
/// <see cref="DeferFlushes"/> (a batch of received frames, a dispatch pass under a lock) go out together when it ends.
/// </remarks>
public sealed class FrameWriter : IAsyncDisposable
{
    // The writers whose inline flush waits for the end of this thread's DeferFlushes scope, and its nesting depth.
    [ThreadStatic]
    private static List<FrameWriter>? t_deferred;
    [ThreadStatic]
    private static int t_deferDepth;

    private readonly Stream _stream;
    private readonly bool _autoFlush;
    private readonly bool _inline;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    // Not disposed: it never allocates a wait handle, and a late FlushAsync must still find it usable.
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _flushLoop;
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _spare = new(64 * 1024);
    private bool _flushRequested;
    private Exception? _fault;
    private int _disposed;

    /// <summary>Creates a writer.</summary>
    /// <param name="stream">The stream to write.</param>
    /// <param name="autoFlush">Whether a background loop writes appended frames by itself.</param>
    public FrameWriter(Stream stream, bool autoFlush = true)
        : this(stream, autoFlush ? FrameFlushing.Background : FrameFlushing.Manual)
    {
    }

    /// <summary>Creates a writer.</summary>
    /// <param name="stream">The stream to write.</param>
    /// <param name="flushing">Who writes appended frames to the stream.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="flushing"/> is not a defined value.</exception>
    public FrameWriter(Stream stream, FrameFlushing flushing)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!Enum.IsDefined(flushing))
            throw new ArgumentOutOfRangeException(nameof(flushing), flushing, "Not a FrameFlushing value.");
        _stream = stream;
        _autoFlush = flushing != FrameFlushing.Manual;
        _inline = flushing == FrameFlushing.Inline;
        _flushLoop = _autoFlush ? Task.Run(FlushLoopAsync) : Task.CompletedTask;
    }

    /// <summary>
    /// Holds back the inline writes of frames this thread appends until the returned scope is disposed, so that a
    /// burst of frames (the replies to a batch of received frames, jobs dispatched under a lock) costs one write per
    /// connection, made after the lock is released. Scopes nest; the outermost one writes. Never await inside one.
    /// </summary>
    /// <remarks>
    /// Writers created with <see cref="FrameFlushing.Background"/> wake their flush loop once, at the end of the scope;
    /// <see cref="FrameFlushing.Manual"/> writers are not affected.
    /// </remarks>
    public static DeferredFlushes DeferFlushes()
    {
        t_deferDepth++;
        return default;
    }

    /// <summary>Ends a <see cref="DeferFlushes"/> scope: the outermost one starts the writes it held back.</summary>
    internal static void EndDeferral()
    {
        if (t_deferDepth == 0 || --t_deferDepth > 0 || t_deferred is not { Count: > 0 } deferred)
            return;
        // A write can run code on this thread that opens a scope of its own (an in-memory stream that delivers to its
        // reader inline): that scope collects into a fresh list, never into the one being walked here.
        t_deferred = null;
        foreach (var writer in deferred)
            writer.FlushDeferred();
        deferred.Clear();
        t_deferred ??= deferred;
    }

    private void FlushDeferred()
    {
        if (_inline)
        {
            WriteNow();
            return;
        }

        // A TryWriteNow inside the scope may have taken the frames already: then there is nothing to wake the loop for.
        lock (_gate)
        {
            if (!_flushRequested)
                return;
        }

        SignalLoop();
    }

    /// <summary>
    /// Writes the pending frames on this thread if no write is under way and they come to at most
    /// <paramref name="maxBytes"/>; otherwise leaves them to the flush loop.
    /// </summary>
    /// <remarks>
    /// For an owner that knows the write cannot block: a worker that has nothing left to run is waiting on its
    /// input pipe with that pipe drained, so a small write goes straight into the pipe's buffer. It saves the
    /// wake-up of the flush loop on the path of a job to an idle worker.
    /// </remarks>
    /// <returns>Whether this thread took the frames.</returns>
    public bool TryWriteNow(int maxBytes)
    {
        lock (_gate)
        {
            if (_pending.WrittenCount == 0 || _pending.WrittenCount > maxBytes || _fault is not null)
                return false;
        }

        return TryStartWrite();
    }

    /// <summary>Total bytes written to the stream.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Total frames appended.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>The error that stopped the writer, if any.</summary>
    public Exception? Fault => _fault;

    /// <summary>Starts a frame. Write the body through the returned builder, then dispose it to commit.</summary>
    /// <remarks>The writer is locked between <see cref="Begin"/> and the builder's disposal: keep that short and never await inside.</remarks>
    /// <exception cref="ObjectDisposedException">The writer was disposed or its stream failed.</exception>
    public FrameBuilder Begin(FrameType type)
    {
        _gate.Enter();
        if (_fault is not null)
        {
            _gate.Exit();
            throw new ObjectDisposedException(nameof(FrameWriter), $"The connection can no longer be written: {_fault.Message}");
        }

        var header = _pending.GetSpan(FrameLimits.HeaderLength);
        header[4] = (byte)type;
        _pending.Advance(FrameLimits.HeaderLength);
        return new FrameBuilder(this, _pending.WrittenCount - FrameLimits.HeaderLength);
    }

    /// <summary>Appends a frame whose body is given whole.</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed or its stream failed.</exception>
    public void Write(FrameType type, ReadOnlySpan<byte> body)
    {
        using var frame = Begin(type);
        frame.Writer.Write(body);
    }

    internal IBufferWriter<byte> PendingBuffer => _pending;

    internal void Commit(int headerOffset)
    {
        var writeNow = false;
        try
        {
            var length = _pending.WrittenCount - headerOffset - 4;
            // The buffer may have been reallocated while the body was written: patch through the written span.
            var written = _pending.WrittenSpan;
            BinaryPrimitives.WriteUInt32LittleEndian(MemoryMarshalSlice(written, headerOffset), (uint)length);
            FramesWritten++;
            if (_autoFlush && !_flushRequested)
            {
                // Whoever fulfils this request takes every frame pending, including those appended until it does.
                _flushRequested = true;
                if (t_deferDepth > 0)
                    (t_deferred ??= []).Add(this);
                else if (_inline)
                    writeNow = true;
                else
                    _signal.Release();
            }
        }
        finally
        {
            _gate.Exit();
        }

        if (writeNow)
            WriteNow();
    }

    /// <summary>
    /// Writes what is pending on this thread if no write is under way: a socket's write completes at once while its
    /// buffer has room, and otherwise the rest continues in the background. When another write is under way, the flush
    /// loop takes these frames once it is done, so frames never overtake one another.
    /// </summary>
    private void WriteNow()
    {
        if (!TryStartWrite())
            SignalLoop();
    }

    /// <summary>Starts writing what is pending on this thread, unless another write is under way.</summary>
    private bool TryStartWrite()
    {
        if (!_flushing.Wait(0))
            return false;
        // Runs synchronously up to the first write that cannot complete at once; faults are recorded, not thrown.
        _ = WriteHeldAsync(rethrow: false);
        return true;
    }

    private void SignalLoop()
    {
        try
        {
            _signal.Release();
        }
        catch (ObjectDisposedException)
        {
            // Disposed: its final flush has taken (or refused) what was pending.
        }
    }

    private static Span<byte> MemoryMarshalSlice(ReadOnlySpan<byte> written, int offset) =>
        System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(written.Slice(offset, 4)), 4);

    /// <summary>Writes everything appended so far, and returns once it has reached the stream.</summary>
    /// <remarks>
    /// The owner calls it when <c>autoFlush</c> is off. With <c>autoFlush</c> on it waits for a write the flush loop
    /// has in progress, so a caller can make sure a last frame (a refusal, a goodbye) went out before closing the stream.
    /// </remarks>
    /// <exception cref="IOException">The stream failed.</exception>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        // One flusher at a time (the loop, or a caller): two concurrent writes could reorder or interleave frames
        // on the stream, and a caller's flush must not return while frames appended before it are still in flight.
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        await WriteHeldAsync(rethrow: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes everything pending. The caller holds <see cref="_flushing"/>; this releases it.</summary>
    private async Task WriteHeldAsync(bool rethrow, CancellationToken cancellationToken = default)
    {
        try
        {
            var buffer = TakePending();
            if (buffer is null)
                return;
            try
            {
                await _stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                BytesWritten += buffer.WrittenCount;
            }
            catch (Exception ex) when (!rethrow || ex is not OperationCanceledException)
            {
                // The owner learns of it from Fault and from its next Begin; the read side sees the connection fail.
                SetFault(ex);
                if (rethrow)
                    throw;
            }
            finally
            {
                ReturnSpare(buffer);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    private ArrayBufferWriter<byte>? TakePending()
    {
        lock (_gate)
        {
            _flushRequested = false;
            if (_pending.WrittenCount == 0)
                return null;
            var full = _pending;
            _pending = _spare ?? new ArrayBufferWriter<byte>(64 * 1024);
            _spare = null!; // one flusher at a time (_flushing): ReturnSpare puts a buffer back before the next take
            return full;
        }
    }

    private void ReturnSpare(ArrayBufferWriter<byte> buffer)
    {
        // Large uploads must not pin a large buffer forever.
        if (buffer.Capacity > 4 * 1024 * 1024)
            buffer = new ArrayBufferWriter<byte>(64 * 1024);
        else
            buffer.ResetWrittenCount();
        lock (_gate)
            _spare = buffer;
    }

    private async Task FlushLoopAsync()
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync(_stopping.Token).ConfigureAwait(false);
                // Not cancelled by disposal: a write under way finishes, or a frame taken for it (a goodbye) would be lost.
                await FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposal: a final flush happens in DisposeAsync.
        }
        catch (Exception ex)
        {
            SetFault(ex);
        }
    }

    private void SetFault(Exception ex)
    {
        lock (_gate)
            _fault ??= ex;
    }

    /// <summary>Writes what is pending (best effort) and stops the flush loop. Does not close the stream. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        // Owners reach disposal from several paths (a stop request and the read loop ending): only the first one acts.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            // A write under way finishes first, but a peer that stopped reading must not hold disposal for ever.
            await _flushLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            SetFault(ex);
        }

        if (_fault is null)
        {
            try
            {
                await FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
            {
                // The peer is gone; nothing left to deliver to.
            }
        }

        SetFault(new ObjectDisposedException(nameof(FrameWriter)));
        _stopping.Dispose();
        _signal.Dispose();
    }
}
