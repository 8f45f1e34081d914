using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using ParallelSharp.Discovery;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.NodeDaemon.Discovery;

/// <summary>
/// Announces a node on mDNS/DNS-SD as <c>_parallelsharp._tcp</c>: SRV with its port, TXT with the protocol version,
/// cluster, worker count, OS and architecture. Goodbye (TTL 0) on disposal, so browsing job servers stop using it at once.
/// </summary>
/// <remarks>
/// Only nodes with a secret (or explicitly open) advertise, and the cluster name in the TXT record keeps two clusters
/// on one LAN apart. Load never goes in TXT: every TXT change is a re-announcement on the network.
/// </remarks>
internal sealed class NodeAdvertisement : IAsyncDisposable
{
    /// <summary>TXT keys: short, per RFC 6763 §6.4.</summary>
    public const string VersionKey = "ver";

    public const string ClusterKey = "cluster";

    public const string WorkersKey = "workers";

    private readonly ServiceAdvertiser _advertiser;
    private readonly Dictionary<string, string?> _txt;

    private NodeAdvertisement(ServiceAdvertiser advertiser, Dictionary<string, string?> txt)
    {
        _advertiser = advertiser;
        _txt = txt;
    }

    /// <summary>The instance name actually announced (it may have been renamed after a conflict).</summary>
    public string InstanceName => _advertiser.InstanceName;

    public static async Task<NodeAdvertisement> StartAsync(
        string nodeId, string cluster, int workers, IPEndPoint listen, IReadOnlyList<string> interfaces, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var txt = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["txtvers"] = "1",
            [VersionKey] = ProtocolConstants.Version.ToString(CultureInfo.InvariantCulture),
            [ClusterKey] = cluster,
            [WorkersKey] = workers.ToString(CultureInfo.InvariantCulture),
            ["os"] = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "osx" : "linux",
            ["arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        };
        var options = new MdnsOptions { LoggerFactory = loggerFactory };
        foreach (var name in ChooseInterfaces(listen, interfaces))
            options.Interfaces.Add(name);
        var profile = new ServiceProfile(nodeId, listen.Port) { Txt = txt };
        var advertiser = ServiceAdvertiser.Create(profile, options);
        try
        {
            await advertiser.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await advertiser.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new NodeAdvertisement(advertiser, txt);
    }

    /// <summary>Re-announces the worker count after it changed.</summary>
    public Task UpdateWorkersAsync(int workers, CancellationToken cancellationToken)
    {
        var value = workers.ToString(CultureInfo.InvariantCulture);
        if (_txt[WorkersKey] == value)
            return Task.CompletedTask;
        _txt[WorkersKey] = value;
        return _advertiser.UpdateTxtAsync(new Dictionary<string, string?>(_txt, StringComparer.Ordinal), cancellationToken);
    }

    private static IEnumerable<string> ChooseInterfaces(IPEndPoint listen, IReadOnlyList<string> interfaces)
    {
        if (interfaces.Count > 0)
            return interfaces;
        // Advertise where clients can connect: on loopback only for a loopback node, on every interface for
        // one bound to all addresses, and on the listen address's own interface otherwise.
        if (IPAddress.IsLoopback(listen.Address))
            return [];
        if (listen.Address.Equals(IPAddress.Any) || listen.Address.Equals(IPAddress.IPv6Any))
            return [MdnsOptions.AllInterfaces];
        return [listen.Address.ToString()];
    }

    /// <summary>Sends the goodbye and stops answering.</summary>
    public ValueTask DisposeAsync() => _advertiser.DisposeAsync();
}
