using System.Net;

namespace ParallelSharp.Discovery;

/// <summary>A resolved DNS-SD service instance: where to connect and its TXT attributes.</summary>
/// <remarks>Immutable; a browser reports a new instance when anything changes.</remarks>
public sealed class DiscoveredService
{
    /// <summary>Creates the description; browsers create these, tests may too.</summary>
    public DiscoveredService(
        string instanceName, string serviceType, string hostName, int port,
        IReadOnlyList<IPAddress> addresses, IReadOnlyDictionary<string, string?> txt)
    {
        ArgumentNullException.ThrowIfNull(instanceName);
        ArgumentNullException.ThrowIfNull(serviceType);
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(txt);
        InstanceName = instanceName;
        ServiceType = serviceType;
        HostName = hostName;
        Port = port;
        Addresses = addresses;
        Txt = txt;
    }

    /// <summary>The instance label, e.g. <c>node-1</c> (may contain spaces and dots).</summary>
    public string InstanceName { get; }

    /// <summary>The service type without domain, e.g. <c>_parallelsharp._tcp</c>.</summary>
    public string ServiceType { get; }

    /// <summary>The domain; always <c>local</c> for mDNS.</summary>
    public string Domain => "local";

    /// <summary>The host name from the SRV record, e.g. <c>psh-build1-3fa2.local</c>.</summary>
    public string HostName { get; }

    /// <summary>The TCP port from the SRV record.</summary>
    public int Port { get; }

    /// <summary>The addresses of <see cref="HostName"/>, IPv4 first.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>
    /// The TXT attributes (RFC 6763 §6): keys case-insensitive, first occurrence kept, a <see langword="null"/> value
    /// for a boolean attribute (key without <c>=</c>), values decoded as UTF-8 with bad bytes replaced.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Txt { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{InstanceName}.{ServiceType}.local at {HostName}:{Port} [{string.Join(", ", Addresses)}] " +
        $"{{{string.Join(", ", Txt.Select(kv => kv.Value is null ? kv.Key : $"{kv.Key}={kv.Value}"))}}}";

    /// <summary>True when every field is the same (TXT compared as a set of key/value pairs).</summary>
    internal bool HasSameContent(DiscoveredService other) =>
        string.Equals(InstanceName, other.InstanceName, StringComparison.Ordinal)
        && string.Equals(HostName, other.HostName, StringComparison.OrdinalIgnoreCase)
        && Port == other.Port
        && Addresses.SequenceEqual(other.Addresses)
        && Txt.Count == other.Txt.Count
        && Txt.All(kv => other.Txt.TryGetValue(kv.Key, out var v) && string.Equals(v, kv.Value, StringComparison.Ordinal));
}
