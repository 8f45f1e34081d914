using System.Net;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Tests.Transport;

public sealed class MdnsInterfaceTests
{
    private static readonly MdnsInterface s_lan = new(2, "psh0", [IPAddress.Parse("10.250.0.1")], [24], IsLoopback: false)
    {
        Ipv6Addresses = [IPAddress.Parse("fd70:250::1"), IPAddress.Parse("fe80::70:73ff:fe00:1")],
        Ipv6PrefixLengths = [64, 64],
    };

    [Theory]
    [InlineData("10.250.0.3", true)]
    [InlineData("10.250.1.3", false)]
    [InlineData("192.0.2.2", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("fd70:250::9", true)]
    [InlineData("fd70:251::9", false)]
    [InlineData("fe80::1", true)]
    [InlineData("2001:db8::1", false)]
    public void IsOnLink_LanInterface_AcceptsOnlyItsSubnets(string address, bool expected) =>
        Assert.Equal(expected, s_lan.IsOnLink(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("10.250.0.3", false)]
    [InlineData("192.0.2.2", false)]
    public void IsOnLink_LoopbackInterface_AcceptsOnlyLoopback(string address, bool expected)
    {
        var lo = new MdnsInterface(1, "lo", [IPAddress.Loopback], [8], IsLoopback: true);

        Assert.Equal(expected, lo.IsOnLink(IPAddress.Parse(address)));
    }

    [Fact]
    public void IsOnLink_Ipv6WithoutIpv6OnInterface_IsFalse()
    {
        var v4Only = new MdnsInterface(2, "psh0", [IPAddress.Parse("10.250.0.1")], [24], IsLoopback: false);

        Assert.False(v4Only.IsOnLink(IPAddress.Parse("fe80::1")));
    }
}
