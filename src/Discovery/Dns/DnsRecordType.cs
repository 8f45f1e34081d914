namespace ParallelSharp.Discovery.Dns;

/// <summary>The DNS resource record types mDNS / DNS-SD uses (RFC 1035, RFC 3596, RFC 2782, RFC 4034).</summary>
internal enum DnsRecordType : ushort
{
    A = 1,
    Ptr = 12,
    Txt = 16,
    Aaaa = 28,
    Srv = 33,
    Nsec = 47,

    /// <summary>Only in questions: every type (QTYPE "*").</summary>
    Any = 255,
}
