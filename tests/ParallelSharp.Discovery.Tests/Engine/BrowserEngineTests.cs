using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Engine;
using ParallelSharp.Discovery.Tests.Fakes;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Tests.Engine;

public sealed partial class BrowserEngineTests : IDisposable
{
    private static readonly DnsName s_type = DnsName.Parse("_parallelsharp._tcp.local");
    private static readonly DnsName s_instance = s_type.Prepend("node-1");
    private static readonly DnsName s_host = DnsName.Parse("psh-peer-0001.local");
    private static readonly IPEndPoint s_peer = new(IPAddress.Parse("10.250.0.3"), 5353);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeTransport _transport = new();
    private readonly FakeNetworkChangeSource _networkChanges = new();
    private readonly BrowserEngine _engine;
    private readonly List<ServiceChangedEventArgs> _changes = [];

    public BrowserEngineTests()
    {
        _engine = new BrowserEngine("_parallelsharp._tcp", _transport, _networkChanges, _time, new Random(7), NullLogger.Instance);
        _engine.Changed += c =>
        {
            lock (_changes)
                _changes.Add(c);
        };
    }

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void Start_QueriesWithin120msThenBacksOffDoubling()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.Empty(_transport.TakeSent());
        _time.Advance(TimeSpan.FromMilliseconds(101));

        var first = Assert.Single(_transport.TakeSent());
        Assert.True(first.IsMulticast);
        var question = Assert.Single(first.Message.Questions);
        Assert.Equal((s_type, DnsRecordType.Ptr, false), (question.Name, question.Type, question.UnicastResponse));
        Assert.False(first.Message.IsResponse);

