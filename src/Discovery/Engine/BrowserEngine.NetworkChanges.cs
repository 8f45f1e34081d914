namespace ParallelSharp.Discovery.Engine;

/// <summary>Following network changes: query again on a changed network, let records of vanished interfaces expire.</summary>
internal sealed partial class BrowserEngine
{
    /// <summary>
    /// RFC 6762 §10.3 suggests a few seconds rather than an immediate flush: long enough for a service that is also
    /// reachable on another interface to answer the new queries, short enough that a lost link is noticed quickly.
    /// </summary>
    public static readonly TimeSpan GraceAfterInterfaceLoss = TimeSpan.FromSeconds(5);

    /// <summary>Runs (under the lock) once a burst of network change signals has settled.</summary>
    private void OnNetworkChanged()
    {
        if (_stopped || !_started)
            return;
        var changes = _transport.Rescan();
        if (changes.IsEmpty)
            return;

        var now = _scheduler.Now;
        var lost = changes.Removed.Select(i => i.Index).ToHashSet();
        foreach (var entry in _cache.Values.Where(e => lost.Contains(e.InterfaceIndex)).ToList())
            ExpireSoon(entry, now, GraceAfterInterfaceLoss);

        // §8 (a link change means the network may be a different one) and §5.2: the continuous query series starts
        // over, so services on a new link or address are found within seconds, not after the back-off.
        Log.QueriesRestarted(_logger, _serviceType);
        _lastAsked.Clear();
        ScheduleFirstQuery();
    }
}
