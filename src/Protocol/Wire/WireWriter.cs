using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ParallelSharp.Protocol.Wire;

/// <summary>Writes the protocol's primitive types: little-endian integers, length-prefixed UTF-8 strings and byte blocks.</summary>
/// <remarks>The byte order is fixed (little-endian) whatever the machine, so nodes of any OS and CPU interoperate.</remarks>
public readonly ref struct WireWriter
{
    private readonly IBufferWriter<byte> _output;

    /// <summary>Creates a writer over a buffer.</summary>
    public WireWriter(IBufferWriter<byte> output) => _output = output;

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    /// <summary>Writes a 16-bit unsigned integer.</summary>
    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    /// <summary>Writes a 32-bit signed integer.</summary>
    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    /// <summary>Writes a 32-bit unsigned integer.</summary>
    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    /// <summary>Writes a 64-bit signed integer.</summary>
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    /// <summary>Writes a UTF-8 string prefixed by its byte length (uint32).</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)length);
        var span = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(length);
    }

    /// <summary>Writes a byte block prefixed by its length (uint32).</summary>
    public void WriteBlock(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes bytes with no prefix (the last field of a frame, whose length the frame gives).</summary>
    public void WriteRaw(ReadOnlySpan<byte> value) => _output.Write(value);
}
