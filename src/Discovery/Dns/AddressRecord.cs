using System.Net;
using System.Net.Sockets;

namespace ParallelSharp.Discovery.Dns;

/// <summary>An A (IPv4) or AAAA (IPv6) record, chosen by the address family.</summary>
internal sealed class AddressRecord : DnsRecord
{
    public AddressRecord(DnsName name, IPAddress address, uint ttl, bool cacheFlush = false, ushort @class = DnsConstants.ClassInternet)
        : base(name, TypeOf(address), ttl, cacheFlush, @class)
    {
        Address = address;
    }

    /// <summary>The address (without scope id: a record carries none).</summary>
    public IPAddress Address { get; }

    /// <inheritdoc />
    public override void WriteData(DnsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBytes(Address.GetAddressBytes());
    }

    /// <inheritdoc />
    protected override void WriteCanonicalData(List<byte> output) => output.AddRange(Address.GetAddressBytes());

    /// <inheritdoc />
    protected override string DescribeData() => Address.ToString();

    private static DnsRecordType TypeOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => DnsRecordType.A,
            AddressFamily.InterNetworkV6 => DnsRecordType.Aaaa,
            _ => throw new ArgumentException($"Address {address} is neither IPv4 nor IPv6.", nameof(address)),
        };
    }
}
