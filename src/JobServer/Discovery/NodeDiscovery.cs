using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ParallelSharp.Nodes;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Scheduling;

namespace ParallelSharp.Discovery;

/// <summary>
/// Finds nodes with mDNS/DNS-SD and keeps the scheduler connected to them: a node that appears (of our cluster and
/// protocol version) is connected at once; one that says goodbye gets no new jobs at once; one that comes back is used again.
/// </summary>
/// <remarks>
/// mDNS says who exists; liveness comes from the TCP connection and its heartbeats, never from mDNS TTLs alone. A node
/// whose records expire or go unanswered (RFC 6762 §10.5) without a goodbye may have died or may only have lost some
/// multicast: while its connection lives it keeps working, and when the connection ends it is not dialled again
/// unless mDNS finds it again first.
/// </remarks>
internal sealed class NodeDiscovery : IAsyncDisposable
{
    private readonly ServiceBrowser _browser;
    private readonly string _cluster;
    private readonly NodeConnectionSettings _settings;
    private readonly JobScheduler _scheduler;
    private readonly TimeSpan _reconnectDelay;
    private readonly ILogger _logger;
    private readonly Dictionary<string, (NodeConnector Connector, CancellationTokenSource Stop, Task Run)> _nodes = new(StringComparer.OrdinalIgnoreCase);
    // Nodes whose records went away without a goodbye while they were connected (see OnRemoved).
    private readonly HashSet<string> _expired = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _watch = Task.CompletedTask;

    public NodeDiscovery(IEnumerable<string> interfaces, string cluster, NodeConnectionSettings settings, JobScheduler scheduler, TimeSpan reconnectDelay, ILoggerFactory loggerFactory, ILogger logger)
        : this(CreateBrowser(interfaces, loggerFactory, settings.TimeProvider), cluster, settings, scheduler, reconnectDelay, logger)
    {
    }

    /// <summary>Follows the changes <paramref name="browser"/> reports (tests give it a browser of their own).</summary>
    internal NodeDiscovery(ServiceBrowser browser, string cluster, NodeConnectionSettings settings, JobScheduler scheduler, TimeSpan reconnectDelay, ILogger logger)
    {
        _browser = browser;
        _cluster = cluster;
        _settings = settings;
        _scheduler = scheduler;
        _reconnectDelay = reconnectDelay;
        _logger = logger;
    }

    /// <summary>The instance names of the nodes discovery keeps connected (or keeps dialling).</summary>
    internal IReadOnlyCollection<string> KnownNodes
    {
        get
        {
            lock (_gate)
                return [.. _nodes.Keys];
        }
    }

    private static ServiceBrowser CreateBrowser(IEnumerable<string> interfaces, ILoggerFactory loggerFactory, TimeProvider time)
    {
        var options = new MdnsOptions { LoggerFactory = loggerFactory, TimeProvider = time };
        foreach (var name in interfaces)
            options.Interfaces.Add(name);
        return ServiceBrowser.Create(options);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _browser.StartAsync(cancellationToken).ConfigureAwait(false);
        _watch = Task.Run(WatchAsync, CancellationToken.None);
    }

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var change in _browser.WatchAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (change.Kind == ServiceChangeKind.Removed)
                    OnRemoved(change.Service, change.IsGoodbye);
                else
                    OnFound(change.Service);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void OnFound(DiscoveredService service)
    {
        if (!IsOurs(service, out var why))
        {
            Log.DiscoveredNodeIgnored(_logger, service.InstanceName, why);
            return;
        }

        lock (_gate)
        {
            if (_nodes.TryGetValue(service.InstanceName, out var known))
            {
                // Announced again (TXT update, back after a goodbye or after its records lapsed): make sure it gets work.
                _expired.Remove(service.InstanceName);
                if (known.Connector.Current is { } current)
                    _scheduler.SetDraining(current, false);
                return;
            }

            var address = service.Addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? service.Addresses.FirstOrDefault();
            if (address is null)
                return;
            var connector = new NodeConnector(address.ToString(), service.Port, _settings, _scheduler, _reconnectDelay, _logger);
            var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            _nodes[service.InstanceName] = (connector, stop, connector.RunAsync(stop.Token));
            Log.NodeDiscovered(_logger, service.InstanceName, connector.Endpoint);
        }
    }

    private void OnRemoved(DiscoveredService service, bool goodbye)
    {
        (NodeConnector Connector, CancellationTokenSource Stop, Task Run) known;
        lock (_gate)
        {
            if (!_nodes.TryGetValue(service.InstanceName, out known))
                return;
            if (!goodbye && known.Connector.Current is { IsLost: false } connection)
            {
                // No goodbye: a lost answer looks the same as a dead host. The connection's heartbeats tell them apart.
                _expired.Add(service.InstanceName);
                Log.NodeExpiredWhileConnected(_logger, service.InstanceName);
                _ = ForgetIfStillGoneWhenClosedAsync(service.InstanceName, known, connection);
                return;
            }

            _nodes.Remove(service.InstanceName);
            _expired.Remove(service.InstanceName);
        }

        Log.NodeLeftDiscovery(_logger, service.InstanceName);
        // Goodbye: no new jobs at once. Its connection stays until the node closes it, so jobs it hands back
        // arrive as "rejected" and move without penalty; the reconnect loop stops.
        if (known.Connector.Current is { } current)
            _scheduler.SetDraining(current, true);
        _ = StopWhenClosedAsync(known);
    }

    /// <summary>
    /// When the connection of a node whose records lapsed ends, stops dialling it again — unless mDNS found it again
    /// meanwhile.
    /// </summary>
    private async Task ForgetIfStillGoneWhenClosedAsync(
        string instanceName, (NodeConnector Connector, CancellationTokenSource Stop, Task Run) known, NodeConnection connection)
    {
        await connection.Completion.ConfigureAwait(false);
        lock (_gate)
        {
            if (!_expired.Remove(instanceName) || !_nodes.TryGetValue(instanceName, out var current) || current.Connector != known.Connector)
                return;
            _nodes.Remove(instanceName);
        }

        Log.NodeLeftDiscovery(_logger, instanceName);
        await StopWhenClosedAsync(known).ConfigureAwait(false);
    }

    private static async Task StopWhenClosedAsync((NodeConnector Connector, CancellationTokenSource Stop, Task Run) known)
    {
        if (known.Connector.Current is { } current)
            await current.Completion.ConfigureAwait(false);
        await known.Stop.CancelAsync().ConfigureAwait(false);
        await known.Run.ConfigureAwait(false);
        known.Stop.Dispose();
    }

    private bool IsOurs(DiscoveredService service, out string why)
    {
        service.Txt.TryGetValue("cluster", out var cluster);
        if (!string.Equals(cluster ?? ProtocolConstants.DefaultCluster, _cluster, StringComparison.Ordinal))
        {
            why = $"it belongs to cluster '{cluster}'";
            return false;
        }

        if (!service.Txt.TryGetValue("ver", out var version)
            || !ushort.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number != ProtocolConstants.Version)
        {
            why = $"it speaks protocol version '{version}', not {ProtocolConstants.Version}";
            return false;
        }

        why = string.Empty;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(false);
        List<(NodeConnector Connector, CancellationTokenSource Stop, Task Run)> nodes;
        lock (_gate)
        {
            nodes = [.. _nodes.Values];
            _nodes.Clear();
        }

        await Task.WhenAll(nodes.Select(n => n.Run)).ConfigureAwait(false);
        foreach (var node in nodes)
            node.Stop.Dispose();
        await _browser.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
