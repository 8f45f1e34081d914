using System.Net;
using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Engine;
using ParallelSharp.Discovery.Tests.Fakes;

namespace ParallelSharp.Discovery.Tests.Engine;

/// <summary>The responder after the network changed under it: new interfaces, new addresses, vanished interfaces.</summary>
public sealed partial class ResponderEngineTests
{
    private static readonly IPEndPoint s_wlanPeer = new(IPAddress.Parse("192.168.7.30"), 5353);

    /// <summary>The debounce: after it the re-scan has run.</summary>
    private static readonly TimeSpan s_settle = NetworkChangeDebouncer.QuietPeriod;

    [Fact]
    public void NewInterface_WhileRunning_ProbesThreeTimesThenAnnouncesThereOnly()
    {
        StartAndSettle();
        _transport.SetNetwork(FakeTransport.Lan, FakeTransport.Wlan);

        _networkChanges.Fire();
        _time.Advance(s_settle);
        var sent = RunFor(TimeSpan.FromSeconds(3));

        Assert.All(sent, p => Assert.Equal(FakeTransport.Wlan.Index, p.InterfaceIndex));
        var probes = sent.Where(p => !p.Message.IsResponse).Select(p => p.Message).ToList();
        Assert.Equal(3, probes.Count);
        Assert.True(probes[0].Questions[0].UnicastResponse);
        Assert.All(probes, p => Assert.Contains(p.Authorities, r => r is AddressRecord a && a.Address.Equals(FakeTransport.Wlan.Addresses[0])));
        var announcements = sent.Where(p => p.Message.IsResponse).Select(p => p.Message).ToList();
        Assert.Equal(ResponderEngine.AnnounceCount, announcements.Count);
        var a = Assert.IsType<AddressRecord>(Assert.Single(announcements[0].Answers, r => r.Type == DnsRecordType.A));
        Assert.Equal((FakeTransport.Wlan.Addresses[0], true), (a.Address, a.CacheFlush));
        Assert.Equal(ResponderState.Running, _engine.State);
    }

    [Fact]
    public void NewInterface_WhileProbingIt_AnswersOnlyOnTheOldInterface()
    {
        StartAndSettle();
        _transport.SetNetwork(FakeTransport.Lan, FakeTransport.Wlan);
        _networkChanges.Fire();
        _time.Advance(s_settle);
        _transport.TakeSent();

        var query = DnsMessage.Query(new DnsQuestion(s_host, DnsRecordType.A));
        _transport.Deliver(_engine.OnPacket, query, s_wlanPeer, FakeTransport.Wlan.Index);
        _transport.Deliver(_engine.OnPacket, query, s_peer, FakeTransport.Lan.Index);

        var answer = Assert.Single(_transport.TakeSent());
        Assert.Equal(FakeTransport.Lan.Index, answer.InterfaceIndex);
        Assert.True(answer.Message.IsResponse);
    }

    [Fact]
    public void AddressChange_SendsGoodbyeForOldAddressThenAnnouncesNewOne_WithoutProbing()
    {
        StartAndSettle();
        var old = FakeTransport.Lan.Addresses[0];
        var renewed = IPAddress.Parse("10.250.1.7");
        _transport.SetNetwork(FakeTransport.Lan with { Addresses = [renewed] });

        _networkChanges.Fire();
        _time.Advance(s_settle);
        var sent = RunFor(TimeSpan.FromSeconds(3));

        Assert.All(sent, p => Assert.True(p.Message.IsResponse, "an address change is announced, not probed (RFC 6762 §8.4)"));
        var goodbye = Assert.IsType<AddressRecord>(Assert.Single(sent[0].Message.Answers));
        Assert.Equal((old, 0u), (goodbye.Address, goodbye.Ttl));
        var announcements = sent.Skip(1).Select(p => p.Message).ToList();
        Assert.Equal(ResponderEngine.AnnounceCount, announcements.Count);
        var a = Assert.IsType<AddressRecord>(Assert.Single(announcements[0].Answers, r => r.Type == DnsRecordType.A));
        Assert.Equal((renewed, ResponderEngine.HostRecordTtl, true), (a.Address, a.Ttl, a.CacheFlush));
    }

    [Fact]
    public void AddressAdded_AnnouncesBothAddresses_WithoutGoodbye()
    {
        StartAndSettle();
        var extra = IPAddress.Parse("10.250.0.77");
        _transport.SetNetwork(FakeTransport.Lan with { Addresses = [FakeTransport.Lan.Addresses[0], extra], PrefixLengths = [24, 24] });

        _networkChanges.Fire();
        _time.Advance(s_settle);
        var sent = RunFor(TimeSpan.FromSeconds(3));

        Assert.Equal(ResponderEngine.AnnounceCount, sent.Count);
        Assert.DoesNotContain(sent.SelectMany(p => p.Message.Answers), r => r.Ttl == 0);
        var addresses = sent[0].Message.Answers.OfType<AddressRecord>().Select(r => r.Address).ToList();
        Assert.Equal([FakeTransport.Lan.Addresses[0], extra], addresses);
    }

