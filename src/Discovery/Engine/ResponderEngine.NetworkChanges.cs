using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Engine;

/// <summary>
/// Following network changes: probe and announce on new interfaces (RFC 6762 §8: a link change means probing and
/// announcing again), announce changed addresses with a goodbye for lost ones (§8.4, §10.1), forget vanished interfaces.
/// </summary>
internal sealed partial class ResponderEngine
{
    /// <summary>Interfaces added while running that are still being probed, with the probe batch that owns each.</summary>
    private readonly Dictionary<int, int> _probingOn = [];
    private int _interfaceProbeBatch;

    /// <summary>Runs (under the lock) once a burst of network change signals has settled.</summary>
    private void OnNetworkChanged()
    {
        if (_state is ResponderState.Idle or ResponderState.Stopped)
            return;
        var changes = _transport.Rescan();
        if (changes.IsEmpty)
            return;

        foreach (var gone in changes.Removed)
            Forget(gone.Index);

        if (_state == ResponderState.Probing)
        {
            // A probe sequence in progress builds each probe from the current interfaces, so new addresses are in the
            // next one. A new interface must get all three probes: start the sequence again.
            if (changes.Added.Count > 0)
                StartProbing(TimeSpan.FromMilliseconds(_random.Next(0, 251)));
            return;
        }

        foreach (var (old, now) in changes.Changed)
            AnnounceAddressChange(old, now);
        if (changes.Added.Count > 0)
            ProbeInterfaces(changes.Added);
    }

    /// <summary>The interface is gone: nothing can be sent on it any more, so only our state about it goes.</summary>
    private void Forget(int interfaceIndex)
    {
        _probingOn.Remove(interfaceIndex);
        foreach (var pending in _pending.Where(p => p.InterfaceIndex == interfaceIndex).ToList())
        {
            pending.Timer?.Cancel();
            _pending.Remove(pending);
        }

        foreach (var key in _lastMulticast.Keys.Where(k => k.Interface == interfaceIndex).ToList())
            _lastMulticast.Remove(key);
    }

    /// <summary>
    /// §8.4: changed address records are announced again; no probing, the host name is ours already. Lost addresses
    /// get a goodbye first, so browsers stop using them now rather than after the cache-flush grace or the TTL.
    /// </summary>
    private void AnnounceAddressChange(MdnsInterface old, MdnsInterface now)
    {
        if (_profile.Addresses.Count > 0 || _probingOn.ContainsKey(now.Index))
            return; // fixed addresses do not follow the interface; a probe in progress announces the new set itself
        var gone = old.AllAddresses.Except(now.AllAddresses).ToList();
        var added = now.AllAddresses.Except(old.AllAddresses).ToList();
        if (gone.Count == 0 && added.Count == 0)
            return; // only a prefix length changed: the records are the same

        Log.AddressesChanged(_logger, now.ToString(), string.Join(", ", gone), _hostName.ToString());
        if (gone.Count > 0)
        {
            var goodbyes = gone.Select(a => (DnsRecord)new AddressRecord(_hostName, a, 0)).ToList();
            _transport.Send(DnsMessage.Response(goodbyes).Encode(), now.Index, null);
            foreach (var key in _lastMulticast.Keys.Where(k => k.Interface == now.Index && k.Key.Record is AddressRecord a && gone.Contains(a.Address)).ToList())
                _lastMulticast.Remove(key);
        }

        Announce(_generation, AnnounceCount, [now.Index]);
    }

    /// <summary>
    /// Probes our names on new interfaces only (three probes 250 ms apart after a random 0–250 ms), then announces
    /// there. The other interfaces keep answering meanwhile. A conflict or a global re-probe ends the batch.
    /// </summary>
    private void ProbeInterfaces(IReadOnlyList<MdnsInterface> added)
    {
        var batch = ++_interfaceProbeBatch;
        foreach (var nic in added)
            _probingOn[nic.Index] = batch;
        Log.ProbingNewInterfaces(_logger, _instanceName.ToString(), string.Join("; ", added));
        var probes = 0;
        _scheduler.Schedule(TimeSpan.FromMilliseconds(_random.Next(0, 251)), Step);

        void Step()
        {
            if (_state != ResponderState.Running)
                return;
            var mine = _transport.Interfaces.Where(n => _probingOn.TryGetValue(n.Index, out var owner) && owner == batch).ToList();
            if (mine.Count == 0)
                return;
            if (probes == ProbeCount)
            {
                var indexes = mine.Select(n => n.Index).ToList();
                foreach (var index in indexes)
                    _probingOn.Remove(index);
                Announce(_generation, AnnounceCount, indexes);
                return;
            }

            SendProbe(firstProbe: probes == 0, mine);
            probes++;
            _scheduler.Schedule(ProbeInterval, Step);
        }
    }
}
