namespace ParallelSharp.Discovery.Dns;

/// <summary>An NSEC record as mDNS uses it: "these are all the types that exist for this name" (RFC 6762 §6.1).</summary>
internal sealed class NsecRecord : DnsRecord
{
    private readonly ushort[] _types;

    public NsecRecord(DnsName name, DnsName nextName, IEnumerable<ushort> types, uint ttl, bool cacheFlush = false, ushort @class = DnsConstants.ClassInternet)
        : base(name, DnsRecordType.Nsec, ttl, cacheFlush, @class)
    {
        ArgumentNullException.ThrowIfNull(nextName);
        ArgumentNullException.ThrowIfNull(types);
        NextName = nextName;
        _types = [.. types.Distinct().Order()];
    }

    /// <summary>The "next domain name"; in mDNS the owner name itself.</summary>
    public DnsName NextName { get; }

    /// <summary>The types that exist, ascending.</summary>
    public IReadOnlyList<ushort> Types => _types;

    /// <summary>True when the bitmap lists <paramref name="type"/>.</summary>
    public bool HasType(DnsRecordType type) => Array.BinarySearch(_types, (ushort)type) >= 0;

    /// <inheritdoc />
    public override void WriteData(DnsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteName(NextName); // RFC 6762 §18.14 allows compression here
        var bitmap = new List<byte>();
        WriteBitmap(bitmap);
        writer.WriteBytes([.. bitmap]);
    }

    /// <inheritdoc />
    protected override void WriteCanonicalData(List<byte> output)
    {
        NextName.WriteCanonical(output);
        WriteBitmap(output);
    }

    /// <inheritdoc />
    protected override string DescribeData() =>
        $"{NextName} [{string.Join(' ', _types.Select(t => Enum.IsDefined((DnsRecordType)t) ? ((DnsRecordType)t).ToString() : t.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";

    // RFC 4034 §4.1.2: per window of 256 types, <window><length 1..32><bitmap>, windows ascending.
    private void WriteBitmap(List<byte> output)
    {
        foreach (var window in _types.GroupBy(t => t >> 8).OrderBy(g => g.Key))
        {
            var bits = new byte[32];
            var used = 0;
            foreach (var type in window)
            {
                var low = type & 0xFF;
                bits[low >> 3] |= (byte)(0x80 >> (low & 7));
                used = Math.Max(used, (low >> 3) + 1);
            }

            output.Add((byte)window.Key);
            output.Add((byte)used);
            output.AddRange(bits.AsSpan(0, used).ToArray());
        }
    }
}
