using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Engine;

/// <summary>
/// Passive Observation Of Failures (RFC 6762 §10.5): a cached record that queries on its link keep asking for, and
/// that nobody answers, is flushed early instead of living out its TTL (120 s for SRV and addresses, 75 min for PTR).
/// </summary>
/// <remarks>
/// Only queries a responder would have to answer with the record by multicast count: QM questions (a QU question may
/// be answered by unicast, which we would not see) from port 5353 (a one-shot querier on another port is answered by
/// unicast), in a query that does not list the record as a known answer (its owner stays silent then, §7.1) and is not
/// truncated (its known answers continue in the next packet, §7.2), on the interface the record was learned on, and
/// not within a second of the record's last multicast (its owner must not repeat it that soon, §6). The queries may be
/// anyone's, ours included: our own refresh queries come back by multicast loopback. The browser never sends queries
/// of its own to confirm (§10.5: it SHOULD NOT). The job server does not depend on this for liveness — a node's TCP
/// connection and heartbeats do that — but without it a node that died without a goodbye stays listed by every
/// browser on the link for up to its records' TTLs.
/// </remarks>
internal sealed partial class BrowserEngine
{
    /// <summary>Unanswered queries within <see cref="PoofWindow"/> after which a record is flushed.</summary>
    public const int PoofQueries = 2;

    /// <summary>How long after the first unanswered query the record is flushed, if still unanswered (§10.5).</summary>
    public static readonly TimeSpan PoofWindow = TimeSpan.FromSeconds(10);

    /// <summary>The owner of a record must not multicast it again within a second (§6): queries in that second do not count.</summary>
    private static readonly TimeSpan s_poofQuietAfterAnswer = TimeSpan.FromSeconds(1);

    /// <summary>Counts the questions of a query that a cached record should have been multicast in answer to.</summary>
    private void ObserveQuery(DnsMessage query, MdnsPacket packet)
    {
        if (query.IsTruncated || packet.Source.Port != IMdnsTransport.MdnsPort)
            return;
        var now = _scheduler.Now;
        // §10.5 counts queries, not questions: a query asking for the same record twice (SRV and ANY, say) counts once.
        var expected = new HashSet<CacheEntry>();
        foreach (var question in query.Questions)
        {
            if (question.UnicastResponse)
                continue;
            foreach (var entry in _cache.Values)
            {
                if (entry.InterfaceIndex == packet.InterfaceIndex && question.IsAnsweredBy(entry.Record) && entry.Record.Ttl > 0
                    && now - entry.ReceivedAt >= s_poofQuietAfterAnswer && !query.Answers.Exists(known => known.HasSameIdentity(entry.Record)))
                    expected.Add(entry);
            }
        }

        foreach (var entry in expected)
            CountUnansweredQuery(entry, now);
    }

    private void CountUnansweredQuery(CacheEntry entry, DateTimeOffset now)
    {
        if (entry.FirstUnansweredQuery is not { } first || now - first >= PoofWindow)
        {
            entry.FirstUnansweredQuery = now;
            entry.UnansweredQueries = 1;
            return;
        }

        if (++entry.UnansweredQueries != PoofQueries)
            return;
        var key = new RecordKey(entry.Record);
        entry.Timers.Add(_scheduler.Schedule(first + PoofWindow - now, () =>
        {
            // A response since the first query reset the count (Store) and cancelled this timer; check anyway.
            if (_cache.TryGetValue(key, out var current) && ReferenceEquals(current, entry) && entry.UnansweredQueries >= PoofQueries)
            {
                Log.RecordFlushedUnanswered(_logger, entry.Record.Name.ToString(), entry.Record.Type.ToString(), entry.UnansweredQueries);
                Expire(key, entry);
            }
        }));
    }
}
