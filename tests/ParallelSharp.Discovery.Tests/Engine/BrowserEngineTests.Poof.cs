using System.Net;
using ParallelSharp.Discovery.Dns;
using ParallelSharp.Discovery.Engine;

namespace ParallelSharp.Discovery.Tests.Engine;

/// <summary>Passive Observation Of Failures (RFC 6762 §10.5): records that queries keep asking for and nobody answers.</summary>
public sealed partial class BrowserEngineTests
{
    private static readonly IPEndPoint s_otherQuerier = new(IPAddress.Parse("10.250.0.9"), 5353);

    [Fact]
    public void Poof_TwoUnansweredQueries_FlushTheRecordTenSecondsAfterTheFirst()
    {
        StartWithService();
        var cached = _engine.CacheCount;

        _time.Advance(TimeSpan.FromSeconds(5));
        AskForSrv();
        _time.Advance(TimeSpan.FromSeconds(3));
        AskForSrv();
        _time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1)); // 14.999 s: 9.999 s after the first query
        Assert.Single(_engine.Services);

        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Empty(_engine.Services); // the SRV is gone, 105 s before its TTL would have ended
        Assert.Equal(cached - 1, _engine.CacheCount);
        Assert.Equal([ServiceChangeKind.Found, ServiceChangeKind.Removed], _changes.Select(c => c.Kind));
        Assert.False(_changes[1].IsGoodbye); // a lost answer looks the same as a dead host
    }

    [Fact]
    public void Poof_AnAnswerBetweenTheQueries_KeepsTheRecord()
    {
        StartWithService();

        _time.Advance(TimeSpan.FromSeconds(5));
        AskForSrv();
        _time.Advance(TimeSpan.FromSeconds(1));
        Deliver(FullResponse(7070, "10.250.0.3"));
        _time.Advance(TimeSpan.FromSeconds(2));
        AskForSrv();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Single(_engine.Services);
        Assert.Equal([ServiceChangeKind.Found], _changes.Select(c => c.Kind));
    }

    [Fact]
    public void Poof_OneQuery_OrTwoFurtherApartThanTheWindow_KeepsTheRecord()
    {
        StartWithService();

        _time.Advance(TimeSpan.FromSeconds(5));
        AskForSrv();
        _time.Advance(TimeSpan.FromSeconds(10)); // the second comes when the window of the first has closed
        AskForSrv();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Single(_engine.Services);
    }

    [Fact]
    public void Poof_OneQueryAskingTwiceForTheRecord_CountsOnce()
    {
        StartWithService();

        _time.Advance(TimeSpan.FromSeconds(5));
        _transport.Deliver(_engine.OnPacket, DnsMessage.Query(
            new DnsQuestion(s_instance, DnsRecordType.Srv), new DnsQuestion(s_instance, DnsRecordType.Any)), s_otherQuerier);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Single(_engine.Services);
    }

    [Fact]
    public void Poof_QueriesInTheSecondAfterTheAnswer_DoNotCount()
    {
        StartWithService();

        // Its owner must not multicast the record again within a second (§6), so silence then proves nothing.
        _time.Advance(TimeSpan.FromMilliseconds(200));
        AskForSrv();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        AskForSrv();
        _time.Advance(TimeSpan.FromSeconds(1));
        AskForSrv(); // the first that counts
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Single(_engine.Services);
    }

    [Theory]
    [InlineData("known answer")]
    [InlineData("QU question")]
    [InlineData("one-shot querier port")]
    [InlineData("truncated")]
    [InlineData("other interface")]
    [InlineData("other record")]
    public void Poof_QueriesTheOwnerNeedNotAnswerByMulticast_DoNotCount(string kind)
    {
        StartWithService();
        var srv = new SrvRecord(s_instance, 0, 0, 7070, s_host, 120);

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            var question = new DnsQuestion(s_instance, DnsRecordType.Srv, UnicastResponse: kind == "QU question");
            var query = kind switch
            {
                "known answer" => new DnsMessage { Questions = [question], Answers = [srv.WithTtl(100)] },
                "truncated" => new DnsMessage { Flags = DnsConstants.FlagTruncated, Questions = [question] },
                "other record" => DnsMessage.Query(new DnsQuestion(s_instance.Prepend("x"), DnsRecordType.Srv)),
                _ => DnsMessage.Query(question),
            };
            var source = kind == "one-shot querier port" ? new IPEndPoint(s_otherQuerier.Address, 40_000) : s_otherQuerier;
            _transport.Deliver(_engine.OnPacket, query, source, interfaceIndex: kind == "other interface" ? 3 : 2);
        }

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Single(_engine.Services);
        Assert.Equal([ServiceChangeKind.Found], _changes.Select(c => c.Kind));
    }

    [Fact]
    public void Poof_OurOwnRefreshQueries_CountWhenNobodyAnswers()
    {
        StartWithService();
        _time.Advance(TimeSpan.FromSeconds(5));
        _transport.TakeSent();

        // Refresh queries go out at 80 %, 85 %, ... of the 120 s TTL; multicast loopback brings them back to us.
        var flushedAt = TimeSpan.Zero;
        for (var elapsed = TimeSpan.FromSeconds(5); elapsed < TimeSpan.FromSeconds(120) && flushedAt == TimeSpan.Zero; elapsed += TimeSpan.FromMilliseconds(100))
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            foreach (var sent in _transport.TakeSent())
                _transport.Deliver(_engine.OnPacket, sent.Message, new IPEndPoint(IPAddress.Parse("10.250.0.2"), 5353), sent.InterfaceIndex);
            if (_engine.Services.Count == 0)
                flushedAt = elapsed;
        }

        // The first two refreshes (at 96–98.4 s and 102–104.4 s) went unanswered: flushed 10 s after the first, before
        // the TTL's end at 120 s.
        Assert.InRange(flushedAt.TotalSeconds, 106, 108.5);
        Assert.Equal(ServiceChangeKind.Removed, _changes[^1].Kind);
    }

    private void StartWithService()
    {
        _engine.Start();
        Deliver(FullResponse(7070, "10.250.0.3"));
    }

    private void AskForSrv() =>
        _transport.Deliver(_engine.OnPacket, DnsMessage.Query(new DnsQuestion(s_instance, DnsRecordType.Srv)), s_otherQuerier);
}
