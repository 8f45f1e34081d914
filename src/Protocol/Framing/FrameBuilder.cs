using System.Buffers;

namespace ParallelSharp.Protocol.Framing;

/// <summary>A frame being written: write its body through <see cref="Writer"/>, then dispose to commit it.</summary>
public readonly ref struct FrameBuilder
{
    private readonly FrameWriter _owner;
    private readonly int _headerOffset;

    internal FrameBuilder(FrameWriter owner, int headerOffset)
    {
        _owner = owner;
        _headerOffset = headerOffset;
    }

    /// <summary>Where the body goes.</summary>
    public IBufferWriter<byte> Writer => _owner.PendingBuffer;

    /// <summary>Commits the frame and releases the writer.</summary>
    public void Dispose() => _owner.Commit(_headerOffset);
}
