namespace ParallelSharp.Discovery.Dns;

/// <summary>A PTR record: in DNS-SD, service type → instance name (RFC 6763 §4.1).</summary>
internal sealed class PtrRecord : DnsRecord
{
    public PtrRecord(DnsName name, DnsName target, uint ttl, bool cacheFlush = false, ushort @class = DnsConstants.ClassInternet)
        : base(name, DnsRecordType.Ptr, ttl, cacheFlush, @class)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
    }

    /// <summary>The name pointed to.</summary>
    public DnsName Target { get; }

    /// <inheritdoc />
    public override void WriteData(DnsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteName(Target); // RFC 6762 §18.14: compression is allowed in PTR rdata
    }

    /// <inheritdoc />
    protected override void WriteCanonicalData(List<byte> output) => Target.WriteCanonical(output);

    /// <inheritdoc />
    protected override string DescribeData() => Target.ToString();
}
