using System.Net;
using Microsoft.Extensions.Logging;
using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Engine;

/// <summary>
/// The advertiser's protocol logic: probe (RFC 6762 §8.1), rename on conflict (§9), announce (§8.3), answer queries
/// (§6, §7), re-announce on a TXT change (§8.4), follow network changes (§8, §8.4) and say goodbye (§10.1). Driven by
/// received packets, by its scheduler and by network change signals; all state is guarded by one lock.
/// </summary>
internal sealed partial class ResponderEngine : IDisposable
{
    /// <summary>RFC 6762 §10: records whose name or data is a host name.</summary>
    public const uint HostRecordTtl = 120;

    /// <summary>RFC 6762 §10: everything else.</summary>
    public const uint OtherRecordTtl = 4500;

    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan GoodbyeInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan TieBreakBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan ConflictBackoff = TimeSpan.FromSeconds(5);
    public const int ProbeCount = 3;
    public const int AnnounceCount = 2;
    public const int GoodbyeCount = 3;
    private const int ConflictBurst = 15;
    private static readonly TimeSpan s_conflictWindow = TimeSpan.FromSeconds(10);

    private static readonly DnsName s_servicesEnumeration = DnsName.Parse("_services._dns-sd._udp.local");

    private readonly Lock _gate = new();
    private readonly ServiceProfile _profile;
    private readonly IMdnsTransport _transport;
    private readonly MdnsScheduler _scheduler;
    private readonly NetworkChangeDebouncer _networkChanges;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly DnsName _typeName;
    private readonly Queue<DateTimeOffset> _conflictTimes = new();
    private readonly Dictionary<(RecordKey Key, int Interface), DateTimeOffset> _lastMulticast = [];
    private readonly TaskCompletionSource _firstAnnouncement = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _goodbyeDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ResponderState _state = ResponderState.Idle;
    private int _generation;
    private int _probesSent;
    private int _instanceSuffix = 1;
    private int _hostSuffix = 1;
    private DnsName _instanceName;
    private DnsName _hostName;
    private List<byte[]> _txtStrings;

    public ResponderEngine(ServiceProfile profile, IMdnsTransport transport, INetworkChangeSource networkChanges, TimeProvider time, Random random, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(networkChanges);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(transport);
        _profile = profile;
        _transport = transport;
        _random = random;
        _logger = logger;
        _scheduler = new MdnsScheduler(time, _gate, logger, "advertiser", static () => { });
        _networkChanges = new NetworkChangeDebouncer(networkChanges, _scheduler, _gate, OnNetworkChanged);
        _typeName = ServiceProfile.ServiceTypeName(profile.ServiceType);
        _instanceName = _typeName.Prepend(profile.InstanceName);
        _hostName = DnsName.FromLabels(profile.HostName, "local");
        _txtStrings = TxtAttributes.Encode(profile.Txt);
    }

    /// <summary>The instance label in use (changes when a conflict forces a rename).</summary>
    public string InstanceLabel
    {
        get
        {
            lock (_gate)
                return _instanceName.Labels[0];
        }
    }

    /// <summary>The host label in use.</summary>
    public string HostLabel
    {
        get
        {
            lock (_gate)
                return _hostName.Labels[0];
        }
    }

    public ResponderState State
    {
        get
        {
            lock (_gate)
                return _state;
        }
    }

    /// <summary>Completes when the first announcement went out (probing is over and the names are ours).</summary>
    public Task FirstAnnouncement => _firstAnnouncement.Task;

