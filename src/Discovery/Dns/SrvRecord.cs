namespace ParallelSharp.Discovery.Dns;

/// <summary>An SRV record: instance name → priority, weight, port and target host (RFC 2782, RFC 6763 §5).</summary>
internal sealed class SrvRecord : DnsRecord
{
    public SrvRecord(DnsName name, ushort priority, ushort weight, ushort port, DnsName target, uint ttl, bool cacheFlush = false, ushort @class = DnsConstants.ClassInternet)
        : base(name, DnsRecordType.Srv, ttl, cacheFlush, @class)
    {
        ArgumentNullException.ThrowIfNull(target);
        Priority = priority;
        Weight = weight;
        Port = port;
        Target = target;
    }

    /// <summary>Priority (lower first).</summary>
    public ushort Priority { get; }

    /// <summary>Weight among equal priorities.</summary>
    public ushort Weight { get; }

    /// <summary>TCP or UDP port of the service.</summary>
    public ushort Port { get; }

    /// <summary>The host name that carries the A/AAAA records.</summary>
    public DnsName Target { get; }

    /// <inheritdoc />
    public override void WriteData(DnsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt16(Priority);
        writer.WriteUInt16(Weight);
        writer.WriteUInt16(Port);
        writer.WriteName(Target); // RFC 6762 §18.14: compression is allowed in SRV rdata
    }

    /// <inheritdoc />
    protected override void WriteCanonicalData(List<byte> output)
    {
        output.Add((byte)(Priority >> 8));
        output.Add((byte)Priority);
        output.Add((byte)(Weight >> 8));
        output.Add((byte)Weight);
        output.Add((byte)(Port >> 8));
        output.Add((byte)Port);
        Target.WriteCanonical(output);
    }

    /// <inheritdoc />
    protected override string DescribeData() => $"{Priority} {Weight} {Port} {Target}";
}
