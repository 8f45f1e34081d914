namespace ParallelSharp.Discovery.Dns;

/// <summary>One entry of the question section.</summary>
/// <param name="Name">The name asked about.</param>
/// <param name="Type">The type asked for (<see cref="DnsRecordType.Any"/> for all).</param>
/// <param name="UnicastResponse">The QU bit: the querier asks for a unicast reply (RFC 6762 §5.4).</param>
/// <param name="Class">The class without the QU bit; IN unless a peer sent something else.</param>
internal sealed record DnsQuestion(DnsName Name, DnsRecordType Type, bool UnicastResponse = false, ushort Class = DnsConstants.ClassInternet)
{
    /// <summary>True when <paramref name="record"/> answers this question (name, type or ANY, class IN or ANY).</summary>
    public bool IsAnsweredBy(DnsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (Class == DnsConstants.ClassAny || Class == record.Class)
            && (Type == DnsRecordType.Any || Type == record.Type)
            && Name.Equals(record.Name);
    }
}