    [Fact]
    public void InterfaceRemoved_SendsNothingThereAndIgnoresLatePacketsFromIt()
    {
        _transport.SetNetwork(FakeTransport.Lan, FakeTransport.Wlan);
        _transport.Rescan(); // start with both interfaces
        StartAndSettle();
        _transport.SetNetwork(FakeTransport.Lan);

        _networkChanges.Fire();
        _time.Advance(s_settle);
        _transport.Deliver(_engine.OnPacket, DnsMessage.Query(new DnsQuestion(s_host, DnsRecordType.A)), s_wlanPeer, FakeTransport.Wlan.Index);
        var sent = RunFor(TimeSpan.FromSeconds(3));
        var goodbye = _engine.StopAsync();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(sent);
        Assert.True(goodbye.IsCompletedSuccessfully);
        Assert.All(_transport.TakeSent(), p => Assert.Equal(FakeTransport.Lan.Index, p.InterfaceIndex));
    }

    [Fact]
    public void SignalWithoutChange_SendsNothing()
    {
        StartAndSettle();

        _networkChanges.Fire();
        _time.Advance(s_settle);

        Assert.Equal(1, _transport.RescanCount);
        Assert.Empty(RunFor(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void BurstOfSignals_RescansOnceAfterItSettles()
    {
        StartAndSettle();

        for (var i = 0; i < 10; i++)
        {
            _networkChanges.Fire();
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(0, _transport.RescanCount);
        _time.Advance(s_settle);
        Assert.Equal(1, _transport.RescanCount);
    }

    [Fact]
    public void EndlessSignals_StillRescanAtLeastEveryMaxDelay()
    {
        StartAndSettle();

        var elapsed = TimeSpan.Zero;
        while (elapsed < TimeSpan.FromSeconds(5))
        {
            _networkChanges.Fire();
            _time.Advance(TimeSpan.FromMilliseconds(400));
            elapsed += TimeSpan.FromMilliseconds(400);
        }

        // Signals every 400 ms never leave a 500 ms quiet period; the cap forces a re-scan 3 s into each burst.
        Assert.Equal(1, _transport.RescanCount);
        _time.Advance(NetworkChangeDebouncer.MaxDelay);
        Assert.Equal(2, _transport.RescanCount);
    }

    [Fact]
    public void NewInterface_WhileProbing_RestartsTheProbeSequenceOnAllInterfaces()
    {
        _engine.Start();
        _transport.SetNetwork(FakeTransport.Lan, FakeTransport.Wlan);

        _networkChanges.Fire();
        _time.Advance(s_settle); // the first sequence has sent at most two probes by now (0–250 ms, then 250 ms apart)
        _transport.TakeSent();
        var sent = RunFor(TimeSpan.FromSeconds(3));

        var probes = sent.Where(p => !p.Message.IsResponse).ToList();
        Assert.Equal(3, probes.Count(p => p.InterfaceIndex == FakeTransport.Wlan.Index));
        Assert.Equal(3, probes.Count(p => p.InterfaceIndex == FakeTransport.Lan.Index));
        Assert.True(_engine.FirstAnnouncement.IsCompletedSuccessfully);
        Assert.Contains(sent, p => p.Message.IsResponse && p.InterfaceIndex == FakeTransport.Wlan.Index);
    }

    [Fact]
    public void Dispose_StopsListeningToNetworkChanges()
    {
        _engine.Start();
        Assert.True(_networkChanges.HasListeners);

        _engine.Dispose();

        Assert.False(_networkChanges.HasListeners);
        _networkChanges.Fire(); // must not throw or schedule anything
    }

    [Fact]
    public void Running_WhenConflictArrivesWhileProbingNewInterface_ProbesEverywhereAgain()
    {
        StartAndSettle();
        _transport.SetNetwork(FakeTransport.Lan, FakeTransport.Wlan);
        _networkChanges.Fire();
        _time.Advance(s_settle);

        _transport.Deliver(_engine.OnPacket,
            DnsMessage.Response(new SrvRecord(s_instance, 0, 0, 1, DnsName.Parse("other.local"), 120, cacheFlush: true)), s_wlanPeer, FakeTransport.Wlan.Index);

        Assert.Equal(ResponderState.Probing, _engine.State);
    }

    /// <summary>Advances <paramref name="duration"/> in 50 ms steps and returns what was sent meanwhile.</summary>
    private List<SentPacket> RunFor(TimeSpan duration)
    {
        for (var t = TimeSpan.Zero; t < duration; t += TimeSpan.FromMilliseconds(50))
            _time.Advance(TimeSpan.FromMilliseconds(50));
        return _transport.TakeSent();
    }
}
