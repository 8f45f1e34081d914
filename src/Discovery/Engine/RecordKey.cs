using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Engine;

/// <summary>Identity of a record for caches and rate limits: name, type, class and data; TTL and cache-flush bit ignored.</summary>
internal readonly struct RecordKey : IEquatable<RecordKey>
{
    private readonly int _hash;

    public RecordKey(DnsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Record = record;
        var hash = new HashCode();
        hash.Add(record.Name);
        hash.Add(record.Type);
        hash.Add(record.Class);
        hash.AddBytes(record.CanonicalData);
        _hash = hash.ToHashCode();
    }

    /// <summary>The record this key was made from (any TTL).</summary>
    public DnsRecord Record { get; }

    public bool Equals(RecordKey other) => _hash == other._hash && Record.HasSameIdentity(other.Record);

    public override bool Equals(object? obj) => obj is RecordKey other && Equals(other);

    public override int GetHashCode() => _hash;

    public static bool operator ==(RecordKey left, RecordKey right) => left.Equals(right);

    public static bool operator !=(RecordKey left, RecordKey right) => !left.Equals(right);
}
