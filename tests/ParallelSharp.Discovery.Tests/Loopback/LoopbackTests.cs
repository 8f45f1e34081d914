using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Tests.Loopback;

/// <summary>Advertiser and browser over real sockets, loopback only (127.0.0.1); each test uses its own service type.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class LoopbackTests
{
    [Fact]
    public async Task Browser_WhenAdvertiserStarts_ResolvesPortTxtAndLoopbackAddress()
    {
        var type = UniqueType();
        await using var browser = ServiceBrowser.Create(serviceType: type);
        await browser.StartAsync();
        var profile = new ServiceProfile("node-lo", 7070)
        {
            ServiceType = type,
            Txt = new Dictionary<string, string?> { ["txtvers"] = "1", ["cpus"] = "2", ["gpu"] = null },
        };
        await using var advertiser = ServiceAdvertiser.Create(profile);

        await advertiser.StartAsync().WaitAsync(TestTimeouts.Loopback);
        var service = await browser.WaitForServiceAsync(s => s.InstanceName == "node-lo").WaitAsync(TestTimeouts.Loopback);

        Assert.Equal(7070, service.Port);
        Assert.Equal(advertiser.HostName, service.HostName);
        Assert.Equal([IPAddress.Loopback], service.Addresses);
        Assert.Equal("2", service.Txt["cpus"]);
        Assert.True(service.Txt.ContainsKey("gpu"));
        Assert.Null(service.Txt["gpu"]);
        Assert.Equal(type, service.ServiceType);
    }

    [Fact]
    public async Task Browser_WhenAdvertiserAlreadyRunning_FindsItAndSeesGoodbyeOnDispose()
    {
        var type = UniqueType();
        var advertiser = ServiceAdvertiser.Create(new ServiceProfile("node-bye", 7071) { ServiceType = type });
        await using var browser = ServiceBrowser.Create(serviceType: type);
        try
        {
            await advertiser.StartAsync().WaitAsync(TestTimeouts.Loopback);
            var removed = new TaskCompletionSource<DiscoveredService>(TaskCreationOptions.RunContinuationsAsynchronously);
            browser.ServiceChanged += (_, e) =>
            {
                if (e.Kind == ServiceChangeKind.Removed)
                    removed.TrySetResult(e.Service);
            };
            await browser.StartAsync();
            await browser.WaitForServiceAsync(s => s.InstanceName == "node-bye").WaitAsync(TestTimeouts.Loopback);

            await advertiser.DisposeAsync();

            var gone = await removed.Task.WaitAsync(TestTimeouts.Loopback);
            Assert.Equal("node-bye", gone.InstanceName);
            Assert.Empty(browser.Services);
        }
        finally
        {
            await advertiser.DisposeAsync();
        }
    }

    [Fact]
    public async Task UpdateTxtAsync_WhenBrowsed_BrowserReportsUpdatedTxt()
    {
        var type = UniqueType();
        await using var advertiser = ServiceAdvertiser.Create(new ServiceProfile("node-txt", 7072)
        {
            ServiceType = type,
            Txt = new Dictionary<string, string?> { ["ver"] = "1" },
        });
        await using var browser = ServiceBrowser.Create(serviceType: type);
        await advertiser.StartAsync().WaitAsync(TestTimeouts.Loopback);
        await browser.StartAsync();
        await browser.WaitForServiceAsync(s => s.Txt.GetValueOrDefault("ver") == "1").WaitAsync(TestTimeouts.Loopback);

        await advertiser.UpdateTxtAsync(new Dictionary<string, string?> { ["ver"] = "2" });

        var updated = await browser.WaitForServiceAsync(s => s.Txt.GetValueOrDefault("ver") == "2").WaitAsync(TestTimeouts.Loopback);
        Assert.Equal(7072, updated.Port);
    }

    [Fact]
    public async Task StartAsync_WhenInstanceNameTaken_SecondAdvertiserRenames()
    {
        var type = UniqueType();
        await using var first = ServiceAdvertiser.Create(new ServiceProfile("node-dup", 7073) { ServiceType = type });
        await using var second = ServiceAdvertiser.Create(new ServiceProfile("node-dup", 7074) { ServiceType = type });
        await using var browser = ServiceBrowser.Create(serviceType: type);

        await first.StartAsync().WaitAsync(TestTimeouts.Loopback);
        await second.StartAsync().WaitAsync(TestTimeouts.Loopback);
        await browser.StartAsync();
        var one = await browser.WaitForServiceAsync(s => s.Port == 7073).WaitAsync(TestTimeouts.Loopback);
        var two = await browser.WaitForServiceAsync(s => s.Port == 7074).WaitAsync(TestTimeouts.Loopback);

        Assert.Equal("node-dup", first.InstanceName);
        Assert.Equal("node-dup (2)", second.InstanceName);
        Assert.Equal("node-dup", one.InstanceName);
        Assert.Equal("node-dup (2)", two.InstanceName);
    }

    [Fact]
    public async Task WatchAsync_AdvertiserComesAndGoes_StreamsFoundThenRemoved()
    {
        var type = UniqueType();
        await using var browser = ServiceBrowser.Create(serviceType: type);
        await browser.StartAsync();
        using var watchStop = new CancellationTokenSource(TestTimeouts.Loopback);
        var seen = new List<ServiceChangeKind>();
        var advertiser = ServiceAdvertiser.Create(new ServiceProfile("node-watch", 7075) { ServiceType = type });
        try
        {
            await advertiser.StartAsync().WaitAsync(TestTimeouts.Loopback);
            await foreach (var change in browser.WatchAsync(watchStop.Token))
            {
                seen.Add(change.Kind);
                if (change.Kind == ServiceChangeKind.Found)
                    await advertiser.DisposeAsync();
                if (change.Kind == ServiceChangeKind.Removed)
                    break;
            }
        }
        catch (OperationCanceledException) when (watchStop.IsCancellationRequested)
        {
            Assert.Fail($"watch: timed out after {TestTimeouts.Loopback} waiting for found+removed of node-watch; saw [{string.Join(", ", seen)}]");
        }
        finally
        {
            await advertiser.DisposeAsync();
        }

        Assert.Equal([ServiceChangeKind.Found, ServiceChangeKind.Removed], seen);
    }

    [Fact]
    public async Task WaitForServiceAsync_WhenNothingMatches_ThrowsOnCancellation()
    {
        await using var browser = ServiceBrowser.Create(serviceType: UniqueType());
        await browser.StartAsync();
        using var cancel = new CancellationTokenSource();
        var waiting = browser.WaitForServiceAsync(_ => true, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeouts.Loopback));
    }

    [Fact]
    public async Task Create_DefaultOptions_UsesLoopbackOnly()
    {
        await using var transport = UdpMdnsTransport.Open(new MdnsOptions(), NullLogger.Instance);

        var nic = Assert.Single(transport.Interfaces);
        Assert.True(nic.IsLoopback);
        Assert.Equal([IPAddress.Loopback], nic.Addresses);
        Assert.False(nic.IsOnLink(IPAddress.Parse("192.0.2.2")));
    }

    [Fact]
    public void Select_UnknownInterfaceOnly_ThrowsDiscoveryException()
    {
        var options = new MdnsOptions { Interfaces = { "no-such-nic0" } };

        var ex = Assert.Throws<DiscoveryException>(() => InterfaceSelector.Select(options, NullLogger.Instance));
        Assert.Contains("no-such-nic0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_LoopbackByAddress_BypassesMulticastFlag()
    {
        var options = new MdnsOptions { Interfaces = { "127.0.0.1" } };

        var nic = Assert.Single(InterfaceSelector.Select(options, NullLogger.Instance));

        Assert.True(nic.IsLoopback);
    }

    [Fact]
    public async Task Methods_BeforeStart_ThrowInvalidOperation()
    {
        await using var browser = ServiceBrowser.Create(serviceType: UniqueType());
        await using var advertiser = ServiceAdvertiser.Create(new ServiceProfile("x", 1) { ServiceType = UniqueType() });

        await Assert.ThrowsAsync<InvalidOperationException>(() => browser.WaitForServiceAsync(_ => true));
        await Assert.ThrowsAsync<InvalidOperationException>(() => advertiser.UpdateTxtAsync(new Dictionary<string, string?>()));
    }

    /// <summary>A service type no other test or process uses, so parallel tests and suites do not see each other.</summary>
    private static string UniqueType() => $"_psht{RandomNumberGenerator.GetHexString(8, lowercase: true)}._tcp";
}
