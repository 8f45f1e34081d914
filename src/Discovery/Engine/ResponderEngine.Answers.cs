using System.Net;
using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Engine;

/// <summary>Answering queries: matching, known-answer suppression, QU and legacy unicast, aggregation delays, rate limits.</summary>
internal sealed partial class ResponderEngine
{
    private const uint LegacyTtlCap = 10;
    private static readonly TimeSpan s_multicastRateLimit = TimeSpan.FromSeconds(1);

    private readonly List<PendingResponse> _pending = [];

    private void HandleQuery(DnsMessage query, MdnsPacket packet)
    {
        var nic = _transport.Interfaces.FirstOrDefault(i => i.Index == packet.InterfaceIndex);
        if (nic is null)
            return;

        // Probing, everywhere or on this newly added interface: the names are not ours here yet, answer nothing.
        if (_state == ResponderState.Probing || (_state == ResponderState.Running && _probingOn.ContainsKey(nic.Index)))
        {
            CheckSimultaneousProbe(query, nic);
            return;
        }

        if (_state != ResponderState.Running)
            return;

        // §7.2: a query without questions from a querier we are waiting on carries more known answers.
        if (query.Questions.Count == 0)
        {
            foreach (var pending in _pending.Where(p => p.TruncatedSource is not null && p.TruncatedSource.Equals(packet.Source)))
                pending.Suppress(query.Answers);
            return;
        }

        var ours = BuildRecords(nic);
        if (IsProbeForOurNames(query))
        {
            DefendNames(query, nic, ours);
            return;
        }

        var answers = new List<DnsRecord>();
        foreach (var question in query.Questions)
            AddAnswers(question, ours, answers);
        answers.RemoveAll(a => IsKnownAnswer(query, a));
        if (answers.Count == 0)
            return;
        var additionals = Additionals(answers, ours).Where(r => !IsKnownAnswer(query, r)).ToList();

        if (IsUnicastPort(packet.Source))
        {
            // §6.7 legacy unicast: reply to the source port, echo the ID and the questions, TTL ≤ 10 s, no cache-flush.
            var legacy = new DnsMessage { Id = query.Id, Flags = DnsConstants.ResponseFlags, Questions = [.. query.Questions] };
            SendResponse(nic, answers, additionals, packet.Source, legacy);
            return;
        }

        var now = _scheduler.Now;
        var unicast = new List<DnsRecord>();
        var multicast = new List<DnsRecord>();
        foreach (var answer in answers)
        {
            // §5.4: a QU question is answered by unicast, unless we have not multicast the record within ¼ of its TTL.
            var askedUnicast = query.Questions.Any(q => q.UnicastResponse && q.IsAnsweredBy(answer));
            var recent = _lastMulticast.TryGetValue((new RecordKey(answer), nic.Index), out var last)
                && now - last < TimeSpan.FromSeconds(answer.Ttl / 4.0);
            (askedUnicast && recent ? unicast : multicast).Add(answer);
        }

        if (unicast.Count > 0)
        {
            SendResponse(nic, unicast, Additionals(unicast, ours).Where(r => !IsKnownAnswer(query, r)).ToList(),
                new IPEndPoint(packet.Source.Address, IMdnsTransport.MdnsPort), legacyQuery: null);
        }

        // §6: the same record is multicast at most once per second on an interface.
        multicast.RemoveAll(a => _lastMulticast.TryGetValue((new RecordKey(a), nic.Index), out var last) && now - last < s_multicastRateLimit);
        if (multicast.Count == 0)
            return;
        var multicastAdditionals = Additionals(multicast, ours).Where(r => !IsKnownAnswer(query, r)).ToList();

        // §6: unique answers go out at once; a response with shared records waits 20–120 ms (400–500 ms when the
        // query had TC set and more known answers follow), so answers of several responders and queries aggregate.
        var hasShared = multicast.Any(r => !r.CacheFlush);
        if (!hasShared)
        {
            SendResponse(nic, multicast, multicastAdditionals, null, null);
            return;
        }

        var delay = query.IsTruncated ? TimeSpan.FromMilliseconds(_random.Next(400, 501)) : TimeSpan.FromMilliseconds(_random.Next(20, 121));
        var existing = _pending.FirstOrDefault(p => p.InterfaceIndex == nic.Index);
        if (existing is not null)
        {
            existing.Merge(multicast, multicastAdditionals);
            if (query.IsTruncated)
                existing.TruncatedSource = packet.Source;
            return;
        }

        var response = new PendingResponse(nic.Index, multicast, multicastAdditionals) { TruncatedSource = query.IsTruncated ? packet.Source : null };
        _pending.Add(response);
        var generation = _generation;
        response.Timer = _scheduler.Schedule(delay, () => SendPending(response, generation));
    }

