using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery;

/// <summary>What a <see cref="ServiceAdvertiser"/> publishes: instance name, service type, host name, port, TXT attributes and addresses.</summary>
/// <remarks>
/// Published as <c>&lt;InstanceName&gt;.&lt;ServiceType&gt;.local</c> (PTR, SRV, TXT) plus A records for
/// <c>&lt;HostName&gt;.local</c>. If the instance name or host name is taken on the link, the advertiser renames
/// (<c>node-1 (2)</c>, <c>psh-host-3fa2-2</c>); <see cref="ServiceAdvertiser.InstanceName"/> tells the name in use.
/// </remarks>
public sealed class ServiceProfile
{
    /// <summary>The service type ParallelSharp node daemons publish.</summary>
    public const string DefaultServiceType = "_parallelsharp._tcp";

    private readonly string _serviceType = DefaultServiceType;
    private readonly string _hostName;
    private readonly IReadOnlyDictionary<string, string?> _txt = new Dictionary<string, string?>();
    private readonly IReadOnlyList<IPAddress> _addresses = [];

    /// <summary>Creates a profile with a generated unique host name, the default service type and no TXT attributes.</summary>
    /// <param name="instanceName">One DNS label of 1–63 bytes UTF-8, e.g. <c>node-1</c>; spaces and dots are allowed.</param>
    /// <param name="port">The TCP port the service listens on, 1–65535.</param>
    /// <exception cref="ArgumentException">The instance name is empty or longer than 63 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The port is outside 1–65535.</exception>
    public ServiceProfile(string instanceName, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ValidateLabel(instanceName, nameof(instanceName));
        InstanceName = instanceName;
        Port = port;
        _hostName = CreateHostName();
    }

    /// <summary>The instance label.</summary>
    public string InstanceName { get; }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <summary>The service type, <c>_name._tcp</c> or <c>_name._udp</c> (RFC 6763 §7); defaults to <see cref="DefaultServiceType"/>.</summary>
    /// <exception cref="ArgumentException">The value is not of that form.</exception>
    public string ServiceType
    {
        get => _serviceType;
        init
        {
            ValidateServiceType(value);
            _serviceType = value;
        }
    }

    /// <summary>The domain; always <c>local</c>.</summary>
    public string Domain => "local";

    /// <summary>
    /// The host label for the SRV target and the A records, without <c>.local</c>. Defaults to
    /// <c>psh-&lt;machine&gt;-&lt;4 hex&gt;</c> (see <see cref="CreateHostName"/>) so that two daemons on one machine, or
    /// lab namespaces sharing one machine name, do not collide.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not a label of letters, digits and hyphens of at most 63 bytes.</exception>
    public string HostName
    {
        get => _hostName;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            var label = value.EndsWith(".local", StringComparison.OrdinalIgnoreCase) ? value[..^".local".Length] : value;
            ValidateLabel(label, nameof(HostName));
            if (label.Contains('.', StringComparison.Ordinal))
                throw new ArgumentException($"The host name '{value}' must be a single label (no dots).", nameof(HostName));
            _hostName = label;
        }
    }

    /// <summary>TXT attributes in publication order; a <see langword="null"/> value publishes a boolean attribute (key without <c>=</c>).</summary>
    /// <exception cref="ArgumentException">A key is empty, has <c>=</c> or non-printable-ASCII characters, or the record would exceed 1300 bytes.</exception>
    public IReadOnlyDictionary<string, string?> Txt
    {
        get => _txt;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _ = TxtAttributes.Encode(value); // validates
            _txt = value;
        }
    }

    /// <summary>
    /// Addresses for the A (IPv4) and AAAA (IPv6) records. Empty (the default) publishes the addresses of the
    /// interface each packet goes out on, which is what a node on several networks wants.
    /// </summary>
    /// <exception cref="ArgumentException">An address is neither IPv4 nor IPv6.</exception>
    public IReadOnlyList<IPAddress> Addresses
    {
        get => _addresses;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (var address in value)
            {
                ArgumentNullException.ThrowIfNull(address, nameof(Addresses));
                if (address.AddressFamily is not (System.Net.Sockets.AddressFamily.InterNetwork or System.Net.Sockets.AddressFamily.InterNetworkV6))
                    throw new ArgumentException($"Address {address} is neither IPv4 nor IPv6.", nameof(Addresses));
            }

            // Records carry no scope id.
            _addresses = [.. value.Select(a => a.ScopeId == 0 || a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 ? a : new IPAddress(a.GetAddressBytes()))];
        }
    }

    /// <summary>Makes a host label <c>psh-&lt;machine&gt;-&lt;4 random hex digits&gt;</c> from the machine name.</summary>
    /// <remarks>Call it once per daemon and keep the result if the name should survive restarts.</remarks>
    public static string CreateHostName()
    {
        var machine = new StringBuilder();
        foreach (var c in Environment.MachineName.ToLowerInvariant())
        {
            if (machine.Length >= 40)
                break;
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
                machine.Append(c);
            else if (machine.Length > 0 && machine[^1] != '-')
                machine.Append('-');
        }

        var stem = machine.ToString().Trim('-');
        var suffix = RandomNumberGenerator.GetInt32(0x10000).ToString("x4", CultureInfo.InvariantCulture);
        return stem.Length == 0 ? $"psh-{suffix}" : $"psh-{stem}-{suffix}";
    }

    private static void ValidateLabel(string label, string parameterName)
    {
        try
        {
            _ = DnsName.FromLabels(label);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(ex.Message, parameterName, ex);
        }
    }

    private static void ValidateServiceType(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var parts = value.Split('.');
        var ok = parts.Length == 2
            && parts[0].Length is >= 2 and <= 16 && parts[0][0] == '_'
            && parts[0].Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && (string.Equals(parts[1], "_tcp", StringComparison.OrdinalIgnoreCase) || string.Equals(parts[1], "_udp", StringComparison.OrdinalIgnoreCase));
        if (!ok)
            throw new ArgumentException($"The service type '{value}' must look like '_name._tcp' or '_name._udp' with 1-15 letters, digits or hyphens (RFC 6763 §7).", nameof(ServiceType));
    }

    /// <summary>The type as a DNS name in the local domain, e.g. <c>_parallelsharp._tcp.local</c>.</summary>
    internal static DnsName ServiceTypeName(string serviceType)
    {
        ValidateServiceType(serviceType);
        return DnsName.Parse(serviceType + ".local");
    }
}
