using ParallelSharp.Discovery.Engine;

namespace ParallelSharp.Discovery;

/// <summary>Publishes one DNS-SD service over mDNS and answers queries for it until disposed.</summary>
/// <remarks>
/// <para>Create one with <see cref="Create"/>, then <see cref="StartAsync"/>: it probes the instance and host names
/// (renaming on conflict), announces the records twice, and from then on answers queries. Disposing sends goodbye
/// packets (TTL 0) so browsers drop the service at once.</para>
/// <para>It follows network changes among the interfaces <see cref="MdnsOptions.Interfaces"/> allows (see
/// <see cref="MdnsOptions.RescanInterval"/>): on an interface that comes up it probes and announces; when an
/// interface's addresses change it announces the new address records and sends a goodbye for lost ones; an interface
/// that goes away is simply no longer used.</para>
/// <code>
/// var profile = new ServiceProfile("node-1", 7070) { Txt = new Dictionary&lt;string, string?&gt; { ["txtvers"] = "1", ["cpus"] = "16" } };
/// await using var advertiser = ServiceAdvertiser.Create(profile, new MdnsOptions { Interfaces = { "eth0" } });
/// await advertiser.StartAsync(cancellationToken);   // advertiser.InstanceName may now be "node-1 (2)"
/// </code>
/// </remarks>
public abstract class ServiceAdvertiser : IAsyncDisposable
{
    /// <summary>The instance label in use; differs from the profile's after a rename on conflict.</summary>
    public abstract string InstanceName { get; }

    /// <summary>The host name in use, e.g. <c>psh-build1-3fa2.local</c>.</summary>
    public abstract string HostName { get; }

    /// <summary>The profile being published (its TXT is the one given at creation).</summary>
    public abstract ServiceProfile Profile { get; }

    /// <summary>Creates an advertiser; nothing is sent until <see cref="StartAsync"/>.</summary>
    /// <param name="profile">What to publish.</param>
    /// <param name="options">Interfaces, logging and clock; <see langword="null"/> for loopback only.</param>
    public static ServiceAdvertiser Create(ServiceProfile profile, MdnsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new MdnsAdvertiser(profile, options ?? new MdnsOptions(), transportFactory: null);
    }

    /// <summary>Opens the mDNS socket, probes and announces; completes once the service is announced under its final name.</summary>
    /// <remarks>Takes about a second (three probes 250 ms apart, RFC 6762 §8.1), longer after a name conflict.</remarks>
    /// <exception cref="DiscoveryException">No usable interface, or the socket could not be opened.</exception>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public abstract Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the TXT attributes and announces them again (RFC 6762 §8.4).</summary>
    /// <remarks>Do not use TXT for fast-changing data such as load: every change is a multicast announcement.</remarks>
    /// <exception cref="ArgumentException">A key is invalid or the record too long.</exception>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public abstract Task UpdateTxtAsync(IReadOnlyDictionary<string, string?> txt, CancellationToken cancellationToken = default);

    /// <summary>Sends goodbye packets (records with TTL 0, three times 250 ms apart) and closes the socket.</summary>
    public abstract ValueTask DisposeAsync();
}