    private void AddAnswers(DnsQuestion question, List<DnsRecord> ours, List<DnsRecord> answers)
    {
        if (question.Class != DnsConstants.ClassInternet && question.Class != DnsConstants.ClassAny)
            return;

        // RFC 6763 §9: service type enumeration.
        if (question.Name.Equals(s_servicesEnumeration) && question.Type is DnsRecordType.Ptr or DnsRecordType.Any)
        {
            AddUnique(answers, new PtrRecord(s_servicesEnumeration, _typeName, OtherRecordTtl));
            return;
        }

        var matched = false;
        foreach (var record in ours)
        {
            if (record.Type == DnsRecordType.Nsec)
                continue;
            if (question.IsAnsweredBy(record))
            {
                AddUnique(answers, record);
                matched = true;
            }
        }

        // §6.1: asked for a type our unique name does not have (AAAA of the host, say): answer with NSEC.
        if (!matched && question.Type != DnsRecordType.Any && IsOurUniqueName(question.Name))
        {
            var nsec = ours.First(r => r.Type == DnsRecordType.Nsec && r.Name.Equals(question.Name));
            AddUnique(answers, nsec);
        }
    }

    /// <summary>
    /// RFC 6763 §12: PTR answers bring SRV, TXT and addresses; SRV answers bring addresses (plus the host NSEC).
    /// RFC 6762 §6.2: an address answer brings the host's other addresses and its NSEC.
    /// </summary>
    private List<DnsRecord> Additionals(List<DnsRecord> answers, List<DnsRecord> ours)
    {
        var additionals = new List<DnsRecord>();
        foreach (var answer in answers)
        {
            if (answer is PtrRecord ptr && ptr.Target.Equals(_instanceName))
            {
                foreach (var record in ours.Where(r => r.Name.Equals(_instanceName) && r.Type is DnsRecordType.Srv or DnsRecordType.Txt))
                    AddUnique(additionals, record);
            }

            if ((answer is PtrRecord p && p.Target.Equals(_instanceName)) || answer is SrvRecord || (answer is AddressRecord && answer.Name.Equals(_hostName)))
            {
                foreach (var record in ours.Where(r => r.Name.Equals(_hostName)))
                    AddUnique(additionals, record);
            }
        }

        additionals.RemoveAll(a => answers.Exists(b => b.HasSameIdentity(a)));
        return additionals;
    }

    /// <summary>§7.1: a known answer suppresses ours when its TTL is at least half of ours.</summary>
    private static bool IsKnownAnswer(DnsMessage query, DnsRecord record) =>
        query.Answers.Exists(known => known.HasSameIdentity(record) && known.Ttl >= record.Ttl / 2);

    private bool IsProbeForOurNames(DnsMessage query) =>
        query.Authorities.Exists(r => IsOurUniqueName(r.Name))
        && query.Questions.Exists(q => IsOurUniqueName(q.Name));

    /// <summary>Someone probes for a name we own: answer at once by multicast, without rate limit (§8.1, §6).</summary>
    private void DefendNames(DnsMessage probe, MdnsInterface nic, List<DnsRecord> ours)
    {
        var theirs = probe.Authorities.Where(r => IsOurUniqueName(r.Name)).ToList();
        var ourSet = ours.Select(r => new RecordKey(r)).ToHashSet();
        if (theirs.TrueForAll(r => ourSet.Contains(new RecordKey(r))))
            return; // the same records we hold: our own probe looped back, nothing to defend
        var answers = ours.Where(r => r.Type != DnsRecordType.Nsec && theirs.Exists(t => t.Name.Equals(r.Name))).ToList();
        SendResponse(nic, answers, [], null, null);
    }

