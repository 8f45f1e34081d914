using System.Net;
using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Engine;

/// <summary>A multicast response waiting out its aggregation delay (RFC 6762 §6, §7.2).</summary>
internal sealed class PendingResponse(int interfaceIndex, List<DnsRecord> answers, List<DnsRecord> additionals)
{
    public int InterfaceIndex { get; } = interfaceIndex;

    public List<DnsRecord> Answers { get; } = answers;

    public List<DnsRecord> Additionals { get; } = additionals;

    /// <summary>The querier whose truncated (TC) query this answers; its follow-up known answers suppress ours.</summary>
    public IPEndPoint? TruncatedSource { get; set; }

    public ScheduledAction? Timer { get; set; }

    public void Merge(IEnumerable<DnsRecord> answers, IEnumerable<DnsRecord> additionals)
    {
        foreach (var record in answers)
        {
            if (!Answers.Exists(r => r.HasSameIdentity(record)))
                Answers.Add(record);
        }

        foreach (var record in additionals)
        {
            if (!Additionals.Exists(r => r.HasSameIdentity(record)) && !Answers.Exists(r => r.HasSameIdentity(record)))
                Additionals.Add(record);
        }

        Additionals.RemoveAll(a => Answers.Exists(r => r.HasSameIdentity(a)));
    }

    /// <summary>Drops answers the querier listed as known with at least half their TTL left (§7.1).</summary>
    public void Suppress(IEnumerable<DnsRecord> knownAnswers)
    {
        foreach (var known in knownAnswers)
        {
            Answers.RemoveAll(a => a.HasSameIdentity(known) && known.Ttl >= a.Ttl / 2);
            Additionals.RemoveAll(a => a.HasSameIdentity(known) && known.Ttl >= a.Ttl / 2);
        }
    }
}
