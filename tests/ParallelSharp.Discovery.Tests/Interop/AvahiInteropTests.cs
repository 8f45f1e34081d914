using System.Diagnostics;
using System.Text.Json;

namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>
/// Our advertiser and browser against Avahi 0.8 (the reference for name conflicts, MDNS.md §2.3), run by
/// shared/tools/avahi-peer.sh inside lab host 2 only; our side runs in lab host 1.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class AvahiInteropTests(LabFixture lab)
{
    private const string ServiceType = "_parallelsharp._tcp";
    private const int AvahiHost = 2;

    [AvahiFact]
    public async Task AvahiBrowse_ResolvesOurAdvertiser()
    {
        Assert.Null(lab.UpFailure);
        await using var avahi = await AvahiDaemon.StartAsync(AvahiHost);
        await using var advertiser = StartOurAdvertiser("node-av1", "7080", "--txt", "cpus=4", "--txt", "gpu");
        await advertiser.WaitForEventAsync("announce", e => Event(e) == "announced", TestTimeouts.Interop);

        await using var browse = LabProcess.Start("avahi-browse (host 2)", avahi.Exec("avahi-browse", "-rp", ServiceType));
        var line = await browse.WaitForLineAsync("avahi resolves node-av1",
            l => l.StartsWith("=;", StringComparison.Ordinal) && l.Contains(";IPv4;node-av1;", StringComparison.Ordinal), TestTimeouts.Interop);

        // =;iface;proto;name;type;domain;host;address;port;txt
        var fields = line.Split(';');
        Assert.Equal("psh-lab-h1.local", fields[6]);
        Assert.Equal("10.250.0.1", fields[7]);
        Assert.Equal("7080", fields[8]);
        Assert.Contains("\"cpus=4\"", fields[9], StringComparison.Ordinal);
        Assert.Contains("\"gpu\"", fields[9], StringComparison.Ordinal);

        await advertiser.SendLineAsync("stop");
        await browse.WaitForLineAsync("avahi sees our goodbye",
            l => l.StartsWith("-;", StringComparison.Ordinal) && l.Contains(";IPv4;node-av1;", StringComparison.Ordinal), TestTimeouts.Interop);
    }

    [AvahiFact]
    public async Task OurAdvertiser_WhenAvahiOwnsTheName_RenamesAndOurBrowserSeesBoth()
    {
        Assert.Null(lab.UpFailure);
        await using var avahi = await AvahiDaemon.StartAsync(AvahiHost);
        await using var publish = LabProcess.Start("avahi-publish (host 2)", avahi.Exec("avahi-publish", "-s", "node-av2", ServiceType, "7082", "cpus=8"));
        await publish.WaitForLineAsync("avahi publishes", l => l.Contains("Established under name 'node-av2'", StringComparison.Ordinal), TestTimeouts.Interop);

        await using var advertiser = StartOurAdvertiser("node-av2", "7081");
        var announced = await advertiser.WaitForEventAsync("we announce", e => Event(e) == "announced", TestTimeouts.Interop);
        Assert.Equal("node-av2 (2)", announced.GetProperty("instance").GetString());

        await using var browser = LabProcess.Start("our browser (host 1)", LabFixture.InHost(1,
            LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "browse", "--type", ServiceType, "--interface", "psh0"));
        var theirs = await browser.WaitForEventAsync("we resolve Avahi's node-av2",
            e => Event(e) == "found" && e.GetProperty("instance").GetString() == "node-av2", TestTimeouts.Interop);
        Assert.Equal(7082, theirs.GetProperty("port").GetInt32());
        Assert.Equal("avahi-h2.local", theirs.GetProperty("host").GetString());
        Assert.Contains("10.250.0.2", theirs.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("8", theirs.GetProperty("txt").GetProperty("cpus").GetString());

        await publish.TerminateAsync();
        await browser.WaitForEventAsync("we see Avahi's goodbye",
            e => Event(e) == "removed" && e.GetProperty("instance").GetString() == "node-av2", TestTimeouts.Interop);
    }

    [AvahiFact]
    public async Task AvahiPublish_WhenWeOwnTheName_AvahiRenames()
    {
        Assert.Null(lab.UpFailure);
        await using var avahi = await AvahiDaemon.StartAsync(AvahiHost);
        await using var advertiser = StartOurAdvertiser("node-av3", "7083");
        await advertiser.WaitForEventAsync("we announce", e => Event(e) == "announced", TestTimeouts.Interop);

        await using var publish = LabProcess.Start("avahi-publish (host 2)", avahi.Exec("avahi-publish", "-s", "node-av3", ServiceType, "7084"));

        // Our responder defends the name against Avahi's probe, so Avahi must pick another one.
        await publish.WaitForLineAsync("avahi renames", l => l.Contains("Established under name 'node-av3 #2'", StringComparison.Ordinal), TestTimeouts.Interop);
    }

    private static LabProcess StartOurAdvertiser(string name, string port, params string[] extra) =>
        LabProcess.Start($"our advertiser {name} (host 1)", LabFixture.InHost(1,
            [LabEnvironment.DotnetHost, LabEnvironment.LabToolDll, "advertise", "--name", name, "--port", port,
             "--interface", "psh0", "--host", "psh-lab-h1", .. extra]));

    private static string? Event(JsonElement e) => e.TryGetProperty("event", out var v) ? v.GetString() : null;

    /// <summary>avahi-daemon in one lab host, stopped on dispose (netns-lab.sh down would also stop it).</summary>
    private sealed class AvahiDaemon : IAsyncDisposable
    {
        private readonly int _host;

        private AvahiDaemon(int host) => _host = host;

        public static async Task<AvahiDaemon> StartAsync(int host)
        {
            var daemon = new AvahiDaemon(host);
            var (code, output) = await daemon.RunAsync("start");
            Assert.True(code == 0, $"avahi-peer.sh start {host} failed ({code}): {output}");
            return daemon;
        }

        public ProcessStartInfo Exec(string command, params string[] args) =>
            Script(["exec", _host.ToString(System.Globalization.CultureInfo.InvariantCulture), command, .. args]);

        public async ValueTask DisposeAsync() => await RunAsync("stop");

        private async Task<(int Code, string Output)> RunAsync(string verb)
        {
            var start = Script([verb, _host.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(TestTimeouts.LabCommand);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"avahi-peer.sh {verb} {_host} did not finish within {TestTimeouts.LabCommand}");
            }

            return (process.ExitCode, await stdout + await stderr);
        }

        private static ProcessStartInfo Script(string[] args)
        {
            var start = new ProcessStartInfo(LabEnvironment.AvahiScript);
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
            start.Environment["PSH_LAB_PREFIX"] = LabEnvironment.LabPrefix;
            return start;
        }
    }
}