    /// <summary>
    /// §8.2: a probe for our name while we probe. Compare the authority records (sorted, class/type/data); the
    /// lexicographically later set wins. The loser waits 1 s and probes again. Equal sets are our own probe.
    /// </summary>
    private void CheckSimultaneousProbe(DnsMessage query, MdnsInterface nic)
    {
        foreach (var name in new[] { _instanceName, _hostName })
        {
            if (!query.Questions.Exists(q => q.Name.Equals(name)))
                continue;
            var theirs = query.Authorities.Where(r => r.Name.Equals(name)).ToList();
            if (theirs.Count == 0)
                continue;
            var ours = ProposedRecords(nic).Where(r => r.Name.Equals(name)).ToList();
            theirs.Sort(DnsRecord.CompareForTieBreak);
            ours.Sort(DnsRecord.CompareForTieBreak);
            if (CompareSets(ours, theirs) < 0)
            {
                Log.ProbeTieBreakLost(_logger, name.ToString());
                StartProbing(TieBreakBackoff);
                return;
            }
        }
    }

    private static int CompareSets(List<DnsRecord> a, List<DnsRecord> b)
    {
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            var c = DnsRecord.CompareForTieBreak(a[i], b[i]);
            if (c != 0)
                return c;
        }

        return a.Count.CompareTo(b.Count);
    }

    private void SendPending(PendingResponse response, int generation)
    {
        _pending.Remove(response);
        if (generation != _generation || _state != ResponderState.Running)
            return;
        var nic = _transport.Interfaces.FirstOrDefault(i => i.Index == response.InterfaceIndex);
        if (nic is null)
            return;
        var now = _scheduler.Now;
        response.Answers.RemoveAll(a => _lastMulticast.TryGetValue((new RecordKey(a), nic.Index), out var last) && now - last < s_multicastRateLimit);
        if (response.Answers.Count > 0)
            SendResponse(nic, response.Answers, response.Additionals, null, null);
    }

    private void CancelPending()
    {
        foreach (var pending in _pending)
            pending.Timer?.Cancel();
        _pending.Clear();
    }

    /// <summary>
    /// Sends a response: multicast when <paramref name="destination"/> is null, else unicast. A legacy reply
    /// (<paramref name="legacyQuery"/> set) caps TTLs at 10 s and clears cache-flush bits (§6.7, §10.2).
    /// </summary>
    private void SendResponse(MdnsInterface nic, List<DnsRecord> answers, List<DnsRecord> additionals, IPEndPoint? destination, DnsMessage? legacyQuery)
    {
        IEnumerable<DnsRecord> Adjust(IEnumerable<DnsRecord> records) => legacyQuery is null
            ? records
            : records.Select(r => r.WithTtl(Math.Min(r.Ttl, LegacyTtlCap)).WithCacheFlush(false));

        var message = new DnsMessage
        {
            Id = legacyQuery?.Id ?? 0,
            Flags = DnsConstants.ResponseFlags,
            Questions = legacyQuery?.Questions ?? [],
            Answers = [.. Adjust(answers)],
            Additionals = [.. Adjust(additionals)],
        };
        var payload = message.Encode();
        if (payload.Length > DnsConstants.PreferredPayloadLength && message.Additionals.Count > 0)
        {
            // Additionals are an optimisation (RFC 6763 §12); browsers query what is missing.
            message.Additionals.Clear();
            payload = message.Encode();
        }

        Log.Answering(_logger, message.Answers.Count + message.Additionals.Count, destination?.ToString() ?? "multicast", nic.Index);
        _transport.Send(payload, nic.Index, destination);
        if (destination is null)
        {
            var now = _scheduler.Now;
            foreach (var record in message.Answers.Concat(message.Additionals))
                _lastMulticast[(new RecordKey(record), nic.Index)] = now;
        }
    }

    private static void AddUnique(List<DnsRecord> list, DnsRecord record)
    {
        if (!list.Exists(r => r.HasSameIdentity(record)))
            list.Add(record);
    }
}
