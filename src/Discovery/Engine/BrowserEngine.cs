using Microsoft.Extensions.Logging;
using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Engine;

/// <summary>
/// The browser's protocol logic: continuous querying with back-off and known-answer suppression (RFC 6762 §5.2,
/// §7.1), a record cache honouring TTLs, cache-flush and goodbyes (§10), refresh queries at 80–95 % of TTL, and
/// resolution PTR → SRV + TXT → A/AAAA into <see cref="DiscoveredService"/> changes; after a network change it queries
/// again from the shortest interval (RFC 6762 §8) and lets records of vanished interfaces expire soon (§10.3); records
/// that queries on the link keep asking for and nobody answers are flushed early (§10.5, BrowserEngine.Poof.cs).
/// </summary>
internal sealed partial class BrowserEngine : IDisposable
{
    public static readonly TimeSpan FirstQueryMinDelay = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan FirstQueryMaxDelay = TimeSpan.FromMilliseconds(120);
    public static readonly TimeSpan FirstQueryInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxQueryInterval = TimeSpan.FromMinutes(60);

    /// <summary>RFC 6762 §10.1/§10.2: a goodbye or flushed record lives on for one second.</summary>
    public static readonly TimeSpan GraceAfterGoodbye = TimeSpan.FromSeconds(1);

    /// <summary>Most records cached; beyond this new records are ignored until some expire (memory bound against floods).</summary>
    public const int MaxCacheEntries = 4096;

    private static readonly double[] s_refreshFractions = [0.80, 0.85, 0.90, 0.95];
    private static readonly TimeSpan s_requeryGuard = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly IMdnsTransport _transport;
    private readonly MdnsScheduler _scheduler;
    private readonly NetworkChangeDebouncer _networkChanges;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly DnsName _typeName;
    private readonly string _serviceType;
    private readonly Dictionary<RecordKey, CacheEntry> _cache = [];
    private readonly Dictionary<DnsName, DiscoveredService> _reported = [];
    private readonly Dictionary<(DnsName Name, DnsRecordType Type), DateTimeOffset> _lastAsked = [];
    // Instances and hosts whose goodbye record is being removed by the Evaluate in progress (see Expire).
    private readonly HashSet<DnsName> _goodbyes = [];
    private readonly List<ServiceChangedEventArgs> _outbox = [];
    private TimeSpan _queryInterval = FirstQueryInterval;
    private ScheduledAction? _nextBrowseQuery;
    private bool _started;
    private bool _stopped;
    private bool _cacheFullLogged;

    public BrowserEngine(string serviceType, IMdnsTransport transport, INetworkChangeSource networkChanges, TimeProvider time, Random random, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(networkChanges);
        _serviceType = serviceType;
        _typeName = ServiceProfile.ServiceTypeName(serviceType);
        _transport = transport;
        _random = random;
        _logger = logger;
        _scheduler = new MdnsScheduler(time, _gate, logger, "browser", FlushOutbox);
        _networkChanges = new NetworkChangeDebouncer(networkChanges, _scheduler, _gate, OnNetworkChanged);
    }

    /// <summary>Raised outside the lock for every change, in order; handlers must not block.</summary>
    public event Action<ServiceChangedEventArgs>? Changed;

    /// <summary>The services resolved now.</summary>
    public IReadOnlyList<DiscoveredService> Services
    {
        get
        {
            lock (_gate)
                return [.. _reported.Values];
        }
    }

    /// <summary>Number of cached records (for tests and diagnostics).</summary>
    public int CacheCount
    {
        get
        {
            lock (_gate)
                return _cache.Count;
        }
    }

