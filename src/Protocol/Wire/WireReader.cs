using System.Buffers.Binary;
using System.Text;

namespace ParallelSharp.Protocol.Wire;

/// <summary>Reads what <see cref="WireWriter"/> writes, checking every length against what is left.</summary>
public ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Creates a reader over a frame body.</summary>
    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Reads one byte.</summary>
    /// <exception cref="ProtocolException">The body is too short.</exception>
    public byte ReadByte() => Take(1)[0];

    /// <summary>Reads a 16-bit unsigned integer.</summary>
    /// <exception cref="ProtocolException">The body is too short.</exception>
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    /// <summary>Reads a 32-bit signed integer.</summary>
    /// <exception cref="ProtocolException">The body is too short.</exception>
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    /// <summary>Reads a 32-bit unsigned integer.</summary>
    /// <exception cref="ProtocolException">The body is too short.</exception>
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>Reads a 64-bit signed integer.</summary>
    /// <exception cref="ProtocolException">The body is too short.</exception>
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>Reads a length-prefixed UTF-8 string.</summary>
    /// <exception cref="ProtocolException">The body is too short or the text is not UTF-8.</exception>
    public string ReadString()
    {
        var bytes = ReadBlock();
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ProtocolException("A string field is not valid UTF-8.", ex);
        }
    }

    /// <summary>Reads a length-prefixed byte block.</summary>
    /// <exception cref="ProtocolException">The body is too short.</exception>
    public ReadOnlySpan<byte> ReadBlock()
    {
        var length = ReadUInt32();
        if (length > (uint)Remaining)
            throw new ProtocolException($"A field claims {length} bytes but only {Remaining} remain in the frame.");
        return Take((int)length);
    }

    /// <summary>Reads the rest of the body.</summary>
    public ReadOnlySpan<byte> ReadRest() => Take(Remaining);

    /// <summary>Checks that the whole body was read.</summary>
    /// <exception cref="ProtocolException">Bytes are left over.</exception>
    public readonly void EnsureEnd(string what)
    {
        if (Remaining != 0)
            throw new ProtocolException($"The {what} frame has {Remaining} unexpected trailing byte(s).");
    }

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
            throw new ProtocolException($"The frame is truncated: needed {count} more byte(s), {Remaining} left.");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
