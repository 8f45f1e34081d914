using System.Net;
using System.Net.Sockets;
using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Engine;

/// <summary>Resolution: cached PTR → SRV + TXT → A/AAAA into services, queries for missing pieces, change events.</summary>
internal sealed partial class BrowserEngine
{
    private readonly Lock _dispatchGate = new();

    /// <summary>Recomputes every service from the cache, queues changes and asks for missing records.</summary>
    private void Evaluate()
    {
        var now = _scheduler.Now;
        var instances = _cache.Values
            .Select(e => e.Record)
            .OfType<PtrRecord>()
            .Where(p => p.Name.Equals(_typeName))
            .Select(p => p.Target)
            .Distinct()
            .ToList();
        var missing = new List<DnsQuestion>();

        foreach (var instance in instances)
        {
            var srv = _cache.Values
                .Where(e => e.Record is SrvRecord && e.Record.Name.Equals(instance))
                .OrderBy(e => ((SrvRecord)e.Record).Priority)
                .ThenByDescending(e => e.ReceivedAt)
                .Select(e => (SrvRecord)e.Record)
                .FirstOrDefault();
            // After a cache-flush the old TXT lingers for 1 s: the newest one is the truth.
            var txt = _cache.Values
                .Where(e => e.Record is TxtRecord && e.Record.Name.Equals(instance))
                .OrderByDescending(e => e.ReceivedAt)
                .Select(e => (TxtRecord)e.Record)
                .FirstOrDefault();
            var addresses = srv is null ? [] : AddressesOf(srv.Target);

            if (srv is null)
                missing.Add(new DnsQuestion(instance, DnsRecordType.Srv));
            if (txt is null)
                missing.Add(new DnsQuestion(instance, DnsRecordType.Txt));
            if (srv is not null && addresses.Count == 0)
            {
                missing.Add(new DnsQuestion(srv.Target, DnsRecordType.A));
                if (_transport.Interfaces.Any(i => i.Ipv6Addresses.Count > 0))
                    missing.Add(new DnsQuestion(srv.Target, DnsRecordType.Aaaa));
            }

            DiscoveredService? current = null;
            if (srv is not null && txt is not null && addresses.Count > 0)
            {
                current = new DiscoveredService(
                    instance.Labels[0], _serviceType, srv.Target.ToString(), srv.Port, addresses, TxtAttributes.Parse(txt.Strings));
            }

            Report(instance, current, _goodbyes.Contains(instance) || (srv is not null && _goodbyes.Contains(srv.Target)));
        }

        foreach (var gone in _reported.Keys.Where(k => !instances.Contains(k)).ToList())
            Report(gone, null, _goodbyes.Contains(gone));

        missing.RemoveAll(q => _lastAsked.TryGetValue((q.Name, q.Type), out var asked) && now - asked < s_requeryGuard);
        if (missing.Count > 0 && !_stopped)
            SendQuery(missing);
    }

    /// <summary>The cached addresses of <paramref name="host"/>; IPv6 link-local ones get the arrival interface as scope.</summary>
    private List<IPAddress> AddressesOf(DnsName host) =>
        [.. _cache.Values
            .Where(e => e.Record is AddressRecord && e.Record.Name.Equals(host))
            .Select(e => ((AddressRecord)e.Record).Address is var address && address.IsIPv6LinkLocal
                ? new IPAddress(address.GetAddressBytes(), e.InterfaceIndex)
                : address)
            .Distinct()
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .ThenBy(a => Convert.ToHexString(a.GetAddressBytes()), StringComparer.Ordinal)];

    /// <param name="instance">The instance's name.</param>
    /// <param name="current">The service as resolved now; null when it no longer resolves.</param>
    /// <param name="goodbye">Whether a record it needs is gone because its owner said goodbye.</param>
    private void Report(DnsName instance, DiscoveredService? current, bool goodbye)
    {
        var had = _reported.TryGetValue(instance, out var previous);
        if (current is null)
        {
            if (!had)
                return;
            _reported.Remove(instance);
            Log.ServiceRemoved(_logger, previous!, goodbye);
            _outbox.Add(new ServiceChangedEventArgs(ServiceChangeKind.Removed, previous!, goodbye));
            return;
        }

        if (!had)
        {
            _reported[instance] = current;
            Log.ServiceFound(_logger, current);
            _outbox.Add(new ServiceChangedEventArgs(ServiceChangeKind.Found, current));
        }
        else if (!previous!.HasSameContent(current))
        {
            _reported[instance] = current;
            Log.ServiceUpdated(_logger, current);
            _outbox.Add(new ServiceChangedEventArgs(ServiceChangeKind.Updated, current));
        }
    }

    /// <summary>Raises queued changes outside the engine lock, in order (one dispatcher at a time).</summary>
    private void FlushOutbox()
    {
        lock (_dispatchGate)
        {
            List<ServiceChangedEventArgs> batch;
            lock (_gate)
            {
                if (_outbox.Count == 0)
                    return;
                batch = [.. _outbox];
                _outbox.Clear();
            }

            foreach (var change in batch)
            {
                try
                {
                    Changed?.Invoke(change);
                }
                catch (Exception ex)
                {
                    Log.HandlerFailed(_logger, ex);
                }
            }
        }
    }
}
