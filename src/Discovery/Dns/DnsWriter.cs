using System.Buffers.Binary;

namespace ParallelSharp.Discovery.Dns;

/// <summary>Writes a DNS message, compressing names against what was written before (RFC 1035 §4.1.4).</summary>
internal sealed class DnsWriter
{
    private readonly Dictionary<string, int> _suffixOffsets = new(StringComparer.Ordinal);
    private byte[] _buffer = new byte[512];

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    /// <summary>Whether <see cref="WriteName"/> uses compression pointers.</summary>
    public bool Compress { get; init; } = true;

    /// <summary>The message bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <summary>A copy of the message bytes.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[Length++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(Length), value);
        Length += 2;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(Length), value);
        Length += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Overwrites a 16-bit value written earlier (RDLENGTH, section counts).</summary>
    public void PatchUInt16(int offset, ushort value) =>
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset, 2), value);

    /// <summary>Writes a name; the longest suffix written before becomes a pointer. Suffixes written here are remembered.</summary>
    public void WriteName(DnsName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < name.Labels.Count; i++)
        {
            var key = Compress ? name.SuffixKey(i) : null;
            if (key is not null && _suffixOffsets.TryGetValue(key, out var offset))
            {
                WriteUInt16((ushort)(0xC000 | offset));
                return;
            }

            // Only offsets a 14-bit pointer can reach are worth remembering.
            if (key is not null && Length <= DnsConstants.MaxPointerOffset)
                _suffixOffsets[key] = Length;
            var label = name.GetLabelBytes(i);
            if (label.Length is 0 or > DnsConstants.MaxLabelLength)
                throw new InvalidOperationException($"The label '{name.Labels[i]}' is {label.Length} bytes; a DNS label has 1 to {DnsConstants.MaxLabelLength}.");
            WriteByte((byte)label.Length);
            WriteBytes(label);
        }

        WriteByte(0);
    }

    /// <summary>Writes a question.</summary>
    public void WriteQuestion(DnsQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        WriteName(question.Name);
        WriteUInt16((ushort)question.Type);
        WriteUInt16((ushort)(question.Class | (question.UnicastResponse ? DnsConstants.ClassTopBit : 0)));
    }

    /// <summary>Writes a resource record; RDLENGTH is patched after the data.</summary>
    public void WriteRecord(DnsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        WriteName(record.Name);
        WriteUInt16((ushort)record.Type);
        WriteUInt16((ushort)(record.Class | (record.CacheFlush ? DnsConstants.ClassTopBit : 0)));
        WriteUInt32(record.Ttl);
        var lengthOffset = Length;
        WriteUInt16(0);
        record.WriteData(this);
        var dataLength = Length - lengthOffset - 2;
        if (dataLength > ushort.MaxValue)
            throw new InvalidOperationException($"The data of record {record.Name} {record.Type} is {dataLength} bytes; the limit is {ushort.MaxValue}.");
        PatchUInt16(lengthOffset, (ushort)dataLength);
    }

    private void Ensure(int more)
    {
        if (Length + more <= _buffer.Length)
            return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
    }
}