        var gaps = new List<int>();
        var sinceLast = 0;
        for (var ms = 0; ms < 16_000; ms += 100)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            sinceLast += 100;
            if (_transport.TakeSent().Count > 0)
            {
                gaps.Add(sinceLast);
                sinceLast = 0;
            }
        }

        Assert.Equal([1000, 2000, 4000, 8000], gaps.Take(4).Select(g => (int)Math.Round(g / 1000.0) * 1000));
    }

    [Fact]
    public void Response_WithAllRecords_ReportsFoundService()
    {
        _engine.Start();

        Deliver(FullResponse(7070, "10.250.0.3", ("cpus", "4"), ("gpu", null)));

        var change = Assert.Single(_changes);
        Assert.Equal(ServiceChangeKind.Found, change.Kind);
        var service = change.Service;
        Assert.Equal("node-1", service.InstanceName);
        Assert.Equal("_parallelsharp._tcp", service.ServiceType);
        Assert.Equal("psh-peer-0001.local", service.HostName);
        Assert.Equal(7070, service.Port);
        Assert.Equal([IPAddress.Parse("10.250.0.3")], service.Addresses);
        Assert.Equal("4", service.Txt["cpus"]);
        Assert.Null(service.Txt["gpu"]);
        Assert.Single(_engine.Services);
    }

    [Fact]
    public void Response_WithOnlyPtr_QueriesSrvAndTxtThenAddressThenReportsFound()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(120));
        _transport.TakeSent();

        Deliver(DnsMessage.Response(new PtrRecord(s_type, s_instance, 4500)));
        var askSrvTxt = Assert.Single(_transport.TakeSent()).Message;
        Assert.Equal([(s_instance, DnsRecordType.Srv), (s_instance, DnsRecordType.Txt)], askSrvTxt.Questions.Select(q => (q.Name, q.Type)));

        Deliver(DnsMessage.Response(
            new SrvRecord(s_instance, 0, 0, 7070, s_host, 120, cacheFlush: true),
            new TxtRecord(s_instance, [], 4500, cacheFlush: true)));
        var askA = Assert.Single(_transport.TakeSent()).Message;
        Assert.Equal([(s_host, DnsRecordType.A)], askA.Questions.Select(q => (q.Name, q.Type)));
        Assert.Empty(_changes);

        Deliver(DnsMessage.Response(new AddressRecord(s_host, IPAddress.Parse("10.250.0.3"), 120, cacheFlush: true)));

        Assert.Equal(ServiceChangeKind.Found, Assert.Single(_changes).Kind);
        Assert.Empty(_engine.Services[0].Txt);
    }

    [Fact]
    public void Response_AddressForUnknownHost_IsNotCached()
    {
        _engine.Start();

        Deliver(DnsMessage.Response(new AddressRecord(DnsName.Parse("stranger.local"), IPAddress.Parse("10.250.0.8"), 120)));

        Assert.Equal(0, _engine.CacheCount);
    }

    [Fact]
    public void Goodbye_RemovesServiceAfterOneSecond()
    {
        _engine.Start();
        Deliver(FullResponse(7070, "10.250.0.3"));

        Deliver(DnsMessage.Response(new PtrRecord(s_type, s_instance, 0), new SrvRecord(s_instance, 0, 0, 7070, s_host, 0)));
        Assert.Single(_engine.Services);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(_engine.Services);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Empty(_engine.Services);
        Assert.Equal([ServiceChangeKind.Found, ServiceChangeKind.Removed], _changes.Select(c => c.Kind));
        Assert.Equal(7070, _changes[1].Service.Port);
        Assert.True(_changes[1].IsGoodbye);
    }

    [Fact]
    public void TtlExpiry_WithoutRefreshAnswers_QueriesAt80PercentAndRemovesAtTtl()
    {
        _engine.Start();
        Deliver(FullResponse(7070, "10.250.0.3"));
        _time.Advance(TimeSpan.FromSeconds(5));
        _transport.TakeSent();

        _time.Advance(TimeSpan.FromSeconds(94)); // 99 s: past 80 % (+ up to 2 % jitter) of the 120 s SRV/A TTL
        var refreshes = _transport.TakeSent().SelectMany(p => p.Message.Questions).ToList();
        Assert.Contains(refreshes, q => q.Name.Equals(s_instance) && q.Type == DnsRecordType.Srv);
        Assert.Contains(refreshes, q => q.Name.Equals(s_host) && q.Type == DnsRecordType.A);
        Assert.Single(_engine.Services);

        _time.Advance(TimeSpan.FromSeconds(21)); // 120 s
        Assert.Empty(_engine.Services);
        Assert.Equal(ServiceChangeKind.Removed, _changes[^1].Kind);
        Assert.False(_changes[^1].IsGoodbye);
    }

    [Fact]
    public void Refresh_WhenAnsweredBeforeExpiry_KeepsServiceWithoutEvents()
    {
        _engine.Start();
        Deliver(FullResponse(7070, "10.250.0.3"));

        _time.Advance(TimeSpan.FromSeconds(100));
        Deliver(FullResponse(7070, "10.250.0.3"));
        _time.Advance(TimeSpan.FromSeconds(100));

        Assert.Single(_engine.Services);
        Assert.Equal([ServiceChangeKind.Found], _changes.Select(c => c.Kind));
    }

    [Fact]
    public void CacheFlush_NewAddress_ReplacesOldOneAfterOneSecond()
    {
        _engine.Start();
        Deliver(FullResponse(7070, "10.250.0.3"));
        _time.Advance(TimeSpan.FromSeconds(2));

        Deliver(DnsMessage.Response(new AddressRecord(s_host, IPAddress.Parse("10.250.0.9"), 120, cacheFlush: true)));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([IPAddress.Parse("10.250.0.9")], Assert.Single(_engine.Services).Addresses);
        Assert.Equal(ServiceChangeKind.Updated, _changes[^1].Kind);
    }

    [Fact]
    public void CacheFlush_RecordsOfOnePacketBurst_AreAllKept()
    {
        _engine.Start();

        // Two A records with cache-flush in one response: the second must not flush the first (received < 1 s ago).
        Deliver(DnsMessage.Response(
            new PtrRecord(s_type, s_instance, 4500),
            new SrvRecord(s_instance, 0, 0, 7070, s_host, 120, cacheFlush: true),
            new TxtRecord(s_instance, [], 4500, cacheFlush: true),
            new AddressRecord(s_host, IPAddress.Parse("10.250.0.3"), 120, cacheFlush: true),
            new AddressRecord(s_host, IPAddress.Parse("10.250.1.3"), 120, cacheFlush: true)));
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(2, Assert.Single(_engine.Services).Addresses.Count);
    }

    [Fact]
    public void TxtUpdate_WithCacheFlush_ReportsUpdatedWithNewestTxt()
    {
        _engine.Start();
        Deliver(FullResponse(7070, "10.250.0.3", ("cpus", "4")));
        _time.Advance(TimeSpan.FromSeconds(3));

        Deliver(DnsMessage.Response(new TxtRecord(s_instance, TxtAttributes.Encode([new("cpus", "8")]), 4500, cacheFlush: true)));

        Assert.Equal(ServiceChangeKind.Updated, _changes[^1].Kind);
        Assert.Equal("8", _changes[^1].Service.Txt["cpus"]);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("8", Assert.Single(_engine.Services).Txt["cpus"]);
    }

    [Fact]
    public void BrowseQuery_WithCachedPtr_CarriesKnownAnswerWithRemainingTtl()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(120));
        Deliver(FullResponse(7070, "10.250.0.3"));
        _transport.TakeSent();

        _time.Advance(TimeSpan.FromSeconds(1));

        var query = Assert.Single(_transport.TakeSent()).Message;
        var known = Assert.IsType<PtrRecord>(Assert.Single(query.Answers));
        Assert.Equal(s_instance, known.Target);
        Assert.InRange(known.Ttl, 4498u, 4500u);
        Assert.False(known.CacheFlush);
    }

    [Fact]
    public void BrowseQuery_WithManyKnownAnswers_SplitsWithTruncatedBit()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromMilliseconds(120));
        var ptrs = Enumerable.Range(0, 60).Select(i => (DnsRecord)new PtrRecord(s_type, s_type.Prepend($"node-{i:D3}-{new string('x', 30)}"), 4500)).ToList();
        Deliver(DnsMessage.Response(ptrs));
        _transport.TakeSent();

        _time.Advance(TimeSpan.FromSeconds(1));

        var packets = _transport.TakeSent().Select(p => p.Message).Where(m => m.Questions.Count == 0 || m.Questions[0].Type == DnsRecordType.Ptr).ToList();
        Assert.True(packets.Count >= 2, $"expected the known answers to be split, got {packets.Count} packet(s)");
        Assert.All(packets[..^1], p => Assert.True(p.IsTruncated));
        Assert.False(packets[^1].IsTruncated);
        Assert.Equal(60, packets.Sum(p => p.Answers.Count));
        Assert.All(packets, p => Assert.True(p.Encode().Length <= DnsConstants.PreferredPayloadLength));
    }

    [Fact]
    public void OnPacket_QueriesWrongPortOrMalformedData_AreIgnored()
    {
        _engine.Start();
        var full = FullResponse(7070, "10.250.0.3");

        _engine.OnPacket(new MdnsPacket(full.Encode(), new IPEndPoint(s_peer.Address, 40000), 2)); // not from 5353 (§11)
        _engine.OnPacket(new MdnsPacket([.. full.Encode()[..20]], s_peer, 2));
        Deliver(new DnsMessage { Answers = full.Answers }); // a query's known answers are not cached

        Assert.Equal(0, _engine.CacheCount);
        Assert.Empty(_changes);
    }

    [Fact]
    public void Response_ForOtherServiceType_IsNotCached()
    {
        _engine.Start();
        var other = DnsName.Parse("_http._tcp.local");

        Deliver(DnsMessage.Response(new PtrRecord(other, other.Prepend("web"), 4500), new SrvRecord(other.Prepend("web"), 0, 0, 80, s_host, 120)));

        Assert.Equal(0, _engine.CacheCount);
    }

    [Fact]
    public void Response_WithLinkLocalAaaa_ReportsAddressScopedToArrivalInterface()
    {
        _engine.Start();
        var response = FullResponse(7070, "10.250.0.3");
        response.Answers.Add(new AddressRecord(s_host, IPAddress.Parse("fe80::3"), 120, cacheFlush: true));
        response.Answers.Add(new AddressRecord(s_host, IPAddress.Parse("fd70:250::3"), 120, cacheFlush: true));

        Deliver(response);

        var addresses = Assert.Single(_engine.Services).Addresses;
        Assert.Equal(IPAddress.Parse("10.250.0.3"), addresses[0]);
        Assert.Contains(addresses, a => a.Equals(IPAddress.Parse("fd70:250::3")) && a.ScopeId == 0);
        Assert.Contains(addresses, a => a.IsIPv6LinkLocal && a.ScopeId == FakeTransport.Lan.Index);
    }

    [Fact]
    public void Changed_HandlerThrows_BrowserGoesOn()
    {
        _engine.Changed += _ => throw new InvalidOperationException("handler bug");
        _engine.Start();

        Deliver(FullResponse(7070, "10.250.0.3"));

        Assert.Single(_changes);
        Assert.Single(_engine.Services);
    }

    private void Deliver(DnsMessage message) => _transport.Deliver(_engine.OnPacket, message, s_peer);

    private static DnsMessage FullResponse(int port, string address, params (string Key, string? Value)[] txt) =>
        DnsMessage.Response(
            new PtrRecord(s_type, s_instance, 4500),
            new SrvRecord(s_instance, 0, 0, (ushort)port, s_host, 120, cacheFlush: true),
            new TxtRecord(s_instance, TxtAttributes.Encode(txt.Select(t => new KeyValuePair<string, string?>(t.Key, t.Value))), 4500, cacheFlush: true),
            new AddressRecord(s_host, IPAddress.Parse(address), 120, cacheFlush: true));
}
