using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Engine;
using ParallelSharp.Discovery.Tests.Fakes;

namespace ParallelSharp.Discovery.Tests.Engine;

public sealed partial class ResponderEngineTests : IDisposable
{
    private static readonly DnsName s_type = DnsName.Parse("_parallelsharp._tcp.local");
    private static readonly DnsName s_instance = s_type.Prepend("node-1");
    private static readonly DnsName s_host = DnsName.Parse("psh-test-0001.local");
    private static readonly IPEndPoint s_peer = new(IPAddress.Parse("10.250.0.3"), 5353);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeTransport _transport = new();
    private readonly FakeNetworkChangeSource _networkChanges = new();
    private readonly ResponderEngine _engine;

    public ResponderEngineTests()
    {
        var profile = new ServiceProfile("node-1", 7070)
        {
            HostName = "psh-test-0001",
            Txt = new Dictionary<string, string?> { ["txtvers"] = "1", ["cpus"] = "4" },
        };
        _engine = new ResponderEngine(profile, _transport, _networkChanges, _time, new Random(42), NullLogger.Instance);
        _transport.StartAsync(_engine.OnPacket, CancellationToken.None);
    }

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void Start_ProbesThreeTimesWithQuFirstThenAnnouncesTwice()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(250)); // random initial wait is 0–250 ms

        var probes = new List<DnsMessage>();
        probes.AddRange(_transport.TakeSent().Select(p => p.Message));
        _time.Advance(ResponderEngine.ProbeInterval);
        probes.AddRange(_transport.TakeSent().Select(p => p.Message));
        _time.Advance(ResponderEngine.ProbeInterval);
        probes.AddRange(_transport.TakeSent().Select(p => p.Message));

        Assert.Equal(3, probes.Count);
        Assert.All(probes, p =>
        {
            Assert.False(p.IsResponse);
            Assert.Equal([s_instance, s_host], p.Questions.Select(q => q.Name));
            Assert.All(p.Questions, q => Assert.Equal(DnsRecordType.Any, q.Type));
            Assert.Equal([DnsRecordType.Srv, DnsRecordType.Txt, DnsRecordType.A], p.Authorities.Select(r => r.Type));
            Assert.All(p.Authorities, r => Assert.False(r.CacheFlush));
            Assert.Empty(p.Answers);
        });
        Assert.All(probes[0].Questions, q => Assert.True(q.UnicastResponse));
        Assert.All(probes[1].Questions, q => Assert.False(q.UnicastResponse));
        Assert.False(_engine.FirstAnnouncement.IsCompleted);

        _time.Advance(ResponderEngine.ProbeInterval);
        var first = Assert.Single(_transport.TakeSent());
        Assert.True(_engine.FirstAnnouncement.IsCompletedSuccessfully);
        AssertAnnouncement(first);

        _time.Advance(ResponderEngine.AnnounceInterval);
        AssertAnnouncement(Assert.Single(_transport.TakeSent()));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(_transport.TakeSent());
    }

    [Fact]
    public void Probe_WhenResponseClaimsInstanceName_RenamesAndProbesNewName()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(250));
        _transport.TakeSent();

        Deliver(DnsMessage.Response(new SrvRecord(s_instance, 0, 0, 9999, DnsName.Parse("other.local"), 120, cacheFlush: true)));

        Assert.Equal("node-1 (2)", _engine.InstanceLabel);
        Assert.Equal("psh-test-0001", _engine.HostLabel);
        var announcement = RunUntilAnnounced();
        Assert.Contains(announcement.Answers, r => r is SrvRecord srv && srv.Name.Equals(s_type.Prepend("node-1 (2)")));
        Assert.Contains(announcement.Answers, r => r is PtrRecord ptr && ptr.Target.Equals(s_type.Prepend("node-1 (2)")));
    }

    [Fact]
    public void Probe_WhenResponseClaimsHostName_RenamesHost()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(250));

        Deliver(DnsMessage.Response(new AddressRecord(s_host, IPAddress.Parse("10.250.0.9"), 120, cacheFlush: true)));

        Assert.Equal("psh-test-0001-2", _engine.HostLabel);
        Assert.Equal("node-1", _engine.InstanceLabel);
        var announcement = RunUntilAnnounced();
        Assert.Contains(announcement.Answers, r => r is SrvRecord srv && srv.Target.Equals(DnsName.Parse("psh-test-0001-2.local")));
    }

    [Fact]
    public void Probe_WhenOwnProbeLoopsBack_DoesNotRename()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(250));
        var probe = Assert.Single(_transport.TakeSent());

        _transport.Deliver(_engine.OnPacket, probe.Message, new IPEndPoint(IPAddress.Parse("10.250.0.1"), 5353));

        RunUntilAnnounced();
        Assert.Equal("node-1", _engine.InstanceLabel);
    }

    [Fact]
    public void Probe_WhenSimultaneousProbeHasLaterData_BacksOffOneSecondAndProbesAgain()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(250));
        _transport.TakeSent();

        // Same name and TXT, SRV port 9999 > 7070: their data sorts later, so they win (RFC 6762 §8.2).
        Deliver(new DnsMessage
        {
            Questions = [new DnsQuestion(s_instance, DnsRecordType.Any)],
            Authorities = [new SrvRecord(s_instance, 0, 0, 9999, s_host, 120), OurTxt()],
        });

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(_transport.TakeSent());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var probe = Assert.Single(_transport.TakeSent()).Message;
        Assert.False(probe.IsResponse);
        Assert.True(probe.Questions[0].UnicastResponse); // a fresh probe sequence
        Assert.Equal("node-1", _engine.InstanceLabel);
    }

    [Fact]
    public void Probe_WhenSimultaneousProbeHasEarlierData_KeepsProbing()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(250));
        _transport.TakeSent();

        Deliver(new DnsMessage
        {
            Questions = [new DnsQuestion(s_instance, DnsRecordType.Any)],
            Authorities = [new SrvRecord(s_instance, 0, 0, 1, s_host, 120), OurTxt()],
        });

        _time.Advance(ResponderEngine.ProbeInterval);
        var next = Assert.Single(_transport.TakeSent()).Message;
        Assert.False(next.Questions[0].UnicastResponse); // second probe of the same sequence
    }

    [Fact]
    public void Running_WhenOwnAnnouncementLoopsBack_DoesNotConflict()
    {
        _engine.Start();
        var announcement = RunUntilAnnounced();

        Deliver(announcement);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(ResponderState.Running, _engine.State);
        Assert.DoesNotContain(_transport.TakeSent(), p => !p.Message.IsResponse);
    }

    [Fact]
    public void Running_WhenOtherHostClaimsInstance_ProbesAgainAndRenamesWhenItDefends()
    {
        _engine.Start();
        RunUntilAnnounced();
        _time.Advance(TimeSpan.FromSeconds(5));
        var conflicting = DnsMessage.Response(new SrvRecord(s_instance, 0, 0, 1, DnsName.Parse("other.local"), 120, cacheFlush: true));

        Deliver(conflicting);
        Assert.Equal(ResponderState.Probing, _engine.State);
        _time.Advance(TimeSpan.Zero);
        Assert.Contains(_transport.TakeSent(), p => !p.Message.IsResponse);
        Deliver(conflicting); // the other host defends its name

        Assert.Equal("node-1 (2)", _engine.InstanceLabel);
    }

    [Fact]
    public void Query_ForServiceType_AnswersPtrWithAdditionalsAfterAggregationDelay()
    {
        StartAndSettle();

        Deliver(DnsMessage.Query(new DnsQuestion(s_type, DnsRecordType.Ptr)));
        Assert.Empty(_transport.TakeSent()); // shared answer: 20–120 ms delay (RFC 6762 §6)
        _time.Advance(TimeSpan.FromMilliseconds(120));

        var response = Assert.Single(_transport.TakeSent());
        Assert.True(response.IsMulticast);
        var message = response.Message;
        Assert.Equal(DnsConstants.ResponseFlags, message.Flags);
        Assert.Empty(message.Questions);
        var ptr = Assert.IsType<PtrRecord>(Assert.Single(message.Answers));
        Assert.Equal(s_instance, ptr.Target);
        Assert.Contains(message.Additionals, r => r is SrvRecord { Port: 7070 });
        Assert.Contains(message.Additionals, r => r is TxtRecord);
        Assert.Contains(message.Additionals, r => r is AddressRecord a && a.Address.Equals(IPAddress.Parse("10.250.0.1")));
        Assert.Contains(message.Additionals, r => r is NsecRecord n && n.Name.Equals(s_host) && n.HasType(DnsRecordType.A) && !n.HasType(DnsRecordType.Aaaa));
    }

    [Fact]
    public void Query_WithKnownAnswerAtFullTtl_IsSuppressed()
    {
        StartAndSettle();

        Deliver(new DnsMessage
        {
            Questions = [new DnsQuestion(s_type, DnsRecordType.Ptr)],
            Answers = [new PtrRecord(s_type, s_instance, 4000)],
        });
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(_transport.TakeSent());
    }

    [Fact]
    public void Query_WithKnownAnswerBelowHalfTtl_IsAnswered()
    {
        StartAndSettle();

        Deliver(new DnsMessage
        {
            Questions = [new DnsQuestion(s_type, DnsRecordType.Ptr)],
            Answers = [new PtrRecord(s_type, s_instance, 2000)],
        });
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.IsType<PtrRecord>(Assert.Single(Assert.Single(_transport.TakeSent()).Message.Answers));
    }

    [Fact]
    public void Query_TruncatedWithKnownAnswersInFollowUp_SuppressesAfterLongerDelay()
    {
        StartAndSettle();

        Deliver(new DnsMessage { Flags = DnsConstants.FlagTruncated, Questions = [new DnsQuestion(s_type, DnsRecordType.Ptr)] });
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Empty(_transport.TakeSent()); // TC: 400–500 ms
        Deliver(new DnsMessage { Answers = [new PtrRecord(s_type, s_instance, 4500)] });
        _time.Advance(TimeSpan.FromMilliseconds(300));

        Assert.Empty(_transport.TakeSent());
    }

    [Fact]
    public void Query_WithQuBitWhenRecentlyMulticast_AnswersByUnicastAtOnce()
    {
        _engine.Start();
        RunUntilAnnounced();
        _time.Advance(TimeSpan.FromSeconds(2)); // past the 1 s rate limit, within ¼ of the SRV TTL (30 s)
        _transport.TakeSent();

        Deliver(DnsMessage.Query(new DnsQuestion(s_instance, DnsRecordType.Srv, UnicastResponse: true)));

        var response = Assert.Single(_transport.TakeSent());
        Assert.Equal(s_peer, response.Destination);
        Assert.IsType<SrvRecord>(Assert.Single(response.Message.Answers));
        Assert.Contains(response.Message.Additionals, r => r is AddressRecord);
    }

    [Fact]
    public void Query_WithQuBitWhenNotMulticastForQuarterTtl_Multicasts()
    {
        StartAndSettle(TimeSpan.FromSeconds(31));

        Deliver(DnsMessage.Query(new DnsQuestion(s_instance, DnsRecordType.Srv, UnicastResponse: true)));

        var response = Assert.Single(_transport.TakeSent());
        Assert.True(response.IsMulticast);
        Assert.IsType<SrvRecord>(Assert.Single(response.Message.Answers));
    }

    [Fact]
    public void Query_ForRecordMulticastWithinOneSecond_IsNotRepeated()
    {
        _engine.Start();
        RunUntilAnnounced();

        Deliver(DnsMessage.Query(new DnsQuestion(s_instance, DnsRecordType.Srv)));
        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Empty(_transport.TakeSent());
    }

    [Fact]
    public void LegacyQuery_FromEphemeralPort_RepliesUnicastWithIdQuestionAndShortTtl()
    {
        StartAndSettle();
        var legacySource = new IPEndPoint(IPAddress.Parse("10.250.0.3"), 40000);

        _transport.Deliver(_engine.OnPacket, new DnsMessage { Id = 0x4242, Questions = [new DnsQuestion(s_instance, DnsRecordType.Srv)] }, legacySource);

        var response = Assert.Single(_transport.TakeSent());
        Assert.Equal(legacySource, response.Destination);
        var message = response.Message;
        Assert.Equal(0x4242, message.Id);
        Assert.True(message.IsResponse);
        Assert.Equal(s_instance, Assert.Single(message.Questions).Name);
        Assert.All(message.AllRecords, r =>
        {
            Assert.True(r.Ttl <= 10, $"TTL {r.Ttl} of {r}");
            Assert.False(r.CacheFlush);
        });
    }

    [Fact]
    public void Query_ForHostAaaa_AnswersNsecWithoutAaaa()
    {
        StartAndSettle();

        Deliver(DnsMessage.Query(new DnsQuestion(s_host, DnsRecordType.Aaaa)));

        var nsec = Assert.IsType<NsecRecord>(Assert.Single(Assert.Single(_transport.TakeSent()).Message.Answers));
        Assert.Equal([(ushort)DnsRecordType.A], nsec.Types);
    }

    [Fact]
    public void Query_ForAnyOnInstance_AnswersSrvAndTxtWithAddressAdditionals()
    {
        StartAndSettle();

        Deliver(DnsMessage.Query(new DnsQuestion(s_instance, DnsRecordType.Any)));

        var message = Assert.Single(_transport.TakeSent()).Message;
        Assert.Equal([DnsRecordType.Txt, DnsRecordType.Srv], message.Answers.Select(r => r.Type).Order());
        Assert.Contains(message.Additionals, r => r.Type == DnsRecordType.A);
    }

    [Fact]
    public void Query_ForServiceEnumeration_AnswersServiceType()
    {
        StartAndSettle();

        Deliver(DnsMessage.Query(new DnsQuestion(DnsName.Parse("_services._dns-sd._udp.local"), DnsRecordType.Ptr)));
        _time.Advance(TimeSpan.FromMilliseconds(120));

        var ptr = Assert.IsType<PtrRecord>(Assert.Single(Assert.Single(_transport.TakeSent()).Message.Answers));
        Assert.Equal(s_type, ptr.Target);
    }

    [Fact]
    public void Query_ForOtherNames_IsIgnored()
    {
        StartAndSettle();

        Deliver(DnsMessage.Query(new DnsQuestion(DnsName.Parse("_other._tcp.local"), DnsRecordType.Ptr), new DnsQuestion(DnsName.Parse("x.local"), DnsRecordType.A)));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(_transport.TakeSent());
    }

    [Fact]
    public void Running_WhenOtherHostProbesOurName_DefendsAtOnce()
    {
        StartAndSettle();

        Deliver(new DnsMessage
        {
            Questions = [new DnsQuestion(s_instance, DnsRecordType.Any, UnicastResponse: true)],
            Authorities = [new SrvRecord(s_instance, 0, 0, 9999, DnsName.Parse("intruder.local"), 120)],
        });

        var defence = Assert.Single(_transport.TakeSent());
        Assert.True(defence.IsMulticast);
        Assert.Contains(defence.Message.Answers, r => r is SrvRecord { Port: 7070 });
    }

    [Fact]
    public void UpdateTxt_WhenRunning_AnnouncesNewTxtTwiceWithCacheFlush()
    {
        StartAndSettle();

        _engine.UpdateTxt(new Dictionary<string, string?> { ["txtvers"] = "1", ["cpus"] = "8" });
        var first = Assert.Single(_transport.TakeSent()).Message;
        _time.Advance(ResponderEngine.AnnounceInterval);
        var second = Assert.Single(_transport.TakeSent()).Message;

        foreach (var message in new[] { first, second })
        {
            var txt = Assert.IsType<TxtRecord>(Assert.Single(message.Answers, r => r.Type == DnsRecordType.Txt));
            Assert.True(txt.CacheFlush);
            Assert.Equal("8", TxtAttributes.Parse(txt.Strings)["cpus"]);
        }
    }

    [Fact]
    public async Task StopAsync_AfterAnnouncement_SendsGoodbyeThreeTimesWithTtlZero()
    {
        StartAndSettle();

        var stopping = _engine.StopAsync();
        _time.Advance(ResponderEngine.GoodbyeInterval);
        _time.Advance(ResponderEngine.GoodbyeInterval);
        await stopping.WaitAsync(TestTimeouts.Loopback);

        var goodbyes = _transport.TakeSent();
        Assert.Equal(ResponderEngine.GoodbyeCount, goodbyes.Count);
        Assert.All(goodbyes, g =>
        {
            Assert.True(g.IsMulticast);
            Assert.Equal([DnsRecordType.Ptr, DnsRecordType.Srv, DnsRecordType.Txt, DnsRecordType.A], g.Message.Answers.Select(r => r.Type));
            Assert.All(g.Message.Answers, r => Assert.Equal(0u, r.Ttl));
        });

        Deliver(DnsMessage.Query(new DnsQuestion(s_type, DnsRecordType.Ptr)));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(_transport.TakeSent()); // stopped: silent
    }

    [Fact]
    public async Task StopAsync_WhileProbing_SendsNoGoodbye()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(250));
        _transport.TakeSent();

        await _engine.StopAsync().WaitAsync(TestTimeouts.Loopback);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Empty(_transport.TakeSent());
        Assert.True(_engine.FirstAnnouncement.IsCanceled);
    }

    [Fact]
    public void Announce_OnInterfaceWithIpv6_PublishesAaaaAndNsecListsBothTypes()
    {
        var nic = FakeTransport.Lan with { Ipv6Addresses = [IPAddress.Parse("fd70:250::1")], Ipv6PrefixLengths = [64] };
        var transport = new FakeTransport(nic);
        using var engine = new ResponderEngine(new ServiceProfile("node-6", 7070) { HostName = "psh-v6" }, transport, new FakeNetworkChangeSource(), _time, new Random(1), NullLogger.Instance);
        transport.StartAsync(engine.OnPacket, CancellationToken.None);
        engine.Start();

        for (var i = 0; i < 40 && !engine.FirstAnnouncement.IsCompleted; i++)
            _time.Advance(TimeSpan.FromMilliseconds(50));
        var sent = transport.TakeSent();
        var probe = sent.First().Message;
        var announcement = sent.Last().Message;
        _time.Advance(TimeSpan.FromSeconds(3));
        transport.TakeSent();
        transport.Deliver(engine.OnPacket, DnsMessage.Query(new DnsQuestion(DnsName.Parse("psh-v6.local"), DnsRecordType.Aaaa)), s_peer);
        var answer = Assert.Single(transport.TakeSent()).Message;

        Assert.Contains(probe.Authorities, r => r is AddressRecord { Type: DnsRecordType.Aaaa });
        var aaaa = Assert.IsType<AddressRecord>(Assert.Single(announcement.Answers, r => r.Type == DnsRecordType.Aaaa));
        Assert.Equal(IPAddress.Parse("fd70:250::1"), aaaa.Address);
        Assert.True(aaaa.CacheFlush);
        Assert.Equal(ResponderEngine.HostRecordTtl, aaaa.Ttl);
        Assert.IsType<AddressRecord>(Assert.Single(answer.Answers));
        var nsec = Assert.IsType<NsecRecord>(Assert.Single(answer.Additionals, r => r.Type == DnsRecordType.Nsec));
        Assert.Equal([(ushort)DnsRecordType.A, (ushort)DnsRecordType.Aaaa], nsec.Types);
    }

    [Fact]
    public void OnPacket_MalformedOrNonZeroOpcode_IsIgnored()
    {
        StartAndSettle();

        _engine.OnPacket(new ParallelSharp.Discovery.Transport.MdnsPacket([0, 0, 0, 0, 0, 1], s_peer, 2));
        Deliver(new DnsMessage { Flags = 0x2000, Questions = [new DnsQuestion(s_instance, DnsRecordType.Srv)] }); // opcode 4
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(_transport.TakeSent());
    }

    private static TxtRecord OurTxt() => new(s_instance, TxtAttributes.Encode([new("txtvers", "1"), new("cpus", "4")]), 4500);

    private void Deliver(DnsMessage message) => _transport.Deliver(_engine.OnPacket, message, s_peer);

    private DnsMessage RunUntilAnnounced()
    {
        for (var step = 0; step < 40 && !_engine.FirstAnnouncement.IsCompleted; step++)
            _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(_engine.FirstAnnouncement.IsCompletedSuccessfully, "the responder did not announce within 2 s of fake time");
        var announcement = _transport.TakeSent().Last(p => p.Message.IsResponse).Message;
        AssertAnnouncementShape(announcement);
        return announcement;
    }

    /// <summary>Starts, announces, and lets every rate limit and delayed announcement pass.</summary>
    private void StartAndSettle(TimeSpan? extra = null)
    {
        _engine.Start();
        RunUntilAnnounced();
        _time.Advance(extra ?? TimeSpan.FromSeconds(3));
        _transport.TakeSent();
    }

    private static void AssertAnnouncement(SentPacket packet)
    {
        Assert.True(packet.IsMulticast);
        AssertAnnouncementShape(packet.Message);
    }

    private static void AssertAnnouncementShape(DnsMessage message)
    {
        Assert.True(message.IsResponse);
        Assert.Equal(DnsConstants.ResponseFlags, message.Flags);
        Assert.Equal(0, message.Id);
        Assert.Empty(message.Questions);
        var ptr = Assert.IsType<PtrRecord>(message.Answers.Single(r => r.Type == DnsRecordType.Ptr));
        Assert.False(ptr.CacheFlush);
        Assert.Equal(ResponderEngine.OtherRecordTtl, ptr.Ttl);
        var srv = Assert.IsType<SrvRecord>(message.Answers.Single(r => r.Type == DnsRecordType.Srv));
        Assert.True(srv.CacheFlush);
        Assert.Equal(ResponderEngine.HostRecordTtl, srv.Ttl);
        Assert.Equal(7070, srv.Port);
        var txt = Assert.IsType<TxtRecord>(message.Answers.Single(r => r.Type == DnsRecordType.Txt));
        Assert.True(txt.CacheFlush);
        Assert.Equal(ResponderEngine.OtherRecordTtl, txt.Ttl);
        var a = Assert.IsType<AddressRecord>(message.Answers.Single(r => r.Type == DnsRecordType.A));
        Assert.True(a.CacheFlush);
        Assert.Equal(ResponderEngine.HostRecordTtl, a.Ttl);
        Assert.Equal(srv.Target, a.Name);
    }
}
