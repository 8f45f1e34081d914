using System.Text.Json;

namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>
/// Our advertiser while the network changes under it, seen from another lab host: an address added to our interface
/// must reach python-zeroconf (an independent stack) without restarting the advertiser, the goodbye for a removed
/// address must reach our browser, and a link that comes up later must carry our announcements.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class NetworkChangeInteropTests(LabFixture lab)
{
    private const string ServiceType = "_parallelsharp._tcp";

    /// <summary>Outside the lab's 10.250.0.0/24, so nothing else in the lab uses it.</summary>
    private const string NewAddress = "10.250.1.1";

    [LabFact]
    public async Task ZeroconfBrowser_WhenOurInterfaceGainsAndLosesAnAddress_SeesBothChanges()
    {
        Assert.Null(lab.UpFailure);
        // --rescan 10 only bounds the wait should the kernel's change event not arrive; normally it reacts at once.
        await using var advertiser = LabProcess.Start("our advertiser (host 1)", LabFixture.InHost(1,
            LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "advertise", "--name", "node-nc", "--port", "7074",
            "--interface", "psh0", "--host", "psh-lab-nc", "--rescan", "10"));
        await advertiser.WaitForEventAsync("announce", e => Event(e) == "announced", TestTimeouts.Interop);

        await using var browser = LabProcess.Start("python-zeroconf browser (host 2)", LabFixture.InHost(2,
            LabEnvironment.Python, LabEnvironment.PeerScript, "browse", ServiceType, "--watch", "--timeout", "90"));
        var before = await browser.WaitForEventAsync("zeroconf resolves node-nc",
            e => Event(e) == "resolved" && e.GetProperty("instance").GetString() == "node-nc", TestTimeouts.Interop);
        Assert.Equal(["10.250.0.1"], Addresses(before));

        // python-zeroconf 0.47 printed no update when the address was withdrawn (tried: 30 s wait; probably it re-reads
        // its cache while the goodbye's 1 s grace still holds the old address), so the goodbye is checked with our browser.
        await using var ours = LabProcess.Start("our browser (host 2)", LabFixture.InHost(2,
            LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "browse", "--type", ServiceType, "--interface", "psh0"));
        await ours.WaitForEventAsync("we resolve node-nc",
            e => Event(e) == "found" && e.GetProperty("instance").GetString() == "node-nc", TestTimeouts.Interop);

        try
        {
            await LabIpAsync("addr", "add", NewAddress + "/24", "dev", "psh0");
            var gained = await browser.WaitForEventAsync("zeroconf sees the added address",
                e => Event(e) == "updated" && Addresses(e).Contains(NewAddress), TestTimeouts.Interop);
            Assert.Contains("10.250.0.1", Addresses(gained));
            Assert.Equal(7074, gained.GetProperty("port").GetInt32());

            await LabIpAsync("addr", "del", NewAddress + "/24", "dev", "psh0");
            await ours.WaitForEventAsync("we see the added address",
                e => Event(e) == "updated" && Addresses(e).Contains(NewAddress), TestTimeouts.Interop);
            var lost = await ours.WaitForEventAsync("we see the goodbye for the removed address",
                e => Event(e) == "updated" && !Addresses(e).Contains(NewAddress), TestTimeouts.Interop);
            Assert.Equal(["10.250.0.1"], Addresses(lost));
        }
        finally
        {
            // The lab outlives this test (other tests in the collection share it): leave psh0 as it was.
            await LabFixture.RunLabAsync("exec", "1", "ip", "addr", "del", NewAddress + "/24", "dev", "psh0");
        }
    }

    [LabFact]
    public async Task OurBrowser_OnALinkThatCameUpAfterOurAdvertiserStarted_FindsIt()
    {
        Assert.Null(lab.UpFailure);
        // All interfaces, the way a node is run on a machine whose VPN or second NIC may come up later.
        await using var advertiser = LabProcess.Start("our advertiser (host 1)", LabFixture.InHost(1,
            LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "advertise", "--name", "node-nl", "--port", "7075",
            "--interface", MdnsOptions.AllInterfaces, "--host", "psh-lab-nl", "--rescan", "10"));
        await advertiser.WaitForEventAsync("announce", e => Event(e) == "announced", TestTimeouts.Interop);

        try
        {
            // A new link between hosts 1 and 2 only, with its own subnet: what reaches host 2 through it was sent on it.
            await LabIpAsync(1, "link", "add", NewLink, "type", "veth", "peer", "name", NewLink, "netns", LabEnvironment.LabPrefix + "-h2");
            await LabIpAsync(1, "addr", "add", NewLinkAddress1 + "/24", "dev", NewLink);
            await LabIpAsync(2, "addr", "add", NewLinkAddress2 + "/24", "dev", NewLink);
            await LabIpAsync(1, "link", "set", NewLink, "multicast", "on", "up");
            await LabIpAsync(2, "link", "set", NewLink, "multicast", "on", "up");
            await WaitForCarrierAsync(2, NewLink);

            await using var ours = LabProcess.Start("our browser on the new link (host 2)", LabFixture.InHost(2,
                LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "browse", "--type", ServiceType, "--interface", NewLink));
            var found = await ours.WaitForEventAsync("we find node-nl over the new link",
                e => Event(e) == "found" && e.GetProperty("instance").GetString() == "node-nl", TestTimeouts.Interop);

            Assert.Equal(7075, found.GetProperty("port").GetInt32());
            Assert.Equal([NewLinkAddress1], Addresses(found)); // the answer on a link carries that link's address
        }
        finally
        {
            // Deleting one end of a veth pair deletes both: the shared lab is left as it was.
            await LabFixture.RunLabAsync("exec", "1", "ip", "link", "del", NewLink);
        }
    }

    private const string NewLink = "pshn0";
    private const string NewLinkAddress1 = "10.250.3.1";
    private const string NewLinkAddress2 = "10.250.3.2";

    private static Task LabIpAsync(params string[] args) => LabIpAsync(1, args);

    /// <summary>A veth end is usable (operationally up) a moment after both ends are set up; polled, bounded.</summary>
    private static async Task WaitForCarrierAsync(int host, string link)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Interop;
        while (true)
        {
            var (_, output) = await LabFixture.RunLabAsync("exec", host.ToString(System.Globalization.CultureInfo.InvariantCulture), "ip", "-o", "link", "show", link);
            if (output.Contains("state UP", StringComparison.Ordinal))
                return;
            Assert.True(DateTime.UtcNow < deadline, $"{link} in lab host {host} did not come up: {output}");
            await Task.Delay(50);
        }
    }

    private static async Task LabIpAsync(int host, params string[] args)
    {
        var (code, output) = await LabFixture.RunLabAsync(["exec", host.ToString(System.Globalization.CultureInfo.InvariantCulture), "ip", .. args]);
        Assert.True(code == 0, $"ip {string.Join(' ', args)} in lab host {host} failed ({code}): {output}");
    }

    private static List<string?> Addresses(JsonElement e) => [.. e.GetProperty("addresses").EnumerateArray().Select(a => a.GetString())];

    private static string? Event(JsonElement e) => e.TryGetProperty("event", out var v) ? v.GetString() : null;
}
