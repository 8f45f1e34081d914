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
/// mDNS says who exists; liveness comes from the TCP connection and its heartbeats, never from mDNS TTLs alone.
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
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _watch = Task.CompletedTask;

    public NodeDiscovery(IEnumerable<string> interfaces, string cluster, NodeConnectionSettings settings, JobScheduler scheduler, TimeSpan reconnectDelay, ILoggerFactory loggerFactory, ILogger logger)
    {
        var options = new MdnsOptions { LoggerFactory = loggerFactory, TimeProvider = settings.TimeProvider };
        foreach (var name in interfaces)
            options.Interfaces.Add(name);
        _browser = ServiceBrowser.Create(options);
        _cluster = cluster;
        _settings = settings;
        _scheduler = scheduler;
        _reconnectDelay = reconnectDelay;
        _logger = logger;
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
                    OnRemoved(change.Service);
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
                // Announced again (TXT update, or back after a goodbye): make sure it gets work.
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

    private void OnRemoved(DiscoveredService service)
    {
        (NodeConnector Connector, CancellationTokenSource Stop, Task Run) known;
        lock (_gate)
        {
            if (!_nodes.Remove(service.InstanceName, out known))
                return;
        }

        Log.NodeLeftDiscovery(_logger, service.InstanceName);
        // Goodbye: no new jobs at once. Its connection stays until the node closes it, so jobs it hands back
        // arrive as "rejected" and move without penalty; the reconnect loop stops.
        if (known.Connector.Current is { } current)
            _scheduler.SetDraining(current, true);
        _ = StopWhenClosedAsync(known);
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