    /// <summary>
    /// Sends the first query after a random 20–120 ms, then at 1 s, doubling up to 60 min (§5.2), and starts following
    /// network changes.
    /// </summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
                throw Errors.AlreadyStarted("browser");
            _started = true;
            ScheduleFirstQuery();
        }

        _networkChanges.Start();
    }

    /// <summary>Handles one received datagram.</summary>
    public void OnPacket(MdnsPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (!packet.TryDecode(_logger, out var message))
            return;

        // §18: opcode and rcode must be 0. §6: only responses fill the cache, and §11: they must come from port 5353;
        // queries are watched for records nobody answers any more (§10.5, BrowserEngine.Poof.cs).
        if (message.Opcode != 0 || message.ResponseCode != 0 || (message.IsResponse && packet.Source.Port != IMdnsTransport.MdnsPort))
            return;
        try
        {
            lock (_gate)
            {
                if (_stopped)
                    return;
                if (!message.IsResponse)
                {
                    ObserveQuery(message, packet);
                    return;
                }

                Absorb(message, packet.InterfaceIndex);
                Evaluate();
            }
        }
        catch (Exception ex)
        {
            Log.PacketHandlingFailed(_logger, ex, packet.Source);
        }

        FlushOutbox();
    }

    public void Dispose()
    {
        lock (_gate)
            _stopped = true;
        _networkChanges.Dispose();
        _scheduler.Dispose();
    }

    /// <summary>Starts the query series over: first query after a random 20–120 ms, then from a 1 s interval.</summary>
    private void ScheduleFirstQuery()
    {
        _nextBrowseQuery?.Cancel();
        _queryInterval = FirstQueryInterval;
        var delay = TimeSpan.FromMilliseconds(_random.Next((int)FirstQueryMinDelay.TotalMilliseconds, (int)FirstQueryMaxDelay.TotalMilliseconds + 1));
        _nextBrowseQuery = _scheduler.Schedule(delay, BrowseQuery);
    }

    private void BrowseQuery()
    {
        if (_stopped)
            return;
        SendQuery([new DnsQuestion(_typeName, DnsRecordType.Ptr)]);
        Evaluate(); // also re-asks for pieces still missing
        _nextBrowseQuery = _scheduler.Schedule(_queryInterval, BrowseQuery);
        _queryInterval = TimeSpan.FromTicks(Math.Min(_queryInterval.Ticks * 2, MaxQueryInterval.Ticks));
    }

    /// <summary>
    /// Sends QM questions on every interface with known answers (§7.1): cached records answering them with more than
    /// half their TTL left. When they do not fit one packet, TC is set and the rest follow in further packets (§7.2).
    /// </summary>
    /// <remarks>QM rather than QU: on a host where several sockets share port 5353 only one gets a unicast reply (MDNS.md §1.7).</remarks>
    private void SendQuery(List<DnsQuestion> questions)
    {
        var now = _scheduler.Now;
        var known = _cache.Values
            .Where(e => questions.Exists(q => q.IsAnsweredBy(e.Record)) && e.RemainingSeconds(now) > e.Record.Ttl / 2.0)
            .Select(e => e.Record.WithTtl((uint)Math.Ceiling(e.RemainingSeconds(now))).WithCacheFlush(false))
            .ToList();
        foreach (var question in questions)
            _lastAsked[(question.Name, question.Type)] = now;

        var packets = new List<DnsMessage>();
        var current = DnsMessage.Query(questions);
        var size = current.Encode().Length;
        foreach (var record in known)
        {
            var recordSize = EstimateSize(record);
            if (size + recordSize > DnsConstants.PreferredPayloadLength && current.Answers.Count > 0)
            {
                packets.Add(current);
                current = new DnsMessage();
                size = DnsConstants.HeaderLength;
            }

            current.Answers.Add(record);
            size += recordSize;
        }

        packets.Add(current);
        for (var i = 0; i < packets.Count - 1; i++)
            packets[i] = new DnsMessage { Flags = DnsConstants.FlagTruncated, Questions = packets[i].Questions, Answers = packets[i].Answers };

        foreach (var nic in _transport.Interfaces)
        {
            foreach (var packet in packets)
                _transport.Send(packet.Encode(), nic.Index, null);
        }
    }

    private static int EstimateSize(DnsRecord record)
    {
        var writer = new DnsWriter { Compress = false };
        writer.WriteRecord(record);
        return writer.Length;
    }

    /// <summary>Puts the relevant records of a response into the cache.</summary>
    private void Absorb(DnsMessage message, int interfaceIndex)
    {
        var records = message.AllRecords.ToList();
        // Service records first, so that the address records of an SRV target in the same packet are wanted.
        foreach (var record in records.Where(r => r.Type is not (DnsRecordType.A or DnsRecordType.Aaaa)))
        {
            if (IsServiceRecord(record))
                Store(record, interfaceIndex);
        }

        foreach (var record in records.Where(r => r.Type is DnsRecordType.A or DnsRecordType.Aaaa))
        {
            if (IsWantedHost(record.Name))
                Store(record, interfaceIndex);
        }
    }

    private bool IsServiceRecord(DnsRecord record) =>
        (record.Class == DnsConstants.ClassInternet) && record.Type switch
        {
            DnsRecordType.Ptr => record.Name.Equals(_typeName) && ((PtrRecord)record).Target.IsChildOf(_typeName),
            DnsRecordType.Srv or DnsRecordType.Txt => record.Name.IsChildOf(_typeName),
            _ => false,
        };

    private bool IsWantedHost(DnsName host) =>
        _cache.Values.Any(e => e.Record is SrvRecord srv && srv.Target.Equals(host));

    private void Store(DnsRecord record, int interfaceIndex)
    {
        var now = _scheduler.Now;
        var key = new RecordKey(record);

        if (record.CacheFlush && record.Ttl > 0)
        {
            // §10.2: other data for this name and type received more than 1 s ago expires in 1 s.
            foreach (var entry in _cache.Values.Where(e => e.Record.Type == record.Type && e.Record.Class == record.Class && e.Record.Name.Equals(record.Name)).ToList())
            {
                if (!entry.Record.HasSameIdentity(record) && now - entry.ReceivedAt > GraceAfterGoodbye)
                    ExpireSoon(entry, now);
            }
        }

        if (_cache.TryGetValue(key, out var existing))
        {
            if (record.Ttl == 0)
            {
                // §10.1 goodbye: keep for one second, then remove.
                existing.SaidGoodbye = true;
                ExpireSoon(existing, now);
                return;
            }

            existing.Record = record;
            existing.ReceivedAt = now;
            existing.FirstUnansweredQuery = null;
            existing.UnansweredQueries = 0;
            existing.ExpiresAt = now + TimeSpan.FromSeconds(record.Ttl);
            existing.InterfaceIndex = interfaceIndex;
            ScheduleTimers(existing);
            return;
        }

        if (record.Ttl == 0)
            return;
        if (_cache.Count >= MaxCacheEntries)
        {
            if (!_cacheFullLogged)
                Log.CacheFull(_logger, _cache.Count);
            _cacheFullLogged = true;
            return;
        }

        var created = new CacheEntry(record, now, interfaceIndex);
        _cache[key] = created;
        ScheduleTimers(created);
    }

    /// <summary>Shortens the entry's life to <paramref name="grace"/> (default: the 1 s of §10.1/§10.2) unless it ends sooner anyway.</summary>
    private void ExpireSoon(CacheEntry entry, DateTimeOffset now, TimeSpan? grace = null)
    {
        var delay = grace ?? GraceAfterGoodbye;
        var soon = now + delay;
        if (entry.ExpiresAt <= soon)
            return;
        entry.ExpiresAt = soon;
        entry.CancelTimers();
        var key = new RecordKey(entry.Record);
        entry.Timers.Add(_scheduler.Schedule(delay, () => Expire(key, entry)));
    }

    /// <summary>Expiry at 100 % of TTL, refresh queries at 80/85/90/95 % plus 0–2 % jitter (§5.2).</summary>
    private void ScheduleTimers(CacheEntry entry)
    {
        entry.CancelTimers();
        var key = new RecordKey(entry.Record);
        var ttl = TimeSpan.FromSeconds(entry.Record.Ttl);
        entry.Timers.Add(_scheduler.Schedule(ttl, () => Expire(key, entry)));
        foreach (var fraction in s_refreshFractions)
        {
            var at = ttl * (fraction + _random.NextDouble() * 0.02);
            entry.Timers.Add(_scheduler.Schedule(at, () => Refresh(entry)));
        }
    }

    private void Expire(RecordKey key, CacheEntry entry)
    {
        if (!_cache.TryGetValue(key, out var current) || !ReferenceEquals(current, entry))
            return;
        entry.CancelTimers();
        _cache.Remove(key);
        _cacheFullLogged = false;
        if (entry.SaidGoodbye)
            _goodbyes.Add(entry.Record is PtrRecord ptr ? ptr.Target : entry.Record.Name);
        Evaluate();
        _goodbyes.Clear();
    }

    private void Refresh(CacheEntry entry)
    {
        if (_stopped || !_cache.ContainsValue(entry))
            return;
        // Only records still in use are refreshed: the type's PTRs, SRV/TXT of listed instances, addresses of targets.
        if (entry.Record.Type is DnsRecordType.A or DnsRecordType.Aaaa && !IsWantedHost(entry.Record.Name))
            return;
        if (_lastAsked.TryGetValue((entry.Record.Name, entry.Record.Type), out var asked) && _scheduler.Now - asked < s_requeryGuard)
            return; // several records of one name and type share one refresh query
        SendQuery([new DnsQuestion(entry.Record.Name, entry.Record.Type)]);
    }
}
