using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace ParallelSharp.Discovery.Dns;

/// <summary>
/// Reads DNS messages from untrusted bytes. Every read is bounds-checked; compression pointers must point strictly
/// backwards (before the label sequence that holds them), into the message body, at most
/// <see cref="DnsConstants.MaxPointerJumps"/> times per name; label types 0x40 and 0x80 are rejected; names are at most
/// 255 bytes; section counts must fit in the remaining bytes. Any violation throws <see cref="DnsMessageFormatException"/>.
/// </summary>
internal ref struct DnsReader
{
    private const int MinQuestionLength = 5;   // root name + type + class
    private const int MinRecordLength = 11;    // root name + type + class + ttl + rdlength

    // RFC 6762 §16: names are UTF-8. Strict decoding makes every decoded name re-encode to the very same bytes,
    // so a record read from the network can be written back (known answers) without changing its identity.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    private DnsReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Decodes a whole message.</summary>
    /// <exception cref="DnsMessageFormatException">The message is malformed.</exception>
    public static DnsMessage ReadMessage(ReadOnlySpan<byte> data)
    {
        if (data.Length > DnsConstants.MaxMessageLength)
            throw new DnsMessageFormatException($"the message is {data.Length} bytes, more than the {DnsConstants.MaxMessageLength} mDNS allows", 0);
        var reader = new DnsReader(data);
        var id = reader.ReadUInt16();
        var flags = reader.ReadUInt16();
        int questionCount = reader.ReadUInt16();
        int answerCount = reader.ReadUInt16();
        int authorityCount = reader.ReadUInt16();
        int additionalCount = reader.ReadUInt16();
        var remaining = data.Length - reader._position;
        var minimum = (long)questionCount * MinQuestionLength + (long)(answerCount + authorityCount + additionalCount) * MinRecordLength;
        if (minimum > remaining)
            throw new DnsMessageFormatException(
                $"the header announces {questionCount}/{answerCount}/{authorityCount}/{additionalCount} entries, which need at least {minimum} bytes, but only {remaining} follow", 4);

        var message = new DnsMessage { Id = id, Flags = flags };
        for (var i = 0; i < questionCount; i++)
            message.Questions.Add(reader.ReadQuestion());
        reader.ReadRecords(answerCount, message.Answers);
        reader.ReadRecords(authorityCount, message.Authorities);
        reader.ReadRecords(additionalCount, message.Additionals);
        // Trailing bytes after the last record are tolerated (some stacks pad); they are not interpreted.
        return message;
    }

    private DnsQuestion ReadQuestion()
    {
        var name = ReadName();
        var type = ReadUInt16();
        var rawClass = ReadUInt16();
        return new DnsQuestion(name, (DnsRecordType)type, (rawClass & DnsConstants.ClassTopBit) != 0, (ushort)(rawClass & 0x7FFF));
    }

    private void ReadRecords(int count, List<DnsRecord> into)
    {
        for (var i = 0; i < count; i++)
        {
            var record = ReadRecord();
            if (record is not null)
                into.Add(record);
        }
    }

    private DnsRecord? ReadRecord()
    {
        var name = ReadName();
        var type = (DnsRecordType)ReadUInt16();
        var rawClass = ReadUInt16();
        var rawTtl = ReadUInt32();
        int dataLength = ReadUInt16();
        var dataStart = _position;
        var dataEnd = dataStart + dataLength;
        if (dataEnd > _data.Length)
            throw new DnsMessageFormatException($"the data of record {name} {type} needs {dataLength} bytes but only {_data.Length - dataStart} remain", dataStart);
        var flush = (rawClass & DnsConstants.ClassTopBit) != 0;
        var @class = (ushort)(rawClass & 0x7FFF);
        // RFC 2181 §8: a TTL with the top bit set is treated as zero.
        var ttl = rawTtl > int.MaxValue ? 0u : rawTtl;

        DnsRecord? record;
        switch (type)
        {
            case DnsRecordType.A:
            case DnsRecordType.Aaaa:
                var expected = type == DnsRecordType.A ? 4 : 16;
                if (dataLength != expected)
                    throw new DnsMessageFormatException($"an {type} record must have {expected} data bytes, not {dataLength}", dataStart);
                record = new AddressRecord(name, new IPAddress(_data.Slice(dataStart, dataLength)), ttl, flush, @class);
                _position = dataEnd;
                break;
            case DnsRecordType.Ptr:
                record = new PtrRecord(name, ReadName(), ttl, flush, @class);
                break;
            case DnsRecordType.Srv:
                var priority = ReadUInt16();
                var weight = ReadUInt16();
                var port = ReadUInt16();
                record = new SrvRecord(name, priority, weight, port, ReadName(), ttl, flush, @class);
                break;
            case DnsRecordType.Txt:
                record = new TxtRecord(name, ReadTxtStrings(dataEnd), ttl, flush, @class);
                break;
            case DnsRecordType.Nsec:
                var next = ReadName();
                if (_position > dataEnd)
                    throw new DnsMessageFormatException($"the next-name of NSEC record {name} runs past its data", dataStart);
                var types = ReadTypeBitmap(dataEnd);
                if (types is null)
                {
                    _position = dataEnd; // a bad bitmap costs only this record
                    return null;
                }

                record = new NsecRecord(name, next, types, ttl, flush, @class);
                break;
            default:
                // Unknown types (HINFO, OPT, ...) are skipped as opaque data.
                _position = dataEnd;
                return null;
        }

        if (_position != dataEnd)
            throw new DnsMessageFormatException($"the data of record {name} {type} has length {dataLength} but its content ended after {_position - dataStart} bytes", dataStart);
        return record;
    }

    private List<byte[]> ReadTxtStrings(int end)
    {
        var strings = new List<byte[]>();
        while (_position < end)
        {
            int length = _data[_position++];
            if (_position + length > end)
                throw new DnsMessageFormatException($"a TXT string of {length} bytes runs past the end of its record", _position - 1);
            strings.Add(_data.Slice(_position, length).ToArray());
            _position += length;
        }

        return strings;
    }

    /// <summary>
    /// Reads an NSEC type bitmap (RFC 4034 §4.1.2), leniently: python-zeroconf 0.47 writes an empty window before the
    /// real one, so empty and repeated windows are accepted. Returns null (the record is then skipped, the message
    /// kept) when a window is out of order or runs past the record; nothing is read beyond <paramref name="end"/>.
    /// </summary>
    private List<ushort>? ReadTypeBitmap(int end)
    {
        var types = new List<ushort>();
        var lastWindow = -1;
        while (_position < end)
        {
            if (_position + 2 > end)
                return null;
            int window = _data[_position];
            int length = _data[_position + 1];
            if (window < lastWindow || length > 32 || _position + 2 + length > end)
                return null;
            lastWindow = window;
            for (var i = 0; i < length; i++)
            {
                var bits = _data[_position + 2 + i];
                for (var bit = 0; bit < 8; bit++)
                {
                    if ((bits & (0x80 >> bit)) != 0)
                        types.Add((ushort)((window << 8) | (i << 3) | bit));
                }
            }

            _position += 2 + length;
        }

        return types;
    }

    /// <summary>Reads a possibly compressed name and leaves the position after its inline part.</summary>
    private DnsName ReadName()
    {
        var labels = new List<string>();
        var cursor = _position;
        var segmentStart = cursor;  // pointers must land before this: strictly decreasing, so no loops
        var resumeAt = -1;
        var wireLength = 1;
        var jumps = 0;
        while (true)
        {
            if (cursor >= _data.Length)
                throw new DnsMessageFormatException("a name runs past the end of the message", cursor);
            int lengthByte = _data[cursor];
            switch (lengthByte & 0xC0)
            {
                case 0x00:
                    if (lengthByte == 0)
                    {
                        _position = resumeAt >= 0 ? resumeAt : cursor + 1;
                        return DnsName.FromTrustedLabels(labels);
                    }

                    if (cursor + 1 + lengthByte > _data.Length)
                        throw new DnsMessageFormatException($"a label of {lengthByte} bytes runs past the end of the message", cursor);
                    wireLength += 1 + lengthByte;
                    if (wireLength > DnsConstants.MaxNameLength)
                        throw new DnsMessageFormatException($"a name is longer than {DnsConstants.MaxNameLength} bytes", cursor);
                    try
                    {
                        labels.Add(s_strictUtf8.GetString(_data.Slice(cursor + 1, lengthByte)));
                    }
                    catch (DecoderFallbackException)
                    {
                        throw new DnsMessageFormatException("a label is not valid UTF-8 (RFC 6762 §16)", cursor);
                    }

                    cursor += 1 + lengthByte;
                    break;
                case 0xC0:
                    if (cursor + 1 >= _data.Length)
                        throw new DnsMessageFormatException("a compression pointer is cut off", cursor);
                    var target = ((lengthByte & 0x3F) << 8) | _data[cursor + 1];
                    if (target >= segmentStart)
                        throw new DnsMessageFormatException($"a compression pointer to {target} does not point backwards", cursor);
                    if (target < DnsConstants.HeaderLength)
                        throw new DnsMessageFormatException($"a compression pointer to {target} points into the header", cursor);
                    if (++jumps > DnsConstants.MaxPointerJumps)
                        throw new DnsMessageFormatException($"a name follows more than {DnsConstants.MaxPointerJumps} compression pointers", cursor);
                    if (resumeAt < 0)
                        resumeAt = cursor + 2;
                    cursor = target;
                    segmentStart = target;
                    break;
                default:
                    throw new DnsMessageFormatException($"label type 0x{lengthByte & 0xC0:X2} (extended or obsolete binary label) is not supported", cursor);
            }
        }
    }

    private ushort ReadUInt16()
    {
        if (_position + 2 > _data.Length)
            throw new DnsMessageFormatException("the message ends inside a 16-bit field", _position);
        var value = BinaryPrimitives.ReadUInt16BigEndian(_data.Slice(_position, 2));
        _position += 2;
        return value;
    }

    private uint ReadUInt32()
    {
        if (_position + 4 > _data.Length)
            throw new DnsMessageFormatException("the message ends inside a 32-bit field", _position);
        var value = BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(_position, 4));
        _position += 4;
        return value;
    }
}
