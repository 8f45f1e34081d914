using System.Text.Json;

namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>
/// Our advertiser while the network changes under it, seen from another lab host: an address added to our interface
/// must reach python-zeroconf (an independent stack) without restarting the advertiser, and the goodbye for a removed
/// address must reach our browser.
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

    private static async Task LabIpAsync(params string[] args)
    {
        var (code, output) = await LabFixture.RunLabAsync(["exec", "1", "ip", .. args]);
        Assert.True(code == 0, $"ip {string.Join(' ', args)} in lab host 1 failed ({code}): {output}");
    }

    private static List<string?> Addresses(JsonElement e) => [.. e.GetProperty("addresses").EnumerateArray().Select(a => a.GetString())];

    private static string? Event(JsonElement e) => e.TryGetProperty("event", out var v) ? v.GetString() : null;
}
