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

    /// <summary>Expiry and refresh-query timers; cancelled whenever the entry is refreshed or removed.</summary>
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
