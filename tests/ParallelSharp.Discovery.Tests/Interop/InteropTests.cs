using System.Text.Json;

namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>
/// Our advertiser and browser against python-zeroconf (an independent mDNS stack, shared/tools/mdns-peer.py),
/// each side in its own lab host (network namespace), talking over the lab's private bridge only.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class InteropTests(LabFixture lab)
{
    private const string ServiceType = "_parallelsharp._tcp";

    [LabFact]
    public async Task ZeroconfBrowser_SeesOurAdvertiser_AndItsRemovalAfterGoodbye()
    {
        Assert.Null(lab.UpFailure);
        await using var advertiser = LabProcess.Start("our advertiser (host 1)", LabFixture.InHost(1,
            LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "advertise", "--name", "node-1", "--port", "7070",
            "--interface", "psh0", "--host", "psh-lab-h1", "--txt", "txtvers=1", "--txt", "cpus=4", "--txt", "gpu"));
        var announced = await advertiser.WaitForEventAsync("announce", e => Event(e) == "announced", TestTimeouts.Interop);
        Assert.Equal("node-1", announced.GetProperty("instance").GetString());

        // Started after the announcement, so it resolves through our answers to its (QU) queries.
        await using var browser = LabProcess.Start("python-zeroconf browser (host 2)", LabFixture.InHost(2,
            LabEnvironment.Python, LabEnvironment.PeerScript, "browse", ServiceType, "--watch", "--timeout", "40"));
        var resolved = await browser.WaitForEventAsync("zeroconf resolves node-1",
            e => Event(e) == "resolved" && e.GetProperty("instance").GetString() == "node-1", TestTimeouts.Interop);

        Assert.Equal(7070, resolved.GetProperty("port").GetInt32());
        Assert.Equal("psh-lab-h1.local.", resolved.GetProperty("server").GetString());
        Assert.Contains("10.250.0.1", resolved.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        var txt = resolved.GetProperty("txt");
        Assert.Equal("1", txt.GetProperty("txtvers").GetString());
        Assert.Equal("4", txt.GetProperty("cpus").GetString());
        Assert.Equal(JsonValueKind.Null, txt.GetProperty("gpu").ValueKind);

        await advertiser.SendLineAsync("stop");
        await advertiser.WaitForEventAsync("our goodbye", e => Event(e) == "stopped", TestTimeouts.Interop);
        await browser.WaitForEventAsync("zeroconf sees the goodbye",
            e => Event(e) == "removed" && e.GetProperty("name").GetString()!.StartsWith("node-1.", StringComparison.Ordinal), TestTimeouts.Interop);
    }

    [LabFact]
    public async Task OurBrowser_ResolvesZeroconfService_AndSeesItsRemoval()
    {
        Assert.Null(lab.UpFailure);
        await using var peer = LabProcess.Start("python-zeroconf advertiser (host 1)", LabFixture.InHost(1,
            LabEnvironment.Python, LabEnvironment.PeerScript, "register", "zc-node", "7171", "cpus=8", "ver=0.1.0", "gpu"));
        await peer.WaitForEventAsync("zeroconf registers", e => Event(e) == "registered", TestTimeouts.Interop);

        await using var browser = LabProcess.Start("our browser (host 2)", LabFixture.InHost(2,
            LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "browse", "--type", ServiceType, "--interface", "psh0"));
        var found = await browser.WaitForEventAsync("we resolve zc-node",
            e => Event(e) == "found" && e.GetProperty("instance").GetString() == "zc-node", TestTimeouts.Interop);

        Assert.Equal(7171, found.GetProperty("port").GetInt32());
        Assert.Equal("zc-node-10-250-0-1.local", found.GetProperty("host").GetString());
        Assert.Equal(["10.250.0.1"], found.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        var txt = found.GetProperty("txt");
        Assert.Equal("8", txt.GetProperty("cpus").GetString());
        Assert.Equal("0.1.0", txt.GetProperty("ver").GetString());
        Assert.Equal(JsonValueKind.Null, txt.GetProperty("gpu").ValueKind);

        await peer.TerminateAsync(); // mdns-peer.py sends its goodbye on SIGTERM
        await peer.WaitForEventAsync("zeroconf unregisters", e => Event(e) == "unregistered", TestTimeouts.Interop);
        var removed = await browser.WaitForEventAsync("we see the goodbye",
            e => Event(e) == "removed" && e.GetProperty("instance").GetString() == "zc-node", TestTimeouts.Interop);
        Assert.True(removed.GetProperty("goodbye").GetBoolean());
        await browser.SendLineAsync("stop");
        Assert.Equal(0, await browser.WaitForExitAsync(TestTimeouts.ProcessExit));
    }

    [LabFact]
    public async Task OurBrowser_FlushesAServiceThatDiedWithoutGoodbye_WhenZeroconfQueriesForItGoUnanswered()
    {
        Assert.Null(lab.UpFailure);
        await using var peer = LabProcess.Start("python-zeroconf advertiser (host 1)", LabFixture.InHost(1,
            LabEnvironment.Python, LabEnvironment.PeerScript, "register", "zc-dead", "7272"));
        await peer.WaitForEventAsync("zeroconf registers", e => Event(e) == "registered", TestTimeouts.Interop);
        await using var browser = LabProcess.Start("our browser (host 2)", LabFixture.InHost(2,
            LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "browse", "--type", ServiceType, "--interface", "psh0"));
        await browser.WaitForEventAsync("we resolve zc-dead",
            e => Event(e) == "found" && e.GetProperty("instance").GetString() == "zc-dead", TestTimeouts.Interop);

        // No goodbye: without RFC 6762 §10.5 its records would stay cached for their TTLs (120 s, and 75 min for the PTR),
        // four times this test's bound.
        await peer.KillAsync();
        // Another browser on the link asks for the type; nobody answers for zc-dead any more.
        await using var querier = LabProcess.Start("python-zeroconf browser (host 1)", LabFixture.InHost(1,
            LabEnvironment.Python, LabEnvironment.PeerScript, "browse", ServiceType, "--watch", "--timeout", "40"));

        var removed = await browser.WaitForEventAsync("we flush zc-dead after two unanswered queries",
            e => Event(e) == "removed" && e.GetProperty("instance").GetString() == "zc-dead", TestTimeouts.Interop);
        Assert.False(removed.GetProperty("goodbye").GetBoolean());
    }

    [LabFact]
    public async Task ZeroconfBrowser_WithIpv6_SeesOurIpv4AndIpv6Addresses()
    {
        Assert.Null(lab.UpFailure);
        await using var advertiser = LabProcess.Start("our advertiser (host 1, IPv6)", LabFixture.InHost(1,
            LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "advertise", "--name", "node-v6", "--port", "7072",
            "--interface", "psh0", "--ipv6"));
        await advertiser.WaitForEventAsync("announce", e => Event(e) == "announced", TestTimeouts.Interop);

        await using var browser = LabProcess.Start("python-zeroconf browser (host 2, IPv6)", LabFixture.InHost(2,
            LabEnvironment.Python, LabEnvironment.PeerScript, "browse", ServiceType, "--ipv6", "--timeout", "40"));
        var resolved = await browser.WaitForEventAsync("zeroconf resolves node-v6",
            e => Event(e) == "resolved" && e.GetProperty("instance").GetString() == "node-v6", TestTimeouts.Interop);

        var addresses = resolved.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("10.250.0.1", addresses);
        Assert.Contains("fd70:250::1", addresses);
        Assert.Equal(7072, resolved.GetProperty("port").GetInt32());
    }

    [LabFact]
    public async Task OurBrowser_WithIpv6_ResolvesZeroconfIpv4AndIpv6Addresses()
    {
        Assert.Null(lab.UpFailure);
        await using var peer = LabProcess.Start("python-zeroconf advertiser (host 1, IPv6)", LabFixture.InHost(1,
            LabEnvironment.Python, LabEnvironment.PeerScript, "register", "zc-v6", "7173", "--ipv6"));
        await peer.WaitForEventAsync("zeroconf registers", e => Event(e) == "registered", TestTimeouts.Interop);

        await using var browser = LabProcess.Start("our browser (host 2, IPv6)", LabFixture.InHost(2,
            LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "browse", "--type", ServiceType, "--interface", "psh0", "--ipv6"));
        var found = await browser.WaitForEventAsync("we resolve zc-v6 with both addresses",
            e => Event(e) is "found" or "updated" && e.GetProperty("instance").GetString() == "zc-v6"
                 && e.GetProperty("addresses").GetArrayLength() == 2, TestTimeouts.Interop);

        Assert.Equal(["10.250.0.1", "fd70:250::1"], found.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(7173, found.GetProperty("port").GetInt32());
    }

    private static string? Event(JsonElement e) => e.TryGetProperty("event", out var v) ? v.GetString() : null;
}
