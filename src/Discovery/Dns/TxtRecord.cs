namespace ParallelSharp.Discovery.Dns;

/// <summary>A TXT record: a sequence of character strings, each 0–255 bytes (RFC 1035 §3.3.14, RFC 6763 §6).</summary>
internal sealed class TxtRecord : DnsRecord
{
    private readonly byte[][] _strings;

    /// <summary>Creates the record; an empty list is written as one empty string (RFC 6763 §6.1).</summary>
    /// <exception cref="ArgumentException">A string is longer than 255 bytes.</exception>
    public TxtRecord(DnsName name, IEnumerable<byte[]> strings, uint ttl, bool cacheFlush = false, ushort @class = DnsConstants.ClassInternet)
        : base(name, DnsRecordType.Txt, ttl, cacheFlush, @class)
    {
        ArgumentNullException.ThrowIfNull(strings);
        _strings = [.. strings];
        foreach (var s in _strings)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(strings));
            if (s.Length > 255)
                throw new ArgumentException($"A TXT string is {s.Length} bytes long; the limit is 255.", nameof(strings));
        }
    }

    /// <summary>The character strings as received or given (an empty record may hold no string or one empty one).</summary>
    public IReadOnlyList<byte[]> Strings => _strings;

    /// <inheritdoc />
    public override void WriteData(DnsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_strings.Length == 0)
        {
            writer.WriteByte(0); // RFC 6763 §6.1: an empty TXT record is a single zero byte, never no bytes
            return;
        }

        foreach (var s in _strings)
        {
            writer.WriteByte((byte)s.Length);
            writer.WriteBytes(s);
        }
    }

    /// <inheritdoc />
    protected override void WriteCanonicalData(List<byte> output)
    {
        if (_strings.Length == 0)
        {
            output.Add(0);
            return;
        }

        foreach (var s in _strings)
        {
            output.Add((byte)s.Length);
            output.AddRange(s);
        }
    }

    /// <inheritdoc />
    protected override string DescribeData() =>
        string.Join(' ', _strings.Select(s => "\"" + TxtAttributes.DecodeLenient(s) + "\""));
}