    /// <summary>Begins probing after a random 0–250 ms (RFC 6762 §8.1) and starts following network changes.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_state != ResponderState.Idle)
                throw Errors.AlreadyStarted("advertiser");
            StartProbing(TimeSpan.FromMilliseconds(_random.Next(0, 251)));
        }

        _networkChanges.Start();
    }

    /// <summary>Replaces the TXT attributes; when running, announces the new TXT twice (RFC 6762 §8.4).</summary>
    public void UpdateTxt(IReadOnlyDictionary<string, string?> txt)
    {
        var strings = TxtAttributes.Encode(txt);
        lock (_gate)
        {
            _txtStrings = strings;
            if (_state != ResponderState.Running)
                return; // a probe in progress carries the new TXT in its authority section
            Log.TxtUpdated(_logger, _instanceName.ToString());
            var generation = ++_generation;
            Announce(generation, AnnounceCount);
        }
    }

    /// <summary>
    /// Stops answering and, if the names were announced, sends the records with TTL 0 three times 250 ms apart.
    /// The task completes after the last goodbye.
    /// </summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            var wasRunning = _state == ResponderState.Running;
            if (_state == ResponderState.Stopped)
                return _goodbyeDone.Task;
            _state = ResponderState.Stopped;
            _generation++;
            CancelPending();
            if (!wasRunning)
            {
                _goodbyeDone.TrySetResult();
                _firstAnnouncement.TrySetCanceled();
                return _goodbyeDone.Task;
            }

            SendGoodbye(GoodbyeCount);
            return _goodbyeDone.Task;
        }
    }

    /// <summary>Handles one received datagram.</summary>
    public void OnPacket(MdnsPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (!packet.TryDecode(_logger, out var message))
            return;

        // RFC 6762 §18.3, §18.11: ignore other opcodes and non-zero rcodes.
        if (message.Opcode != 0 || message.ResponseCode != 0)
            return;
        try
        {
            lock (_gate)
            {
                if (message.IsResponse)
                    HandleResponse(message);
                else
                    HandleQuery(message, packet);
            }
        }
        catch (Exception ex)
        {
            Log.PacketHandlingFailed(_logger, ex, packet.Source);
        }
    }

    public void Dispose()
    {
        _networkChanges.Dispose();
        _scheduler.Dispose();
    }

    /// <summary>Probes every unique name on every interface; ends any probing of single interfaces, which this covers.</summary>
    private void StartProbing(TimeSpan initialDelay)
    {
        var generation = ++_generation;
        _state = ResponderState.Probing;
        _probingOn.Clear();
        _probesSent = 0;
        CancelPending();
        Log.ProbeStarted(_logger, _instanceName.ToString(), _hostName.ToString());
        _scheduler.Schedule(initialDelay, () => ProbeStep(generation));
    }

    private void ProbeStep(int generation)
    {
        if (generation != _generation || _state != ResponderState.Probing)
            return;
        if (_probesSent == ProbeCount)
        {
            // Three probes and 250 ms of silence: the names are ours (RFC 6762 §8.1).
            _state = ResponderState.Running;
            Announce(generation, AnnounceCount);
            return;
        }

        SendProbe(firstProbe: _probesSent == 0, _transport.Interfaces);
        _probesSent++;
        _scheduler.Schedule(ProbeInterval, () => ProbeStep(generation));
    }

    private void SendProbe(bool firstProbe, IEnumerable<MdnsInterface> interfaces)
    {
        foreach (var nic in interfaces)
        {
            // Avahi style (MDNS.md §1.5): "<name> ANY" questions, QU on the first probe, the proposed records in the
            // Authority section without cache-flush bits.
            var message = new DnsMessage
            {
                Questions =
                [
                    new DnsQuestion(_instanceName, DnsRecordType.Any, UnicastResponse: firstProbe),
                    new DnsQuestion(_hostName, DnsRecordType.Any, UnicastResponse: firstProbe),
                ],
                Authorities = [.. ProposedRecords(nic)],
            };
            _transport.Send(message.Encode(), nic.Index, null);
        }
    }

    /// <summary>
    /// Announces on <paramref name="only"/> (interface indexes), or when <see langword="null"/> on every interface that
    /// is not still being probed; repeats <paramref name="remaining"/> times 1 s apart unless the generation changes.
    /// </summary>
    private void Announce(int generation, int remaining, IReadOnlyCollection<int>? only = null)
    {
        if (generation != _generation || _state != ResponderState.Running || remaining <= 0)
            return;
        var targets = only is null
            ? _transport.Interfaces.Where(n => !_probingOn.ContainsKey(n.Index))
            : _transport.Interfaces.Where(n => only.Contains(n.Index));
        foreach (var nic in targets.ToList())
        {
            var records = BuildRecords(nic).Where(r => r.Type != DnsRecordType.Nsec).ToList();
            SendResponse(nic, records, [], destination: null, legacyQuery: null);
        }

        if (_firstAnnouncement.TrySetResult())
            Log.Announced(_logger, _instanceName.ToString(), _hostName.ToString(), _profile.Port);
        if (remaining > 1)
            _scheduler.Schedule(AnnounceInterval, () => Announce(generation, remaining - 1, only));
    }

    private void SendGoodbye(int remaining)
    {
        foreach (var nic in _transport.Interfaces)
        {
            var records = BuildRecords(nic)
                .Where(r => r.Type != DnsRecordType.Nsec)
                .Select(r => r.WithTtl(0).WithCacheFlush(false))
                .ToList();
            var message = DnsMessage.Response(records);
            _transport.Send(message.Encode(), nic.Index, null);
        }

        if (remaining == GoodbyeCount)
            Log.GoodbyeSent(_logger, _instanceName.ToString());
        if (remaining > 1)
            _scheduler.Schedule(GoodbyeInterval, () => SendGoodbye(remaining - 1));
        else
            _goodbyeDone.TrySetResult();
    }

    private void HandleResponse(DnsMessage message)
    {
        if (_state is not (ResponderState.Probing or ResponderState.Running))
            return;
        var ours = AllOurRecords();
        foreach (var record in message.AllRecords)
        {
            if (record.Ttl == 0 || !IsOurUniqueName(record.Name))
                continue;
            // Identical data is no conflict: our own looped-back packets, or a cache echoing our records (§9).
            if (ours.Contains(new RecordKey(record)))
                continue;
            if (_state == ResponderState.Probing)
            {
                Rename(record.Name);
                return;
            }

            // §9: a conflicting record while running: probe again; a real owner will defend its name and we rename.
            Log.ConflictWhileRunning(_logger, record.Name.ToString(), record.ToString());
            StartProbing(TimeSpan.Zero);
            return;
        }
    }

    private void Rename(DnsName conflicted)
    {
        var now = _scheduler.Now;
        _conflictTimes.Enqueue(now);
        while (_conflictTimes.Count > 0 && now - _conflictTimes.Peek() > s_conflictWindow)
            _conflictTimes.Dequeue();

        var old = conflicted.ToString();
        if (conflicted.Equals(_instanceName))
        {
            _instanceSuffix++;
            _instanceName = _typeName.Prepend(TrimToLabel(_profile.InstanceName, $" ({_instanceSuffix})"));
            Log.Renamed(_logger, old, _instanceName.ToString());
        }
        else
        {
            _hostSuffix++;
            _hostName = DnsName.FromLabels(TrimToLabel(_profile.HostName, $"-{_hostSuffix}"), "local");
            Log.Renamed(_logger, old, _hostName.ToString());
        }

        // §8.1: after 15 conflicts within 10 s, wait at least 5 s before each further attempt.
        var delay = TimeSpan.FromMilliseconds(_random.Next(0, 251));
        if (_conflictTimes.Count >= ConflictBurst)
        {
            Log.ConflictRateLimited(_logger, _conflictTimes.Count);
            delay = ConflictBackoff;
        }

        StartProbing(delay);
    }

    /// <summary>Appends <paramref name="suffix"/>, shortening the base so the label stays within 63 bytes of UTF-8.</summary>
    private static string TrimToLabel(string baseLabel, string suffix)
    {
        var text = baseLabel;
        while (System.Text.Encoding.UTF8.GetByteCount(text + suffix) > DnsConstants.MaxLabelLength && text.Length > 1)
            text = text[..^1];
        if (char.IsHighSurrogate(text[^1]))
            text = text[..^1];
        return text + suffix;
    }

    private bool IsOurUniqueName(DnsName name) => name.Equals(_instanceName) || name.Equals(_hostName);

    private HashSet<RecordKey> AllOurRecords()
    {
        var set = new HashSet<RecordKey>();
        foreach (var nic in _transport.Interfaces)
        {
            foreach (var record in BuildRecords(nic))
                set.Add(new RecordKey(record));
        }

        return set;
    }

    /// <summary>The records this responder owns on <paramref name="nic"/>, with TTLs per RFC 6762 §10 and cache-flush on unique ones.</summary>
    private List<DnsRecord> BuildRecords(MdnsInterface nic)
    {
        var addresses = _profile.Addresses.Count > 0 ? _profile.Addresses : [.. nic.AllAddresses];
        var records = new List<DnsRecord>
        {
            new PtrRecord(_typeName, _instanceName, OtherRecordTtl),
            new SrvRecord(_instanceName, 0, 0, (ushort)_profile.Port, _hostName, HostRecordTtl, cacheFlush: true),
            new TxtRecord(_instanceName, _txtStrings, OtherRecordTtl, cacheFlush: true),
        };
        foreach (var address in addresses)
            records.Add(new AddressRecord(_hostName, address, HostRecordTtl, cacheFlush: true));
        // §6.1 negative answers: the instance has only SRV and TXT, the host only its address types.
        records.Add(new NsecRecord(_instanceName, _instanceName, [(ushort)DnsRecordType.Txt, (ushort)DnsRecordType.Srv], OtherRecordTtl, cacheFlush: true));
        var hostTypes = records.Where(r => r.Name.Equals(_hostName)).Select(r => (ushort)r.Type).Distinct().ToList();
        records.Add(new NsecRecord(_hostName, _hostName, hostTypes, HostRecordTtl, cacheFlush: true));
        return records;
    }

    /// <summary>What a probe proposes: the unique records, without cache-flush bits (§8.1, §10.2).</summary>
    private IEnumerable<DnsRecord> ProposedRecords(MdnsInterface nic) =>
        BuildRecords(nic)
            .Where(r => r.Type is DnsRecordType.Srv or DnsRecordType.Txt or DnsRecordType.A or DnsRecordType.Aaaa)
            .Select(r => r.WithCacheFlush(false));

    private static bool IsUnicastPort(IPEndPoint source) => source.Port != IMdnsTransport.MdnsPort;
}
