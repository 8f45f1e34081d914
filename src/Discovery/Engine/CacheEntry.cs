using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Engine;

/// <summary>A cached record with its timing (RFC 6762 §5.2, §10).</summary>
internal sealed class CacheEntry(DnsRecord record, DateTimeOffset receivedAt, int interfaceIndex)
{
    /// <summary>The record as last received (its TTL is the original TTL).</summary>
    public DnsRecord Record { get; set; } = record;

    public DateTimeOffset ReceivedAt { get; set; } = receivedAt;

    public DateTimeOffset ExpiresAt { get; set; } = receivedAt + TimeSpan.FromSeconds(record.Ttl);

    public int InterfaceIndex { get; set; } = interfaceIndex;

    /// <summary>Whether its owner sent a goodbye for it (TTL 0, RFC 6762 §10.1): it lives on for a second only.</summary>
    public bool SaidGoodbye { get; set; }

    /// <summary>When the first of the queries counted in <see cref="UnansweredQueries"/> was seen (RFC 6762 §10.5); null for none.</summary>
    public DateTimeOffset? FirstUnansweredQuery { get; set; }

    /// <summary>Queries seen since <see cref="FirstUnansweredQuery"/> that should have had this record as an answer and did not.</summary>
    public int UnansweredQueries { get; set; }

    /// <summary>Expiry, refresh-query and flush timers; cancelled whenever the entry is refreshed or removed.</summary>
    public List<ScheduledAction> Timers { get; } = [];

    /// <summary>Seconds of TTL left at <paramref name="now"/>.</summary>
    public double RemainingSeconds(DateTimeOffset now) => Math.Max(0, (ExpiresAt - now).TotalSeconds);

    public void CancelTimers()
    {
        foreach (var timer in Timers)
            timer.Cancel();
        Timers.Clear();
    }
}
