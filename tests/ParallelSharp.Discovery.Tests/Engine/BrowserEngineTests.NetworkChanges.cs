using System.Net;
using ParallelSharp.Discovery.Engine;
using ParallelSharp.Discovery.Tests.Fakes;

namespace ParallelSharp.Discovery.Tests.Engine;

/// <summary>The browser after the network changed under it.</summary>
public sealed partial class BrowserEngineTests
{
    [Fact]
    public void NewInterface_RestartsTheQuerySeriesOnEveryInterface()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromSeconds(40)); // back-off is at 32 s by now
        _transport.TakeSent();
        _transport.SetNetwork(FakeTransport.Lan, FakeTransport.Wlan);

        _networkChanges.Fire();
        _time.Advance(NetworkChangeDebouncer.QuietPeriod + BrowserEngine.FirstQueryMaxDelay);
        var first = _transport.TakeSent();
        _time.Advance(BrowserEngine.FirstQueryInterval);
        var second = _transport.TakeSent();

        Assert.Equal([FakeTransport.Lan.Index, FakeTransport.Wlan.Index], first.Select(p => p.InterfaceIndex).Order());
        Assert.All(first, p => Assert.Equal(s_type, Assert.Single(p.Message.Questions).Name));
        Assert.Equal(2, second.Count); // 1 s later, not 64 s: the back-off started over
    }

    [Fact]
    public void SignalWithoutChange_KeepsTheBackOff()
    {
        _engine.Start();
        _time.Advance(TimeSpan.FromSeconds(40));
        _transport.TakeSent();

        _networkChanges.Fire();
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, _transport.RescanCount);
        Assert.Empty(_transport.TakeSent());
    }

    [Fact]
    public void InterfaceRemoved_ServiceLearnedThereIsRemovedSoonUnlessHeardAgain()
    {
        _transport.SetNetwork(FakeTransport.Lan, FakeTransport.Wlan);
        _transport.Rescan();
        _engine.Start();
        _transport.Deliver(_engine.OnPacket, FullResponse(7070, "192.168.7.30"), new IPEndPoint(IPAddress.Parse("192.168.7.30"), 5353), FakeTransport.Wlan.Index);
        Assert.Equal(ServiceChangeKind.Found, Assert.Single(_changes).Kind);
        _transport.SetNetwork(FakeTransport.Lan);

        _networkChanges.Fire();
        _time.Advance(NetworkChangeDebouncer.QuietPeriod);
        _time.Advance(BrowserEngine.GraceAfterInterfaceLoss - TimeSpan.FromMilliseconds(100));
        Assert.Single(_changes);
        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Equal(ServiceChangeKind.Removed, _changes[^1].Kind);
        Assert.Empty(_engine.Services);
    }

    [Fact]
    public void InterfaceRemoved_ServiceLearnedOnAnotherInterfaceStays()
    {
        _transport.SetNetwork(FakeTransport.Lan, FakeTransport.Wlan);
        _transport.Rescan();
        _engine.Start();
        _transport.Deliver(_engine.OnPacket, FullResponse(7070, "10.250.0.3"), new IPEndPoint(IPAddress.Parse("10.250.0.3"), 5353), FakeTransport.Lan.Index);
        _transport.SetNetwork(FakeTransport.Lan);

        _networkChanges.Fire();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Single(_changes);
        Assert.Single(_engine.Services);
    }
}
