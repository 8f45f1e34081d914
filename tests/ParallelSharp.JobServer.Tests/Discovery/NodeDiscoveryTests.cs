using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using ParallelSharp.Discovery;
using ParallelSharp.JobServerTests.Infrastructure;
using ParallelSharp.Nodes;
using ParallelSharp.NodeDaemon;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Scheduling;

namespace ParallelSharp.JobServerTests.Discovery;

/// <summary>
/// What the job server does with discovery's changes, against a real node on 127.0.0.1 (no workers) and a browser
/// the test drives: a goodbye stops new work at once; records that lapse without one do not, while the connection lives.
/// </summary>
public sealed class NodeDiscoveryTests : IAsyncLifetime
{
    private const string Secret = "discovery-tests-secret";
    private const string Cluster = "discovery-tests";

    private readonly FakeServiceBrowser _browser = new();
    private readonly JobScheduler _scheduler = new(1, null, TimeProvider.System, NullLogger.Instance);
    private NodeHost _node = null!;
    private NodeDiscovery _discovery = null!;
    private DiscoveredService _service = null!;

    public async Task InitializeAsync()
    {
        _node = new NodeHost(new NodeHostOptions
        {
            NodeId = "node-a", Cluster = Cluster, Secret = Secret, Workers = 0, WarmUpCompiler = false,
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        });
        await _node.StartAsync();
        var settings = new NodeConnectionSettings(Secret, Cluster, "discovery-tests", TestTimeouts.Step, TimeSpan.Zero, TimeSpan.FromSeconds(3),
            FrameLimits.DefaultMaxFrameLength, NullLogger.Instance, TimeProvider.System);
        _discovery = new NodeDiscovery(_browser, Cluster, settings, _scheduler, TimeSpan.FromMilliseconds(50), NullLogger.Instance);
        await _discovery.StartAsync(CancellationToken.None);
        _service = new DiscoveredService("node-a", ServiceProfile.DefaultServiceType, "node-a.local", _node.ListenEndPoint!.Port, [IPAddress.Loopback],
            new Dictionary<string, string?>
            {
                ["cluster"] = Cluster,
                ["ver"] = ProtocolConstants.Version.ToString(CultureInfo.InvariantCulture),
            });
    }

    public async Task DisposeAsync()
    {
        await _discovery.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Goodbye_StopsNewWorkAtOnce()
    {
        var connection = await FoundAndConnectedAsync();

        _browser.Raise(ServiceChangeKind.Removed, _service, isGoodbye: true);

        await WaitForAsync(() => connection.IsDraining, "the node that said goodbye to get no new work");
        Assert.Empty(_discovery.KnownNodes);
    }

    [Fact]
    public async Task RecordsLapsedWithoutGoodbye_WhileConnected_KeepTheNodeWorking()
    {
        var connection = await FoundAndConnectedAsync();

        _browser.Raise(ServiceChangeKind.Removed, _service, isGoodbye: false);
        // A change after it, so that the removal has been handled when it is seen.
        _browser.Raise(ServiceChangeKind.Found, new DiscoveredService("other", ServiceProfile.DefaultServiceType, "other.local", 1, [IPAddress.Loopback],
            new Dictionary<string, string?> { ["cluster"] = "another-cluster" }));
        await Task.Delay(200); // nothing to wait for: the node must stay as it is

        Assert.False(connection.IsDraining);
        Assert.False(connection.IsLost);
        Assert.Equal(["node-a"], _discovery.KnownNodes);
    }

    [Fact]
    public async Task RecordsLapsedWithoutGoodbye_ThenTheConnectionEnds_TheNodeIsNotDialledAgain()
    {
        var connection = await FoundAndConnectedAsync();
        _browser.Raise(ServiceChangeKind.Removed, _service, isGoodbye: false);

        await _node.DisposeAsync(); // the node goes away for real

        await WaitForAsync(() => connection.IsLost && _discovery.KnownNodes.Count == 0, "discovery to forget the node once its connection ended");
    }

    [Fact]
    public async Task RecordsLapsedWithoutGoodbye_ThenFoundAgain_TheNodeIsKept()
    {
        var connection = await FoundAndConnectedAsync();
        _browser.Raise(ServiceChangeKind.Removed, _service, isGoodbye: false);
        _browser.Raise(ServiceChangeKind.Found, _service);

        await _node.DisposeAsync();
        await WaitForAsync(() => connection.IsLost, "the connection to end");
        await Task.Delay(200); // the forgetting would happen right after the loss

        Assert.Equal(["node-a"], _discovery.KnownNodes); // still dialled: mDNS found it again
    }

    private async Task<NodeConnection> FoundAndConnectedAsync()
    {
        _browser.Raise(ServiceChangeKind.Found, _service);
        await WaitForAsync(() => _scheduler.Nodes.Any(n => n.NodeId == "node-a" && !n.IsLost), "discovery to connect to the node");
        return _scheduler.Nodes.Single(n => n.NodeId == "node-a" && !n.IsLost);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TestTimeouts.Step)
                Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(10); // discovery has no event for these states; the poll is bounded
        }
    }
}
