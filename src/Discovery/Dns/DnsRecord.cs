namespace ParallelSharp.Discovery.Dns;

/// <summary>A resource record: owner name, type, class, cache-flush bit, TTL and type-specific data.</summary>
/// <remarks>Immutable; <see cref="WithTtl"/> and <see cref="WithCacheFlush"/> return copies.</remarks>
internal abstract class DnsRecord
{
    private byte[]? _canonicalData;

    protected DnsRecord(DnsName name, DnsRecordType type, uint ttl, bool cacheFlush, ushort @class)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Type = type;
        Ttl = ttl;
        CacheFlush = cacheFlush;
        Class = @class;
    }

    /// <summary>The owner name.</summary>
    public DnsName Name { get; }

    /// <summary>The record type.</summary>
    public DnsRecordType Type { get; }

    /// <summary>The class without the cache-flush bit (IN = 1).</summary>
    public ushort Class { get; }

    /// <summary>Seconds the record may be cached; 0 is a goodbye (RFC 6762 §10.1).</summary>
    public uint Ttl { get; private set; }

    /// <summary>The cache-flush bit (RFC 6762 §10.2): set on unique records in multicast responses.</summary>
    public bool CacheFlush { get; private set; }

    /// <summary>The record data in canonical form (names uncompressed, ASCII lowered), for equality and ordering.</summary>
    public ReadOnlySpan<byte> CanonicalData => _canonicalData ??= BuildCanonicalData();

    /// <summary>Writes the record data (the part after RDLENGTH); names may use compression.</summary>
    public abstract void WriteData(DnsWriter writer);

    /// <summary>A copy with another TTL.</summary>
    public DnsRecord WithTtl(uint ttl)
    {
        var copy = (DnsRecord)MemberwiseClone();
        copy.Ttl = ttl;
        return copy;
    }

    /// <summary>A copy with the cache-flush bit set or cleared.</summary>
    public DnsRecord WithCacheFlush(bool cacheFlush)
    {
        if (cacheFlush == CacheFlush)
            return this;
        var copy = (DnsRecord)MemberwiseClone();
        copy.CacheFlush = cacheFlush;
        return copy;
    }

    /// <summary>True when name, type, class and data are the same (TTL and cache-flush bit are ignored).</summary>
    public bool HasSameIdentity(DnsRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Type == other.Type && Class == other.Class && Name.Equals(other.Name)
            && CanonicalData.SequenceEqual(other.CanonicalData);
    }

    /// <summary>Orders records as RFC 6762 §8.2 does for the probe tie-break: class, then type, then data bytes.</summary>
    public static int CompareForTieBreak(DnsRecord a, DnsRecord b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var byClass = a.Class.CompareTo(b.Class);
        if (byClass != 0)
            return byClass;
        var byType = ((ushort)a.Type).CompareTo((ushort)b.Type);
        return byType != 0 ? byType : a.CanonicalData.SequenceCompareTo(b.CanonicalData);
    }

    /// <summary>Appends the canonical data to <paramref name="output"/>.</summary>
    protected abstract void WriteCanonicalData(List<byte> output);

    /// <summary>A short description of the data for logs and test messages.</summary>
    protected abstract string DescribeData();

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} {Type} ttl={Ttl}{(CacheFlush ? " flush" : "")} {DescribeData()}";

    private byte[] BuildCanonicalData()
    {
        var bytes = new List<byte>();
        WriteCanonicalData(bytes);
        return [.. bytes];
    }
}
