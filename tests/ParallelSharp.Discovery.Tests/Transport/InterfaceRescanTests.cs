using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using ParallelSharp.Discovery.Tests.Fakes;
using ParallelSharp.Discovery.Tests.Loopback;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Tests.Transport;

/// <summary>Re-selecting interfaces after a network change: the configured filter still applies, and diffs are exact.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class InterfaceRescanTests
{
    [Fact]
    public async Task Rescan_InLoopbackOnlyMode_StaysOnLoopbackAndReportsNoChange()
    {
        await using var transport = UdpMdnsTransport.Open(new MdnsOptions(), NullLogger.Instance);

        var changes = transport.Rescan();

        Assert.True(changes.IsEmpty);
        Assert.All(transport.Interfaces, i => Assert.True(i.IsLoopback));
    }

    [Fact]
    public void SelectAvailable_WhenTheListedInterfaceIsMissing_ReturnsNothingWhereSelectThrows()
    {
        var options = new MdnsOptions { Interfaces = { "psh-no-such-nic" } };

        Assert.Empty(InterfaceSelector.SelectAvailable(options, NullLogger.Instance));
        Assert.Throws<DiscoveryException>(() => InterfaceSelector.Select(options, NullLogger.Instance));
    }

    [Fact]
    public void SelectAvailable_WithAnAddressListed_SelectsOnlyItsInterface()
    {
        var options = new MdnsOptions { Interfaces = { "127.0.0.1" } };

        var selected = Assert.Single(InterfaceSelector.SelectAvailable(options, NullLogger.Instance));

        Assert.True(selected.IsLoopback);
    }

    [Fact]
    public void Compute_ReportsAddedRemovedAndReaddressedInterfacesByIndex()
    {
        var lan = FakeTransport.Lan;
        var renewed = lan with { Addresses = [IPAddress.Parse("10.250.1.7")] };
        var other = new MdnsInterface(9, "tun0", [IPAddress.Parse("172.16.0.2")], [30], IsLoopback: false);

        var changes = InterfaceChanges.Compute([lan, FakeTransport.Wlan], [renewed, other]);

        Assert.Equal([other], changes.Added);
        Assert.Equal([FakeTransport.Wlan], changes.Removed);
        var (old, now) = Assert.Single(changes.Changed);
        Assert.Equal((lan, renewed), (old, now));
        Assert.True(InterfaceChanges.Compute([lan], [lan with { Addresses = [.. lan.Addresses] }]).IsEmpty);
    }
}
